#!/usr/bin/env bash
# Puts the pool's trained models through a running gateway on a fresh seed of the suite (the pool's families),
# then model "auto", and prints each model's accuracy per family, the per-prompt oracle, the best single model
# and the routed accuracy.
#   bench/specialists/eval.sh [seed] [items-per-family]
# Starts the gateway from the repository root (config/pool.json serves config/models/*.gguf) on port 8089.
set -euo pipefail
cd "$(dirname "$0")/../.."
seed=${1:-7}
items=${2:-20}
tasks=reverse_word,remove_vowels,first_chars,last_chars
models=(reverse affix generalist)
port=8089
dotnet build src/Gateway.Host -v quiet -nologo >/dev/null
dotnet build -c Release tools/Gateway.Trainer -v quiet -nologo >/dev/null
gateway=src/Gateway.Host/bin/Debug/net10.0/Gateway.Host.dll
out=$(mktemp -d)
OMP_WAIT_POLICY=passive dotnet "$gateway" --urls "http://127.0.0.1:$port" >"$out/gateway.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 1; done
mkdir -p "$out/runs"
for model in "${models[@]}" auto; do
  dir="$out/runs"; [ "$model" = auto ] && dir="$out"
  dotnet "$gateway" aptitude run --model "$model" --gateway "http://127.0.0.1:$port" --seed "$seed" --items "$items" \
    --tasks "$tasks" --concurrency 4 --max-tokens 48 --out "$out/$model.json" --outcomes "$dir/$model.jsonl" >/dev/null
done
dotnet tools/Gateway.Trainer/bin/Release/net10.0/Gateway.Trainer.dll report --runs "$out/runs" --routed "$out/auto.jsonl"
echo "router decisions (model \"auto\"):"
curl -fs "http://127.0.0.1:$port/metrics" | grep '^gateway_router_decisions_total' || true
