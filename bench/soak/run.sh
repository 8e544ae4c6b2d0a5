#!/usr/bin/env bash
# Soak: a Release gateway process (a local tiny-GGUF model, a remote model on an in-process mock, a router, limited keys)
# serves good traffic alone, then the same good traffic beside every attack class. Prints and writes (under
# bench/soak/results/<time>/) peak RSS, ModelServer restarts, the good keys' p50/p99 ratio and tokens charged vs served.
#
#   bench/soak/run.sh                                         # ~3 minutes: 50 s baseline, 110 s attack
#   bench/soak/run.sh --baseline-seconds 120 --attack-seconds 600 --attack-workers 8
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dotnet build -c Release src/Gateway.Host -v q -nologo >&2
dotnet build -c Release bench/Gateway.Bench.Soak -v q -nologo >&2
exec dotnet bench/Gateway.Bench.Soak/bin/Release/net10.0/Gateway.Bench.Soak.dll \
  --gateway src/Gateway.Host/bin/Release/net10.0/Gateway.Host.dll --out bench/soak/results "$@"
