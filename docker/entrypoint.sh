#!/usr/bin/env bash
# The image's one entry point.
#
#   gateway [ARGS...]       serve the gateway (the default; ARGS go to it, e.g. --urls)
#   modelserver ARGS...     serve one GGUF model with the ModelServer (--model PATH --name NAME ...)
#   healthcheck             exit 0 when the server on this container's port answers /alive
#   anything else           a gateway verb, e.g. `keys new --name app` or `keys hash --key KEY`
#
# GATEWAY_APP_DIR is the folder holding the published binaries (/app in the image).
# GATEWAY_NATIVE_LIB, when set (the CUDA image sets it), is the llama.cpp library that model
# servers load unless their arguments name one with --native-lib.
set -euo pipefail

app_dir=${GATEWAY_APP_DIR:-/app}

# The port of the first URL in ASPNETCORE_URLS (http://+:8080 → 8080), else 8080.
own_port() {
  local first=${ASPNETCORE_URLS:-http://+:8080}
  first=${first%%;*}
  local port=${first##*:}
  port=${port%%/*}
  [[ $port =~ ^[0-9]+$ ]] && echo "$port" || echo 8080
}

# An HTTP GET of /alive over bash's /dev/tcp: the runtime image has no curl or wget.
healthcheck() {
  local port
  port=$(own_port)
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET /alive HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
  local status
  IFS= read -r -t 5 status <&3 || return 1
  exec 3<&-
  [[ $status == "HTTP/1."?" 200 "* ]]
}

verb=${1:-gateway}
case "$verb" in
  gateway)
    [[ $# -gt 0 ]] && shift
    exec dotnet "$app_dir/Gateway.Host.dll" "$@"
    ;;
  modelserver)
    shift
    server="$app_dir/Gateway.ModelServer.dll"
    if [[ ! -f $server ]]; then
      echo "modelserver: $server is not in this image" >&2
      exit 127
    fi
    if [[ -n ${GATEWAY_NATIVE_LIB:-} && " $* " != *" --native-lib"* ]]; then
      set -- "$@" --native-lib "$GATEWAY_NATIVE_LIB"
    fi
    exec dotnet "$server" "$@"
    ;;
  healthcheck)
    healthcheck
    ;;
  *)
    exec dotnet "$app_dir/Gateway.Host.dll" "$@"
    ;;
esac
