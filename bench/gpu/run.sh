#!/usr/bin/env bash
# The GPU check: builds llama.cpp with CUDA for one architecture, checks LLamaSharp's ABI against it, writes random-
# weight llama GGUFs of about 1B parameters (Q8_0, then F16) and measures streaming chat tokens/s and time to first
# token at 1, 8 and 32 concurrent streams with Gateway.Bench.Inference: the ModelServer over HTTP and a real gateway
# in front of it, all layers on the GPU, then on the CPU. Prints one table and writes it, with every log, under $OUT
# (./out when unset). Stops at the first failure and says which step failed and why.
#
#   run.sh            on a machine with an NVIDIA GPU, nvcc, CMake and ninja (no .NET, no network needed)
#   run.sh --cpu      anywhere: the kit's prebuilt CPU build of the same source, a small model, fewer tokens
#
# Run it from the unpacked kit (the folder bench/gpu/pack.sh writes, default artifacts/gpukit) or from the repository
# root (it then uses artifacts/gpukit). Environment: OUT, GPUKIT_WORK (scratch, default /tmp/gpukit),
# CUDA_ARCH (default 90), GPUKIT_BUDGET_S (seconds for the whole run, default 450; F16 is skipped when too little is
# left), GPUKIT_JOBS (compile jobs, default every core), GPUKIT_THREADS (decode threads, default every core; on a
# shared machine one thread per free core avoids OpenMP spinning against other work).
set -Eeuo pipefail

mode=gpu
[[ ${1:-} == --cpu ]] && mode=cpu
here=$(cd "$(dirname "$0")" && pwd)
if [[ -f $here/payload.tar.xz ]]; then
  kit=$here
elif [[ -f $here/../../artifacts/gpukit/payload.tar.xz ]]; then
  kit=$(cd "$here/../../artifacts/gpukit" && pwd)
else
  echo "run.sh: no kit found beside the script or in artifacts/gpukit; run bench/gpu/pack.sh first" >&2
  exit 1
fi
out=${OUT:-$PWD/out}
out=$(mkdir -p "$out" && cd "$out" && pwd)
work=${GPUKIT_WORK:-/tmp/gpukit}
budget=${GPUKIT_BUDGET_S:-450}
arch=${CUDA_ARCH:-90}
jobs=${GPUKIT_JOBS:-$(nproc)}
start=$SECONDS
log=$out/run.log
exec > >(tee -a "$log") 2>&1

current=""
# $OUT keeps four files (the device tool brings back at most eight): run.log, table.md, results.tsv and logs.tar.gz,
# which holds every step's own log and the ABI check's files.
logs=$work/logs
save_logs() { tar -C "$logs" -czf "$out/logs.tar.gz" . 2>/dev/null || true; }
fail() { echo; echo "FAILED at step '$current' after $((SECONDS - start))s: $1"; save_logs; echo "logs: $out"; exit 1; }
trap 'fail "exit status $? (see the output above and $out)"' ERR
step() { current=$1; printf '\n== %s (%ss)\n' "$1" "$((SECONDS - start))"; }
left() { echo $((budget - (SECONDS - start))); }
# Runs a command under a time limit, its output in $logs/NAME.log; on failure prints the log's end and stops.
timed() {
  local limit=$1 name=$2; shift 2
  local rc=0
  timeout --kill-after=10 "$limit" "$@" >"$logs/$name.log" 2>&1 || rc=$?
  if [[ $rc != 0 ]]; then
    tail -40 "$logs/$name.log"
    [[ $rc == 124 || $rc == 137 ]] && fail "$name ran past its ${limit}s limit"
    fail "$name exited with status $rc"
  fi
}

step "unpack"
rm -rf "$work"
mkdir -p "$work" "$logs"
tar -xJf "$kit/payload.tar.xz" -C "$work"
export DOTNET_ROOT=$work/dotnet PATH=$work/dotnet:$PATH DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
bench=$work/bench/Gateway.Bench.Inference.dll
gateway=$work/gateway/Gateway.Host.dll
dotnet --list-runtimes
echo "llama.cpp $(cat "$work/llama.cpp/COMMIT"), $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"

if [[ $mode == gpu ]]; then
  step "GPU"
  command -v nvidia-smi >/dev/null || fail "no nvidia-smi: is this a GPU machine? (run.sh --cpu for the CPU check)"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$logs/gpu.txt"
  if ! command -v nvcc >/dev/null && [[ -x /usr/local/cuda/bin/nvcc ]]; then
    export PATH=/usr/local/cuda/bin:$PATH
  fi
  command -v nvcc >/dev/null || fail "no nvcc on PATH or in /usr/local/cuda/bin"
  command -v cmake >/dev/null || fail "no cmake on PATH"
  nvcc --version | tail -2
  step "build llama.cpp (CUDA sm_$arch, native CPU)"
  lib=$work/lib-cuda
  timed 330 build-llama "$kit/llama-cpp.sh" "$work/llama.cpp" "$work/build-cuda" "$lib" --cuda "$arch" --cpu-level native --jobs "$jobs"
  tail -3 "$logs/build-llama.log"
else
  step "llama.cpp (the kit's prebuilt CPU build)"
  lib=$work/lib-cpu
  cat "$lib/SOURCE"
