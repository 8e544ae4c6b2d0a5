#!/usr/bin/env bash
# Puts the agents and a direct baseline (a model answering without tools) through a gateway on the multi-hop tool
# families of a held-out seed, then prints per family and agent: accuracy, tokens, tokens per solved item, latency
# p50 and tool calls, against the direct baseline (gap column) and the reference plan (its tool calls).
#   bench/agents/eval.sh [seed] [items-per-family]
# Environment: AGENTS (default "agent:rewoo agent:umi agent:react agent:craft"), DIRECT_MODEL (default auto: the router's
# pick), PORT (default 8091), EVAL_OUT (keep the outcome files there; default a temporary folder).
# Starts the gateway from the repository root (appsettings.json, config/pool.json) unless GATEWAY_URL names a running one.
set -euo pipefail
cd "$(dirname "$0")/../.."
seed=${1:-9001}
items=${2:-20}
port=${PORT:-8091}
direct=${DIRECT_MODEL:-auto}
read -r -a agents <<<"${AGENTS:-agent:rewoo agent:umi agent:react agent:craft}"
tasks=hop2_digit_sum_product,hop2_gcd_prime,hop2_shift_vowels,hop2_words_factorial,hop3_lcm_digits_prime,hop3_vowels_times_words,hop3_gcd_shift_letter,hop4_gcd_digits_fibonacci,hop4_vowels_lcm_plus
dotnet build src/Gateway.Host -v quiet -nologo >/dev/null
gateway=src/Gateway.Host/bin/Debug/net10.0/Gateway.Host.dll
out=${EVAL_OUT:-$(mktemp -d)}
mkdir -p "$out/runs"
url=${GATEWAY_URL:-}
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; [ -z "${EVAL_OUT:-}" ] && rm -rf "$out"; true; }
trap cleanup EXIT
if [ -z "$url" ]; then
  url="http://127.0.0.1:$port"
  OMP_WAIT_POLICY=passive dotnet "$gateway" --urls "$url" --Gateway:AllowDevelopmentKey=true >"$out/gateway.log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do curl -fs "$url/health" >/dev/null 2>&1 && break; sleep 1; done
fi
echo "seed $seed, $items items per family, gateway $url"
for model in "$direct" "${agents[@]}"; do
  name=${model//:/_}
  # An agent's answer takes several role calls; give it the time and tokens a plain answer does not need.
  dotnet "$gateway" aptitude run --model "$model" --gateway "$url" --seed "$seed" --items "$items" --tasks "$tasks" \
    --concurrency 2 --max-tokens 256 --timeout 300 --out "$out/$name.json" --outcomes "$out/runs/$name.jsonl" >/dev/null \
    || echo "$model: every call failed (see $out/gateway.log)"
done
dotnet "$gateway" agents report --runs "$out/runs" --direct "$direct" --ratio agent:rewoo,agent:react
