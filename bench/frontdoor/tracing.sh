#!/usr/bin/env bash
# CPU per request through the gateway (Release, logging at Warning, the shared nginx mock upstream) in three builds
# and settings, run side by side and measured in interleaved rounds so that a busy machine weighs on all alike:
#
#   base   the gateway built with -p:GatewayTracing=false: the tracing call sites compiled out, no tracer ever
#          registered (what the front door was before tracing existed)
#   off    the gateway as shipped, tracing off (no OTLP endpoint)
#   on     the gateway as shipped, tracing on: every request sampled, spans exported over OTLP/HTTP to a loopback
#          sink (an nginx that accepts and discards)
#
# Each round loads every variant for DURATION seconds at CONNS connections and reads the CPU time its process used
# from /proc. By default (MODE=apart) the variants are loaded one after the other, the order rotating from round to
# round, so that whatever else the machine is doing weighs on all of them alike over the rounds; MODE=together loads
# them at the same time, each by its own wrk (only where the machine has cores to spare: starved, a process's
# background work and thread-pool spinning are spread over few requests). The report gives each variant's CPU per request by round, then the ratios
# off/base (tracing off against no tracing at all: within noise when these match base2/base) and on/off (what
# tracing costs), per round and as median and range.
#
#   bench/frontdoor/tracing.sh                      # ROUNDS=9 DURATION=10 CONNS=16 WARMUP=20 MODE=apart
#   ROUNDS=9 DURATION=8 bench/frontdoor/tracing.sh
#   AA=1 bench/frontdoor/tracing.sh                 # adds base2, a second base process: base2/base is pure noise
#   BUILD=0 bench/frontdoor/tracing.sh              # use the binaries already built
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
harness_dir=$(dirname "${HARNESS:-$root/../shared/bench/overhead.sh}")
rounds=${ROUNDS:-9} duration=${DURATION:-10} conns=${CONNS:-16} warmup=${WARMUP:-20} mode=${MODE:-apart}
threads=$([ "$mode" = together ] && echo 1 || echo 2)
mock_port=${MOCK_PORT:-18280} sink_port=${SINK_PORT:-14328} first_port=${GATEWAY_PORT:-5090}
key=sk-bench-key
for tool in wrk nginx jq; do command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }; done
[ -r "$harness_dir/chat.lua" ] || { echo "shared bench not found in $harness_dir (set HARNESS)" >&2; exit 2; }

if [ "${BUILD:-1}" != 0 ]; then
  echo "# building Release and the baseline (ReleaseNoTracing, -p:GatewayTracing=false)" >&2
  dotnet build -c Release "$root/src/Gateway.Host" -v q -nologo >&2
  dotnet build -c ReleaseNoTracing -p:Optimize=true -p:GatewayTracing=false "$root/src/Gateway.Host" -v q -nologo >&2
fi
shipped="$root/src/Gateway.Host/bin/Release/net10.0/Gateway.Host.dll"
baseline="$root/src/Gateway.Host/bin/ReleaseNoTracing/net10.0/Gateway.Host.dll"
hash=$(dotnet "$shipped" keys hash --key "$key")

run=$(mktemp -d)
chmod 755 "$run"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$run/nginx.pid" ] && kill "$(cat "$run/nginx.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$run"
}
trap cleanup EXIT

# One nginx: the mock upstream (the shared fixture's chat completion) and the OTLP sink.
chat=$(<"$harness_dir/data/chat-completion.json")
cat >"$run/nginx.conf" <<CONF
worker_processes 1;
pid $run/nginx.pid;
error_log $run/nginx.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $run;
  client_max_body_size 64m;
  keepalive_requests 10000000;
  server { listen 127.0.0.1:$mock_port; location = /v1/chat/completions { default_type application/json; return 200 '$chat'; } }
  server { listen 127.0.0.1:$sink_port; location /v1/traces { return 200; } }
}
CONF
nginx -p "$run" -c "$run/nginx.conf"
jq -c '.model = "bench-mock"' "$harness_dir/data/request.json" >"$run/request.json"