fi
ls "$lib"
# libllama finds the ggml libraries beside it (run path $ORIGIN); the loader path covers builds without one.
export LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

step "ABI: LLamaSharp against this source and build"
timed 120 abi "$kit/abi-check.sh" "$work/llama.cpp" "$lib" "$bench" "$logs/abi" "$work/llamasharp-exports.txt"
cat "$logs/abi.log"

# The models. GPU: about 1B parameters (Llama 3.2 1B's shape with a 32k vocabulary). CPU: a small one.
if [[ $mode == gpu ]]; then
  shape=(--embedding 2048 --layers 16 --heads 32 --kv-heads 8 --feed-forward 8192 --vocabulary 32000)
  types=(Q8_0 F16)
  tokens=128; cpu_tokens=48
else
  shape=(--embedding 256 --layers 4 --heads 4 --kv-heads 4 --feed-forward 768 --vocabulary 4096)
  types=(Q8_0)
  tokens=16; cpu_tokens=16
fi
models=$work/models
mkdir -p "$models"
results=$out/results.tsv
: >"$results"

# One bench run: ModelServer over HTTP and through the gateway at 1, 8 and 32 streams, one round.
measure() {
  local device=$1 type=$2 layers=$3 n=$4 limit=$5 name="bench-$1-$2"
  local file=$logs/$name.tsv
  rm -f "$file"
  local env=() threads=()
  [[ -n ${GPUKIT_THREADS:-} ]] && threads=(--threads "$GPUKIT_THREADS")
  [[ $device == cpu && $mode == gpu ]] && env=(env CUDA_VISIBLE_DEVICES=) # the same build with the GPU hidden
  timed "$limit" "$name" "${env[@]}" dotnet "$bench" run --model "$models/$type.gguf" --native-lib "$lib" --gpu-layers "$layers" \
    --streams 1,8,32 --tokens "$n" --rounds 1 --no-in-process --gateway "$gateway" --results "$file" "${threads[@]}"
  awk -v d="$device" -v t="$type" '{ print d "\t" t "\t" $0 }' "$file" >>"$results"
  grep -A6 '^streams | gateway' "$logs/$name.log" || true
}

for type in "${types[@]}"; do
  if [[ $type != "${types[0]}" && $(left) -lt 150 ]]; then
    echo "skipping $type: $(left)s left of the ${budget}s budget"
    continue
  fi
  step "write the $type model"
  timed 120 "model-$type" dotnet "$bench" model tiny --out "$models/$type.gguf" "${shape[@]}" --matrix-type "$type" --streaming
  cat "$logs/model-$type.log"
  if [[ $mode == gpu ]]; then
    step "measure $type on the GPU (all layers)"
    measure gpu "$type" 999 "$tokens" 150
  fi
  if [[ $type == "${types[0]}" ]]; then
    step "measure $type on the CPU"
    measure cpu "$type" 0 "$cpu_tokens" "$([[ $mode == gpu ]] && echo 180 || echo 400)"
  fi
  rm -f "$models/$type.gguf"
done

step "table"
{
  echo "GPU check, $(date -u '+%Y-%m-%d %H:%M UTC'), $(cat "$logs/gpu.txt" 2>/dev/null || echo "no GPU (--cpu)"), $(nproc) cores, $((SECONDS - start))s"
  echo "model: ${shape[*]}; ${tokens} tokens per stream on the GPU, ${cpu_tokens} on the CPU; one round each"
  echo
  awk -F'\t' '
    { rate[$1, $2, $3, $4] = $5; first[$1, $2, $3, $4] = $6; seen[$1, $2, $3] = 1 }
    END {
      print "| device | weights | path | tok/s 1 | tok/s 8 | tok/s 32 | gain 8/1 | gain 32/1 | TTFT ms 1 | TTFT ms 8 | TTFT ms 32 | gateway/ModelServer 1 | 8 | 32 |"
      print "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      split("gpu cpu", devices, " "); split("Q8_0 F16", types, " "); split("modelserver gateway", paths, " ")
      for (d = 1; d <= 2; d++) for (t = 1; t <= 2; t++) for (p = 1; p <= 2; p++) {
        dv = devices[d]; ty = types[t]; pa = paths[p]
        if (!((dv, ty, pa) in seen)) continue
        r1 = rate[dv, ty, pa, 1]; r8 = rate[dv, ty, pa, 8]; r32 = rate[dv, ty, pa, 32]
        ratio = "- | - | -"
        if (pa == "gateway" && rate[dv, ty, "modelserver", 1] > 0)
          ratio = sprintf("%.2f | %.2f | %.2f", r1 / rate[dv, ty, "modelserver", 1], r8 / rate[dv, ty, "modelserver", 8], r32 / rate[dv, ty, "modelserver", 32])
        printf "| %s | %s | %s | %.0f | %.0f | %.0f | %.2fx | %.2fx | %.0f | %.0f | %.0f | %s |\n", toupper(dv), ty, pa, r1, r8, r32, r8 / r1, r32 / r1, first[dv, ty, pa, 1], first[dv, ty, pa, 8], first[dv, ty, pa, 32], ratio
      }
    }' "$results"
} | tee "$out/table.md"
trap - ERR
save_logs
echo
echo "done in $((SECONDS - start))s; table and logs in $out"
