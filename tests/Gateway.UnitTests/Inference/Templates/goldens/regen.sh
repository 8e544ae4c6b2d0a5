#!/usr/bin/env bash
# Regenerates goldens.json: every chat template of llama.cpp's models/templates rendered by @huggingface/jinja
# (the Hugging Face ecosystem's reference renderer) over the conversations of conversations.json.
#   regen.sh            templates from build/fetch-chat-templates.sh, @huggingface/jinja from npm
# GATEWAY_CHAT_TEMPLATES_DIR and GATEWAY_HFJINJA_DIR (an unpacked @huggingface/jinja package) override either.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../../.." && pwd)"
version="0.5.13"

templates="$("$root/build/fetch-chat-templates.sh")"
hf="${GATEWAY_HFJINJA_DIR:-}"
if [ -z "$hf" ]; then
  hf="$root/.cache/hfjinja-$version/package"
  if [ ! -f "$hf/dist/index.js" ]; then
    mkdir -p "$root/.cache/hfjinja-$version"
    (cd "$root/.cache/hfjinja-$version" && npm pack "@huggingface/jinja@$version" --silent >/dev/null && tar -xzf huggingface-jinja-*.tgz)
  fi
fi
node "$here/render.mjs" "$hf" "$templates" "$here/goldens.json"
