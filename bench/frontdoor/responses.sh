#!/usr/bin/env bash
# What the Responses API costs next to chat completions: one gateway (Release, logging at Warning) in front of an
# nginx mock that answers every chat completion with the shared fixture; wrk posts the same conversation to
# /v1/chat/completions and, as a Responses request, to /v1/responses, in interleaved rounds. Prints req/s and
# p50/p99 for each and the responses/chat ratios, per connection count.
#
#   bench/frontdoor/responses.sh
#   CONNS="1 16" DURATION=10 ROUNDS=3 bench/frontdoor/responses.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED_BENCH:-$root/../shared/bench}
port=${GATEWAY_PORT:-5081}
mock_port=${MOCK_PORT:-18280}
conns=${CONNS:-1 16}
duration=${DURATION:-8}
rounds=${ROUNDS:-2}
key=sk-bench-key
for tool in wrk nginx jq curl; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 2; }; done
[ -r "$shared/chat.lua" ] || { echo "wrk script not found at $shared/chat.lua (set SHARED_BENCH)" >&2; exit 2; }

run=$(mktemp -d)
cleanup() { kill "${gw:-}" "${mock:-}" 2>/dev/null || true; rm -rf "$run"; }
trap cleanup EXIT
mkdir -p "$run/tmp"

# The mock: every POST gets the fixture, as the shared harness's mock answers.
answer=$(jq -c . "$shared/data/chat-completion.json")
cat >"$run/mock.conf" <<EOF
worker_processes 1;
pid $run/mock.pid;
error_log $run/mock.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $run/tmp;
  keepalive_requests 10000000;
  server {
    listen 127.0.0.1:$mock_port;
    location / { default_type application/json; return 200 '$answer'; }
  }
}
EOF
nginx -p "$run" -c "$run/mock.conf" -g 'daemon off;' &
mock=$!

dotnet build -c Release "$root/src/Gateway.Host" -v q -nologo >&2
dll="$root/src/Gateway.Host/bin/Release/net10.0/Gateway.Host.dll"
hash=$(dotnet "$dll" keys hash --key "$key")
(
  cd "$run"
  exec env Logging__LogLevel__Default=Warning \
    "Gateway__Models__bench-mock__BaseUrl=http://127.0.0.1:$mock_port/v1" \
    "Gateway__Models__bench-mock__UpstreamModel=gpt-4o-mini" \
    "Gateway__Keys__bench__Hash=$hash" \
    "Gateway__Keys__bench__Models__0=bench-mock" \
    dotnet "$dll" --urls "http://127.0.0.1:$port" >"$run/gateway.log" 2>&1
) &
gw=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done

# The same conversation in both shapes: the system message becomes instructions.
jq -c '. + {model: "bench-mock"}' "$shared/data/request.json" >"$run/chat.json"
jq -c '{model: "bench-mock", instructions: .messages[0].content, input: .messages[1].content,
        temperature: .temperature, max_output_tokens: .max_tokens}' "$shared/data/request.json" >"$run/responses.json"

check() {
  curl -sf "http://127.0.0.1:$port/v1/$1" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d @"$run/$2.json" |
    jq -e "$3" >/dev/null || { echo "the gateway did not answer /v1/$1 as expected" >&2; exit 1; }
}
check chat/completions chat '.choices[0].message.content'
check responses responses '.output[0].content[0].text'

threads() { echo $(($1 < 2 ? $1 : 2)); }

measure() { # endpoint body conns -> "rps p50_us p99_us errors"
  BENCH_BODY_FILE="$run/$2.json" BENCH_API_KEY=$key \
    wrk -t"$(threads "$3")" -c"$3" -d"${duration}s" -s "$shared/chat.lua" "http://127.0.0.1:$port/v1/$1" |
    awk '/^BENCH_RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                           print v["rps"], v["p50_us"], v["p99_us"], v["err_status"] + v["err_connect"] + v["err_read"] + v["err_timeout"] }'
}

printf '%-6s %-5s %9s %9s %9s %9s %9s %9s %9s %7s\n' conns round chat_rps resp_rps x_rps chat_p50 resp_p50 chat_p99 resp_p99 errors
for c in $conns; do
  BENCH_BODY_FILE="$run/responses.json" BENCH_API_KEY=$key wrk -t"$(threads "$c")" -c"$c" -d2s -s "$shared/chat.lua" "http://127.0.0.1:$port/v1/responses" >/dev/null
  for r in $(seq 1 "$rounds"); do
    read -r crps cp50 cp99 cerr < <(measure chat/completions chat "$c")
    read -r rrps rp50 rp99 rerr < <(measure responses responses "$c")
    awk -v c="$c" -v r="$r" -v crps="$crps" -v rrps="$rrps" -v cp50="$cp50" -v rp50="$rp50" -v cp99="$cp99" -v rp99="$rp99" -v e=$((cerr + rerr)) \
      'BEGIN { printf "%-6s %-5s %9.0f %9.0f %9.2f %8.2fms %8.2fms %8.2fms %8.2fms %7d\n", c, r, crps, rrps, rrps / crps, cp50 / 1000, rp50 / 1000, cp99 / 1000, rp99 / 1000, e }'
  done
done
