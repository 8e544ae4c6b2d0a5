#!/usr/bin/env bash
# The GPU check kit's size budget, checked on the publish folder CI already builds (build/publish.sh) rather than by
# a whole pack.sh, which also builds llama.cpp and publishes the bench (several minutes). The gateway's publish with
# the .NET runtime is most of the kit; it is trimmed and compressed exactly as pack.sh does (kit-files.sh), and the
# rest of the kit (the bench's own assemblies, llama.cpp's source, its CPU build, the scripts) is added as
# GPUKIT_REST_MIB, measured by pack.sh (it prints the figure to put here when it grows).
#
#   bench/gpu/kit-size.sh PUBLISH_DIR
set -euo pipefail
publish=${1:?usage: kit-size.sh PUBLISH_DIR}
here=$(cd "$(dirname "$0")" && pwd)
limit=${GPUKIT_LIMIT_MIB:-60}
rest=${GPUKIT_REST_MIB:-8}
# shellcheck source=kit-files.sh
source "$here/kit-files.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/payload"
cp -a "$publish" "$tmp/payload/gateway"
kit_trim_publish "$tmp/payload/gateway"
kit_copy_dotnet "$tmp/payload/dotnet"
kit_compress "$tmp/payload" "$tmp/payload.tar.xz"
bytes=$(stat -c %s "$tmp/payload.tar.xz")
mib=$(( (bytes + 1048575) / 1048576 ))
total=$(( mib + rest ))
echo "GPU kit size: the gateway and the .NET runtime compress to $mib MiB, + $rest MiB for the rest = $total MiB (limit $limit MiB)"
if (( total > limit )); then
  echo "kit-size.sh: the GPU check kit would be over its $limit MiB limit (bench/gpu/pack.sh)" >&2
  exit 1
fi
