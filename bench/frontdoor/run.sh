#!/usr/bin/env bash
# Front-door overhead: the gateway (Release, logging at Warning) in front of the shared mock
# upstream, measured next to nginx and (when installed) the Portkey gateway by
# ../shared/bench/overhead.sh. Prints that script's report: req/s, added p50/p99, CPU per request.
#
#   bench/frontdoor/run.sh                    # direct nginx gateway (+ portkey if PORTKEY_DIR is set)
#   TARGETS="direct nginx" bench/frontdoor/run.sh
#   CONNS="1 16 64" DURATION=10 bench/frontdoor/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
harness=${HARNESS:-$root/../shared/bench/overhead.sh}
port=${GATEWAY_PORT:-5080}
key=sk-bench-key
[ -x "$harness" ] || { echo "overhead harness not found at $harness (set HARNESS)" >&2; exit 2; }

dotnet build -c Release "$root/src/Gateway.Host" -v q -nologo >&2
dll="$root/src/Gateway.Host/bin/Release/net10.0/Gateway.Host.dll"
hash=$(dotnet "$dll" keys hash --key "$key")

cfg=$(mktemp -d)
trap 'kill $gw 2>/dev/null || true; rm -rf "$cfg"' EXIT
(
  cd "$cfg"   # no appsettings.json here: the gateway uses the one beside its binary
  exec ${TARGET_CPUS:+taskset -c $TARGET_CPUS} env \
    Logging__LogLevel__Default=Warning ${GATEWAY_ENV:-} \
    "Gateway__Models__bench-mock__BaseUrl=${UPSTREAM:-http://127.0.0.1:18080/v1}" \
    "Gateway__Models__bench-mock__UpstreamModel=gpt-4o-mini" \
    "Gateway__Keys__bench__Hash=$hash" \
    "Gateway__Keys__bench__Models__0=bench-mock" \
    dotnet "$dll" --urls "http://127.0.0.1:$port"
) &
gw=$!

targets=${TARGETS:-direct nginx${PORTKEY_DIR:+ portkey}}
# The gateway's tiered JIT (with its instrumented tier) needs several seconds of traffic on two cores before its
# code reaches the optimised tier; the harness's 5-second warm-up then measures part of the JIT's work as overhead.
export WARMUP=${WARMUP:-20}
GATEWAY_API_KEY=$key GATEWAY_PID=$gw BENCH_MODEL=bench-mock \
  "$harness" $targets gateway="http://127.0.0.1:$port"
