#!/usr/bin/env bash
# Trains the agents' role models from scratch on exported agent traces and prints each one's held-out accuracy
# per role (exact match of the completion on traces of an unseen suite seed), wall time and load average.
#   bench/agents/train.sh [roles|planner|caller|solver|all] [minutes] [out-dir]
# roles: the shipped specialists one after another; all: one model of about their total size on every role
# (the alpha-UMi comparison). The traces come from `gateway agents traces` (a reference-plan oracle playing each
# role through the real agents): suite seed 1 for training, seed 2 held out; written once under bench/agents/traces/.
set -euo pipefail
cd "$(dirname "$0")/../.."
which=${1:-roles}
minutes=${2:-30}
out=${3:-config/models}
traces=${TRACES:-bench/agents/traces}
mkdir -p "$traces" "$out"
host=src/Gateway.Host/bin/Release/net10.0/Gateway.Host.dll
trainer=tools/Gateway.Trainer/bin/Release/net10.0/Gateway.Trainer.dll
dotnet build -c Release tools/Gateway.Trainer -v quiet -nologo >/dev/null
if [[ ! -s $traces/train.jsonl || ! -s $traces/heldout.jsonl ]]; then
  dotnet build -c Release src/Gateway.Host -v quiet -nologo >/dev/null
  dotnet "$host" agents traces --agent rewoo umi react --seed 1 --count "${TRAIN_ITEMS:-300}" --out "$traces/train.jsonl"
  dotnet "$host" agents traces --agent rewoo umi react --seed 2 --count 8 --out "$traces/heldout.jsonl"
fi

# name, roles, width, blocks, heads, kv heads, feed-forward
train() {
  local name=$1 roles=$2 dim=$3 layers=$4 heads=$5 kv=$6 ffn=$7
  echo "== $name ($roles): load before $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  local start
  start=$(date +%s)
  # libtorch's OpenMP threads spin while they wait; on a shared machine passive waiting is far faster.
  OMP_WAIT_POLICY=passive dotnet "$trainer" train --name "$name" --traces "$traces/train.jsonl" --eval-traces "$traces/heldout.jsonl" \
    --roles "$roles" --copy-share 0.3 --show 2 --dim "$dim" --layers "$layers" --heads "$heads" --kv-heads "$kv" --ffn "$ffn" --context 1536 \
    --steps "${STEPS:-100000}" --batch "${BATCH:-8}" --lr "${LR:-5e-3}" --minutes "$minutes" --threads 2 --seed 1 --eval-items 200 --f16 \
    --out "$out/$name.gguf"
  local end
  end=$(date +%s)
  echo "== $name: load after $(cut -d' ' -f1-3 /proc/loadavg); wall $(( (end - start) / 60 )) min $(( (end - start) % 60 )) s (limit $minutes min of training)"
}

case "$which" in
  planner) train agent-planner "rewoo/planner,umi/planner" 64 3 4 4 192 ;;
  caller)  train agent-caller "umi/caller,react/actor" 64 3 4 4 192 ;;
  solver)  train agent-solver "rewoo/solver,umi/summarizer" 64 3 4 4 192 ;;
  roles)   "$0" planner "$minutes" "$out"; "$0" caller "$minutes" "$out"; "$0" solver "$minutes" "$out" ;;
  # One model of the three specialists' total size (618,128 against 3 × 205,760 parameters) on every role.
  all)     train agent-all "" 112 3 4 4 384 ;;
  *) echo "unknown model $which (roles, planner, caller, solver or all)" >&2; exit 2 ;;
esac
