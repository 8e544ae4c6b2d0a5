#!/usr/bin/env bash
# Builds llama.cpp's shared libraries (libllama and the ggml libraries it links) from a source tree and copies them
# into one folder. The image's CUDA variant (Dockerfile) and the GPU check kit (bench/gpu/run.sh) both build with
# this script, so the flags the kit proves are the flags the image ships.
#
#   build/llama-cpp.sh SRC BUILD_DIR LIB_DIR [--cuda ARCHS] [--cpu-level native|portable|avx2] [--jobs N]
#
#   --cuda ARCHS        also build ggml's CUDA backend for these CUDA architectures (e.g. "90"); default CPU only
#   --cpu-level LEVEL   native: the build machine's own instruction set (the kit, built where it runs);
#                       portable: baseline x86-64 with AVX2/FMA/F16C, runs on any x86-64 server of the last decade
#                       (the image). Default portable.
#   --jobs N            parallel compile jobs (default: every core)
set -euo pipefail

src=${1:?usage: llama-cpp.sh SRC BUILD_DIR LIB_DIR [--cuda ARCHS] [--cpu-level LEVEL] [--jobs N]}
build=${2:?missing BUILD_DIR}
lib=${3:?missing LIB_DIR}
shift 3
cuda=""
level=portable
jobs=$(nproc)
while [[ $# -gt 0 ]]; do
  case $1 in
    --cuda) cuda=$2; shift 2 ;;
    --cpu-level) level=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "llama-cpp.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

flags=(
  -DCMAKE_BUILD_TYPE=Release
  -DBUILD_SHARED_LIBS=ON
  -DLLAMA_BUILD_COMMON=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF
  -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_CURL=OFF
  # The libraries find each other beside themselves, wherever the folder is copied.
  -DCMAKE_BUILD_RPATH='$ORIGIN' -DCMAKE_INSTALL_RPATH='$ORIGIN'
  -DGGML_OPENMP=ON
)
case $level in
  native) flags+=(-DGGML_NATIVE=ON) ;;
  portable) flags+=(-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON) ;;
  *) echo "llama-cpp.sh: --cpu-level is native or portable" >&2; exit 2 ;;
esac
if [[ -n $cuda ]]; then
  flags+=(-DGGML_CUDA=ON "-DCMAKE_CUDA_ARCHITECTURES=$cuda")
fi
generator=()
if command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi

cmake -S "$src" -B "$build" "${generator[@]}" "${flags[@]}"
cmake --build "$build" --config Release -j "$jobs" --target llama
mkdir -p "$lib"
find "$build" -name '*.so*' \( -type f -o -type l \) -exec cp -P {} "$lib/" \;
