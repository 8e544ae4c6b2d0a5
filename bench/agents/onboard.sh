#!/usr/bin/env bash
# Onboards the agents' role models onto the embedded default's router (config/router/pool) the way any new model
# is onboarded: the aptitude suite on the router's tasks through a gateway, then `router onboard` (no retraining).
# The role models answer role calls, not the suite's questions, so their vectors are near zero and `auto` never
# picks them for a plain prompt; the agents' roles reach them through their route profiles (appsettings.json).
#   bench/agents/onboard.sh [model ...]     # default: agent-planner agent-caller agent-solver
set -euo pipefail
cd "$(dirname "$0")/../.."
models=("$@")
[ ${#models[@]} -eq 0 ] && models=(agent-planner agent-caller agent-solver)
port=${PORT:-8092}
router=config/router/pool
tasks=$(jq -r '.tasks | join(",")' "$router/router.json")
dotnet build src/Gateway.Host -v quiet -nologo >/dev/null
gateway=src/Gateway.Host/bin/Debug/net10.0/Gateway.Host.dll
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; true; }
trap cleanup EXIT
url="http://127.0.0.1:$port"
dotnet "$gateway" --urls "$url" --Gateway:AllowDevelopmentKey=true >"$work/gateway.log" 2>&1 &
pid=$!
for _ in $(seq 120); do curl -fs "$url/health" >/dev/null 2>&1 && break; sleep 1; done
for model in "${models[@]}"; do
  dotnet "$gateway" aptitude run --model "$model" --gateway "$url" --seed 1 --items 20 --tasks "$tasks" --max-tokens 48 \
    --out "$work/$model.json" >/dev/null
  dotnet "$gateway" router onboard --model "$model" --aptitude "$work/$model.json" --router "$router"
done
