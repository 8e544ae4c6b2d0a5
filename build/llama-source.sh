#!/usr/bin/env bash
# Writes llama.cpp's source, trimmed to what CMake needs to build libllama and ggml (CPU and CUDA backends), into
# DEST. The source is the llama.cpp that the npm package node-llama-cpp carries as a git bundle
# (llama/gitRelease.bundle); the package is fetched once with `npm pack` into a cache. The GPU check kit
# (bench/gpu/pack.sh) and the image's CUDA variant (Dockerfile) both build this source.
#
# llama-abi.patch is applied on top. node-llama-cpp 3.22.1's llama.cpp is newer than the one LLamaSharp 0.30.0 binds
# (no node-llama-cpp release carries that one: 3.19.1 has no llama_model_params.load_mode, 3.20.0 already has
# llama_context_params.n_outputs_max_per_seq) and added two fields to structs LLamaSharp passes by value:
# llama_model_params.lazy_mode and llama_context_params.n_outputs_max_per_seq, which shift every later field. The
# patch takes both out and uses their defaults (lazy loading AUTO; one output per sequence, which only limits
# backend samplers), so the layouts are LLamaSharp's. bench/gpu/abi-check.sh proves it against LLamaSharp itself.
#
#   build/llama-source.sh DEST
#
# GPUKIT_CACHE (default ~/.cache/gateway/gpukit) holds the npm tarball and the unpacked clone.
set -euo pipefail

NLC_VERSION=3.22.1
dest=${1:?usage: llama-source.sh DEST}
cache=${GPUKIT_CACHE:-$HOME/.cache/gateway/gpukit}
mkdir -p "$cache"

tarball="$cache/node-llama-cpp-$NLC_VERSION.tgz"
if [[ ! -f $tarball ]]; then
  (cd "$cache" && npm pack --silent "node-llama-cpp@$NLC_VERSION" >/dev/null)
fi
clone="$cache/llama.cpp-$NLC_VERSION"
if [[ ! -d $clone/.git ]]; then
  rm -rf "$clone" "$cache/nlc"
  mkdir -p "$cache/nlc"
  tar -xzf "$tarball" -C "$cache/nlc" package/llama/gitRelease.bundle
  git clone -q "$cache/nlc/package/llama/gitRelease.bundle" "$clone"
  rm -rf "$cache/nlc"
fi

rm -rf "$dest"
mkdir -p "$dest"
# What the top-level CMakeLists.txt reads with LLAMA_BUILD_COMMON/TESTS/TOOLS/EXAMPLES/SERVER off:
# cmake/, src/, include/, ggml/ and vendor/ (vendor/CMakeLists.txt adds its header-only libraries unconditionally).
(cd "$clone" && git archive --format=tar HEAD CMakeLists.txt LICENSE cmake src include ggml vendor) | tar -x -C "$dest"
# Backends other than the CPU and CUDA: ggml_add_backend only enters a backend's folder when it is switched on.
for backend in "$dest"/ggml/src/ggml-*/; do
  case $(basename "$backend") in
    ggml-cpu|ggml-cuda) ;;
    *) rm -rf "$backend" ;;
  esac
done
# Only the common utils library (off here) uses the HTTP client.
rm -rf "$dest/vendor/cpp-httplib"
find "$dest" \( -name '*.md' -o -name '.gitignore' \) -delete
patch -s -p1 -d "$dest" <"$(dirname "$0")/llama-abi.patch"
cp "$(dirname "$0")/llama-abi.patch" "$dest/ABI.patch"
# The commit the tree was taken from and the patch's hash: what the source is, for the record and build caches.
echo "$(cd "$clone" && git rev-parse HEAD) node-llama-cpp@$NLC_VERSION patch:$(sha256sum "$dest/ABI.patch" | cut -c1-12)" >"$dest/COMMIT"