variants=(base off on)
[ "${AA:-0}" = 1 ] && variants=(base base2 off on)
declare -A port pid_of
start_gateway() { # NAME DLL [ENV...]
  local name=$1 dll=$2 p=$((first_port + ${#pids[@]}))
  shift 2
  (cd "$run" && exec env Logging__LogLevel__Default=Warning "$@" \
    "Gateway__Models__bench-mock__BaseUrl=http://127.0.0.1:$mock_port/v1" \
    "Gateway__Models__bench-mock__UpstreamModel=gpt-4o-mini" \
    "Gateway__Keys__bench__Hash=$hash" "Gateway__Keys__bench__Models__0=bench-mock" \
    dotnet "$dll" --urls "http://127.0.0.1:$p" >"$run/$name.log" 2>&1) &
  pids+=($!)
  port[$name]=$p
  pid_of[$name]=$!
}
for v in "${variants[@]}"; do
  case $v in
    base | base2) start_gateway "$v" "$baseline" ;;
    off) start_gateway off "$shipped" ;;
    on) start_gateway on "$shipped" "Gateway__Telemetry__Otlp__Endpoint=http://127.0.0.1:$sink_port" ;;
  esac
done

load() { # NAME SECONDS: wrk at CONNS against the variant; prints "requests"
  local out=$run/wrk-$1.txt result
  BENCH_BODY_FILE=$run/request.json BENCH_API_KEY=$key \
    wrk -t"$threads" -c"$conns" -d"$2s" --timeout 5s -s "$harness_dir/chat.lua" "http://127.0.0.1:${port[$1]}/v1/chat/completions" \
    >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
  result=$(grep '^BENCH_RESULT' "$out")
  for kv in $result; do
    case $kv in err_status=[1-9]* | err_timeout=[1-9]*) echo "$1: $kv" >&2 ;; esac
  done
  for kv in $result; do [[ $kv == requests=* ]] && echo "${kv#requests=}"; done
  return 0
}
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

for v in "${variants[@]}"; do
  for _ in $(seq 100); do
    curl -sf -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
      --data @"$run/request.json" "http://127.0.0.1:${port[$v]}/v1/chat/completions" && break
    sleep 0.3
  done
  echo "# $v: warm-up ${warmup}s" >&2
  load "$v" "$warmup" >/dev/null
done

hz=$(getconf CLK_TCK)
results=$run/results.tsv
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
measure() { # ROUND NAME: one DURATION-second load of the variant; appends "round name cpu_us/r" to the results
  local t0 t1 requests
  t0=$(ticks "${pid_of[$2]}")
  requests=$(load "$2" "$duration")
  t1=$(ticks "${pid_of[$2]}")
  printf '%s\t%s\t%s\n' "$1" "$2" "$(awk -v t=$((t1 - t0)) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')" >>"$results"
  echo "# round $1 $2: $requests requests" >&2
}
for ((r = 1; r <= rounds; r++)); do
  sleep 1
  if [ "$mode" = together ]; then
    jobs=()
    for v in "${variants[@]}"; do
      measure "$r" "$v" &
      jobs+=($!)
    done
    for j in "${jobs[@]}"; do wait "$j"; done
  else
    n=${#variants[@]}
    for ((i = 0; i < n; i++)); do
      measure "$r" "${variants[$(((i + r) % n))]}"
    done
  fi
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$mode" = together ]; then
  echo "# $rounds rounds of ${duration}s, every variant loaded at once (one wrk each, $conns connections); cpu_us/r = CPU time of the gateway process per request"
else
  echo "# $rounds rounds, ${duration}s per variant per round, $conns connections, order rotating; cpu_us/r = CPU time of the gateway process per request"
fi

awk -v list="${variants[*]}" '
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function row(label, vals, n,   i, lo, hi, line, copy) {
    lo = hi = vals[1]; line = ""
    for (i = 1; i <= n; i++) { copy[i] = vals[i]; if (vals[i] < lo) lo = vals[i]; if (vals[i] > hi) hi = vals[i]; line = line sprintf(" %7.3f", vals[i]) }
    printf "%-12s median %7.3f  range %7.3f .. %7.3f  by round:%s\n", label, median(copy, n), lo, hi, line
  }
  { cpu[$2, $1] = $3; if ($1 > rounds) rounds = $1 }
  END {
    n = split(list, names, " ")
    print "## CPU per request (us)"
    for (k = 1; k <= n; k++) { for (r = 1; r <= rounds; r++) v[r] = cpu[names[k], r]; row(names[k], v, rounds) }
    print "## ratios (same round)"
    split("off/base on/off on/base base2/base", pairs, " ")
    for (p = 1; p <= 4; p++) {
      split(pairs[p], ab, "/")
      if (!((ab[1], 1) in cpu) || !((ab[2], 1) in cpu)) continue
      for (r = 1; r <= rounds; r++) v[r] = cpu[ab[1], r] / cpu[ab[2], r]
      row(pairs[p], v, rounds)
    }
  }' "$results"
