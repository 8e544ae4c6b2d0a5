#!/usr/bin/env bash
# CPU per request through the gateway with tracing off, then on (every request sampled, spans exported over
# OTLP/HTTP to a loopback sink: an nginx that accepts and discards), by run.sh in the same session. Prints both
# reports and the on/off ratio of CPU per request at each connection count.
#
#   bench/frontdoor/tracing.sh                       # CONNS="1 16" DURATION=8
#   CONNS="1 16 64" DURATION=10 bench/frontdoor/tracing.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sink_port=${SINK_PORT:-14318}
export CONNS=${CONNS:-1 16} DURATION=${DURATION:-8} TARGETS=${TARGETS:-direct}

sink=$(mktemp -d)
chmod 755 "$sink"
cat >"$sink/nginx.conf" <<CONF
worker_processes 1;
pid $sink/nginx.pid;
error_log $sink/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $sink;
  client_max_body_size 64m;
  server {
    listen 127.0.0.1:$sink_port;
    location /v1/traces { return 200; }
  }
}
CONF
nginx -c "$sink/nginx.conf" -p "$sink"
trap 'kill "$(cat "$sink/nginx.pid")" 2>/dev/null || true; rm -rf "$sink"' EXIT

echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
off=$("$here/run.sh")
echo "## tracing off"
echo "$off"
on=$(GATEWAY_ENV="Gateway__Telemetry__Otlp__Endpoint=http://127.0.0.1:$sink_port ${GATEWAY_ENV:-}" "$here/run.sh")
echo "## tracing on (OTLP/HTTP to a loopback sink, every request sampled)"
echo "$on"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# The gateway's rows: "gateway CONNS req/s ... cpu_us/r (10th column)".
cpu() { awk '$1 == "gateway" { print $2, $10 }' <<<"$1"; }
echo "## CPU per request, tracing on / off"
join <(cpu "$off" | sort) <(cpu "$on" | sort) |
  awk '{ printf "conns %-4s off %8s us  on %8s us  ratio %.3f\n", $1, $2, $3, ($2 > 0 ? $3 / $2 : 0) }'
