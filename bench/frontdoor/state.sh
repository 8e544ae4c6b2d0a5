#!/usr/bin/env bash
# Shared-state cost: the same gateway build twice, both with a rate-limited, token-limited key and
# metrics on; one keeps limits in memory, the other in a local redis-server. Reported by
# ../shared/bench/overhead.sh side by side (x_gateway-mem = Redis-backed req/s over in-memory).
#
#   bench/frontdoor/state.sh            # CONNS="1 16 64" DURATION=10 by default
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
harness=${HARNESS:-$root/../shared/bench/overhead.sh}
key=sk-bench-key
redis_port=${REDIS_PORT:-16379}
command -v redis-server >/dev/null || { echo "redis-server is needed (apt-get install redis-server)" >&2; exit 2; }

dotnet build -c Release "$root/src/Gateway.Host" -v q -nologo >&2
dll="$root/src/Gateway.Host/bin/Release/net10.0/Gateway.Host.dll"
hash=$(dotnet "$dll" keys hash --key "$key")

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >/dev/null &
redis=$!
cfg=$(mktemp -d)
trap 'kill $mem $red $redis 2>/dev/null || true; rm -rf "$cfg"' EXIT

start() { # port extra-env...
  local port=$1; shift
  ( cd "$cfg"; exec env Logging__LogLevel__Default=Warning \
      "Gateway__Models__bench-mock__BaseUrl=${UPSTREAM:-http://127.0.0.1:18080/v1}" \
      "Gateway__Models__bench-mock__UpstreamModel=gpt-4o-mini" \
      "Gateway__Models__bench-mock__InputPricePerMTok=0.15" \
      "Gateway__Keys__bench__Hash=$hash" \
      "Gateway__Keys__bench__RequestsPerMinute=100000000" \
      "Gateway__Keys__bench__TokensPerMinute=100000000000" \
      "$@" dotnet "$dll" --urls "http://127.0.0.1:$port" ) &
}
start 5081; mem=$!
start 5082 "Gateway__Redis__ConnectionString=127.0.0.1:$redis_port"; red=$!

# One harness run per gateway, so each CPU column belongs to its own process.
GATEWAY_API_KEY=$key GATEWAY_PID=$mem BENCH_MODEL=bench-mock "$harness" direct gateway-mem=http://127.0.0.1:5081 | tee "$cfg/mem.txt"
GATEWAY_API_KEY=$key GATEWAY_PID=$red BENCH_MODEL=bench-mock "$harness" direct gateway-redis=http://127.0.0.1:5082 | tee "$cfg/redis.txt"

echo
echo "# Redis-backed over in-memory limits (req/s ratio) at each connection count:"
join <(awk '$1=="gateway-mem"{print $2, $3}' "$cfg/mem.txt") <(awk '$1=="gateway-redis"{print $2, $3}' "$cfg/redis.txt") |
  awk '{printf "conns %-4s in-memory %8s  redis %8s  ratio %.2f\n", $1, $2, $3, $3/$2}'
