#!/usr/bin/env bash
# Builds the GPU check kit: one folder (default artifacts/gpukit, git-ignored) under 60 MiB that bench/gpu/run.sh
# runs on a GPU machine with no .NET and no network. It holds:
#   run.sh, llama-cpp.sh, abi-check.sh, layout.c   the scripts (copies of bench/gpu/ and build/llama-cpp.sh)
#   payload.tar.xz                                  dotnet/     the .NET runtime (host, NETCore and AspNetCore shared
#                                                               frameworks), shared by both apps
#                                                   bench/      Gateway.Bench.Inference (with the ModelServer)
#                                                   gateway/    Gateway.Host, to measure through a real gateway
#                                                   llama.cpp/  llama.cpp's source, trimmed to libllama + ggml CPU/CUDA
#                                                   lib-cpu/    that source built here for the CPU (portable x86-64)
#                                                   llamasharp-exports.txt  what LLamaSharp's own llama.cpp exports
#
#   bench/gpu/pack.sh [KIT_DIR]
#
# The llama.cpp build here runs at nice 10 on two jobs (GPUKIT_JOBS) and is kept between runs of the same source
# (artifacts/gpukit-work). The folder's size is checked against GPUKIT_LIMIT_MIB (default 60).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
kit=${1:-$root/artifacts/gpukit}
work=$root/artifacts/gpukit-work
limit=${GPUKIT_LIMIT_MIB:-60}
jobs=${GPUKIT_JOBS:-2}
payload=$work/payload
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# shellcheck source=kit-files.sh
source bench/gpu/kit-files.sh
step() { printf '\n== %s (%ss)\n' "$1" "$SECONDS"; }
mkdir -p "$work"
rm -rf "$payload"
mkdir -p "$payload"

step "llama.cpp source"
build/llama-source.sh "$payload/llama.cpp"
commit=$(cat "$payload/llama.cpp/COMMIT")
echo "llama.cpp $commit"

step "llama.cpp CPU libraries"
if [[ ${GPUKIT_CPU_LIB:-source} == bundled ]]; then
  # A stand-in where building here takes too long: run.sh --cpu then measures LLamaSharp's own CPU build of the
  # commit it binds, not this source, and says so. The CUDA build on the GPU machine always builds this source.
  echo "GPUKIT_CPU_LIB=bundled: lib-cpu is LLamaSharp's bundled CPU build, not built from the kit's source"
else
  if [[ ! -f $work/lib-cpu/COMMIT || $(cat "$work/lib-cpu/COMMIT") != "$commit" ]]; then
    rm -rf "$work/build-cpu" "$work/lib-cpu"
    nice -n 10 build/llama-cpp.sh "$payload/llama.cpp" "$work/build-cpu" "$work/lib-cpu" --cpu-level portable --jobs "$jobs" \
      >"$work/build-cpu.log" 2>&1 || { tail -30 "$work/build-cpu.log"; echo "pack.sh: the llama.cpp CPU build failed (log: $work/build-cpu.log)" >&2; exit 1; }
    echo "$commit" >"$work/lib-cpu/COMMIT"
  fi
  cp -a "$work/lib-cpu" "$payload/lib-cpu"
  echo "built from the kit's source ($commit)" >"$payload/lib-cpu/SOURCE"
  strip --strip-unneeded "$payload"/lib-cpu/*.so.* 2>/dev/null || true
fi

step "publish the bench and the gateway"
# Framework-dependent: both apps run on the one runtime in dotnet/. LLamaSharp's bundled native builds are left out;
# the kit always loads a llama.cpp built from its own source (--native-lib).
publish() {
  nice -n 5 dotnet publish "$1" -c Release -o "$2" --nologo -v quiet -p:UseAppHost=false \
    -p:DebugType=none -p:DebugSymbols=false >"$work/publish-$(basename "$2").log" 2>&1 \
    || { tail -30 "$work/publish-$(basename "$2").log"; echo "pack.sh: publishing $1 failed" >&2; exit 1; }
  local bundled=$2/runtimes/linux-x64/native/avx2
  if [[ -d $bundled ]]; then
    # What LLamaSharp's own build of llama.cpp exports: abi-check.sh tells stale imports from missing ones with it.
    for f in "$bundled"/*.so; do nm -D --defined-only "$f" | awk '{ print $NF }'; done | sort -u >"$payload/llamasharp-exports.txt"
    if [[ ${GPUKIT_CPU_LIB:-source} == bundled && ! -d $payload/lib-cpu ]]; then
      mkdir -p "$payload/lib-cpu"
      cp "$bundled"/libllama.so "$bundled"/libggml*.so "$payload/lib-cpu/"
      echo "LLamaSharp's bundled CPU build (avx2), not the kit's source" >"$payload/lib-cpu/SOURCE"
    fi
  fi
  kit_trim_publish "$2"
}
publish bench/Gateway.Bench.Inference/Gateway.Bench.Inference.csproj "$payload/bench"
publish src/Gateway.Host/Gateway.Host.csproj "$payload/gateway"
# The files both apps carry are stored once (tar keeps hard links).
(cd "$payload/bench" && find . -type f) | while read -r f; do
  if [[ -f $payload/gateway/$f ]] && cmp -s "$payload/bench/$f" "$payload/gateway/$f"; then
    ln -f "$payload/bench/$f" "$payload/gateway/$f"
  fi
done

step ".NET runtime"
kit_copy_dotnet "$payload/dotnet"

step "the kit"
rm -rf "$kit"
mkdir -p "$kit"
cp bench/gpu/run.sh bench/gpu/abi-check.sh bench/gpu/layout.c build/llama-cpp.sh "$kit/"
echo "$commit" >"$kit/LLAMA_COMMIT"
GPUKIT_JOBS=$jobs kit_compress "$payload" "$kit/payload.tar.xz"

size=$(du -sb "$kit" | cut -f1)
mib=$(( (size + 1048575) / 1048576 ))
echo "kit: $kit, $mib MiB (limit $limit MiB); unpacked $(du -sh "$payload" | cut -f1)"
if (( size > limit * 1048576 )); then
  echo "pack.sh: the kit is $mib MiB, over the $limit MiB limit" >&2
  exit 1
fi
