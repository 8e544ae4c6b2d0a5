#!/usr/bin/env bash
# Semantic cache bench: hit rate and wrong-answer rate on paraphrase questions built from WordNet 3.0
# (Debian package wordnet-base, fetched here, never committed), then lookup latency at 100,000 entries.
# Usage: bench/semcache/run.sh [PER_FAMILY=1500] [ENTRIES=100000] [LOOKUPS=2000]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache="$here/.data"
if [[ ! -f "$cache/usr/share/wordnet/data.noun" ]]; then
  mkdir -p "$cache/deb"
  (cd "$cache/deb" && apt-get download wordnet-base)
  dpkg -x "$cache"/deb/wordnet-base_*.deb "$cache"
fi
dotnet build "$here/Gateway.Bench.SemCache.csproj" -c Release -v q -nologo
dotnet "$here/bin/Release/net10.0/Gateway.Bench.SemCache.dll" "$cache/usr/share/wordnet" "${1:-1500}" "${2:-100000}" "${3:-2000}"
