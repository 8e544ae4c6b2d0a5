#!/usr/bin/env bash
# Fetches llama.cpp's real model chat templates for the template tests and prints the folder holding them.
# They come from the npm package node-llama-cpp (which carries llama.cpp's source as a git bundle) into the
# git-ignored .cache/chat-templates; a second run finds them there. GATEWAY_CHAT_TEMPLATES_DIR, when set,
# names a folder to use instead and nothing is fetched.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="3.22.1"

if [ -n "${GATEWAY_CHAT_TEMPLATES_DIR:-}" ]; then
  echo "$GATEWAY_CHAT_TEMPLATES_DIR"
  exit 0
fi

cache="$root/.cache/chat-templates"
templates="$cache/llama.cpp/models/templates"
if [ -f "$cache/node-llama-cpp-$version.done" ] && [ -d "$templates" ]; then
  echo "$templates"
  exit 0
fi

for tool in npm tar git; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fetch-chat-templates.sh: $tool is needed to fetch the chat templates" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "node-llama-cpp@$version" --silent >/dev/null 2>&1) \
  || { echo "fetch-chat-templates.sh: npm pack node-llama-cpp@$version failed" >&2; exit 1; }
tar -xzf "$work"/node-llama-cpp-*.tgz -C "$work" package/llama/gitRelease.bundle
rm -rf "$cache/llama.cpp"
mkdir -p "$cache"
git clone --quiet "$work/package/llama/gitRelease.bundle" "$cache/llama.cpp" 2>/dev/null
touch "$cache/node-llama-cpp-$version.done"
echo "$templates"
