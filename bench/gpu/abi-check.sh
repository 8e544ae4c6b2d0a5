#!/usr/bin/env bash
# Checks that a llama.cpp build is what LLamaSharp (as the bench carries it) expects:
#   1. every struct LLamaSharp passes to llama.cpp has the same size and field offsets as in the source's llama.h
#      (layout.c, compiled against the source, against `Gateway.Bench.Inference abi`, which reads LLamaSharp itself);
#   2. every entry point LLamaSharp imports from llama (and ggml) is exported by the built libraries.
# Imports from other libraries (mtmd, the multimodal helper, which neither the kit nor the image builds) are listed,
# not checked.
#
#   abi-check.sh SRC LIB_DIR BENCH_DLL OUT_DIR [REFERENCE_EXPORTS]
# REFERENCE_EXPORTS lists the symbols LLamaSharp's own bundled build of llama.cpp exports (pack.sh writes it): an
# import missing from that too is a stale declaration LLamaSharp never calls, reported but not a failure.
# Exits 1 with the differences when anything differs.
set -euo pipefail
src=${1:?usage: abi-check.sh SRC LIB_DIR BENCH_DLL OUT_DIR}
lib=${2:?missing LIB_DIR}
dll=${3:?missing BENCH_DLL}
out=${4:?missing OUT_DIR}
reference=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"

dotnet "$dll" abi >"$out/abi-llamasharp.txt"
cc -std=c11 -I "$src/include" -I "$src/ggml/include" "$here/layout.c" -o "$out/layout"
"$out/layout" >"$out/abi-llamacpp.txt"

# LLamaSharp's side in layout.c's format, for the structs layout.c knows.
awk '
  $1 == "struct" { size[$2] = $3 }
  $1 == "field" && tolower($3) !~ /^_?padding/ { offsets[$2] = offsets[$2] " " $4 }
  END { for (s in size) print s, size[s], offsets[s] }
' "$out/abi-llamasharp.txt" | while read -r name size rest; do
  if grep -q "^struct $name " "$out/abi-llamacpp.txt"; then
    echo "struct $name $size"
    echo "offsets $name $(tr ' ' '\n' <<<"$rest" | grep . | sort -n -u | tr '\n' ' ' | sed 's/ $//')"
  fi
done | sort >"$out/abi-llamasharp-layout.txt"
sort "$out/abi-llamacpp.txt" >"$out/abi-llamacpp-sorted.txt"

# Structs whose layouts may differ because nothing the gateway runs passes them: LLamaSharp's sampler interface (used
# only by samplers written in C#, ICustomSampler; llama.cpp's has two more callbacks) and the quantisation parameters
# (llama_model_quantize; llama.cpp's has one more field).
unused="LLamaSamplerINative LLamaModelQuantizeParams"
for name in $unused; do
  a=$(grep " $name " "$out/abi-llamacpp-sorted.txt" || true)
  b=$(grep " $name " "$out/abi-llamasharp-layout.txt" || true)
  [[ $a == "$b" ]] || echo "abi: $name differs (unused by the gateway, not checked): llama.h $(awk '$1 == "struct" { print $3 }' <<<"$a") bytes, LLamaSharp $(awk '$1 == "struct" { print $3 }' <<<"$b") bytes"
  sed -i "/ $name /d" "$out/abi-llamacpp-sorted.txt" "$out/abi-llamasharp-layout.txt"
done

failed=0
if ! diff "$out/abi-llamacpp-sorted.txt" "$out/abi-llamasharp-layout.txt" >"$out/abi-layout.diff"; then
  echo "abi: struct layouts differ (< llama.h, > LLamaSharp):"
  cat "$out/abi-layout.diff"
  failed=1
else
  echo "abi: $(grep -c '^struct' "$out/abi-llamacpp-sorted.txt") struct layouts match"
fi

# Entry points: LLamaSharp imports from the libraries named "llama" and "ggml*".
for f in "$lib"/*.so; do nm -D --defined-only "$f" | awk '{ print $NF }'; done | sort -u >"$out/abi-exports.txt"
awk '$1 == "import" && ($2 == "llama" || $2 ~ /^ggml/) { print $3 }' "$out/abi-llamasharp.txt" | sort -u >"$out/abi-imports.txt"
comm -23 "$out/abi-imports.txt" "$out/abi-exports.txt" >"$out/abi-missing.txt"
if [[ -n $reference ]]; then
  sort -u "$reference" >"$out/abi-reference.txt"
  # Missing here but exported by LLamaSharp's own build: a real difference. Missing from both: stale.
  comm -12 "$out/abi-missing.txt" "$out/abi-reference.txt" >"$out/abi-missing-new.txt"
  stale_names=$(comm -23 "$out/abi-missing.txt" "$out/abi-reference.txt" | tr '\n' ' ')
  [[ -n $stale_names ]] && echo "abi: declared by LLamaSharp but absent from its own bundled build too (never called): $stale_names"
  mv "$out/abi-missing-new.txt" "$out/abi-missing.txt"
fi
others=$(awk '$1 == "import" && !($2 == "llama" || $2 ~ /^ggml/) { print $2 }' "$out/abi-llamasharp.txt" | sort | uniq -c | awk '{ printf "%s%s (%s)", sep, $2, $1; sep = ", " }')
if [[ -s $out/abi-missing.txt ]]; then
  echo "abi: $(wc -l <"$out/abi-missing.txt") of $(wc -l <"$out/abi-imports.txt") entry points LLamaSharp imports are missing from $lib:"
  cat "$out/abi-missing.txt"
  failed=1
else
  echo "abi: every entry point LLamaSharp imports from llama/ggml ($(wc -l <"$out/abi-imports.txt") declared) is exported, but for the stale ones above"
fi
echo "abi: not checked, libraries the kit does not build: ${others:-none}"
exit $failed
