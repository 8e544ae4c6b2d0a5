#!/usr/bin/env bash
# Trains one specialist from scratch and prints the wall time and its held-out accuracy (fresh seed).
#   bench/specialists/train.sh [reverse|affix|generalist] [minutes]
# The time limit stops training early when the machine is slow (the learning rate follows the limit);
# the report says how many steps fitted. Run it on a quiet machine for comparable numbers.
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-reverse}
minutes=${2:-20}
case "$model" in
  reverse)    args=(--families reverse_word,remove_vowels --dim 128 --layers 2 --heads 4 --kv-heads 2 --ffn 384 --steps 3000) ;;
  affix)      args=(--families first_chars,last_chars --dim 128 --layers 2 --heads 4 --kv-heads 2 --ffn 384 --steps 3000) ;;
  # The pool's generalist is the cheap one: a quarter of the width and a 1000-step budget.
  generalist) args=(--families reverse_word,remove_vowels,first_chars,last_chars --dim 64 --layers 2 --heads 4 --kv-heads 2 --ffn 128 --steps 1000) ;;
  *) echo "unknown model $model (reverse, affix or generalist)" >&2; exit 2 ;;
esac
dotnet build -c Release tools/Gateway.Trainer -v quiet -nologo >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
start=$(date +%s)
# llama.cpp and libtorch's OpenMP threads spin while they wait; on a shared machine passive waiting is far faster.
OMP_WAIT_POLICY=passive dotnet tools/Gateway.Trainer/bin/Release/net10.0/Gateway.Trainer.dll train --name "$model" "${args[@]}" \
  --batch 16 --minutes "$minutes" --threads 1 --seed 1 --eval-seed 2002 --eval-items 20 --out "$out/$model.gguf"
end=$(date +%s)
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wall time: $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s (limit ${minutes} min of training, plus build-free start-up and the held-out evaluation)"
