#!/usr/bin/env bash
# Publishes the gateway, with everything it runs beside it, into one folder:
#   build/publish.sh OUTDIR
# The Dockerfile and CI both run this script, so CI proves the image's publish step.
set -euo pipefail
out=${1:?usage: build/publish.sh OUTDIR}
cd "$(dirname "$0")/.."
dotnet publish src/Gateway.Host/Gateway.Host.csproj -c Release -o "$out" --nologo
