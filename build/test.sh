#!/usr/bin/env bash
# Runs every test, after installing what the tests need and this machine lacks:
#   build/test.sh [dotnet test options...]
# The Redis tests start their own redis-server (Debian package redis-server); the console tests drive
# the system Chromium (package chromium) headless. Missing packages are installed with apt-get when it
# is there and allowed (root or passwordless sudo); otherwise the script says what is missing and the
# tests that need it fail (Redis) or are skipped (console), as `dotnet test` alone would.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else return 1; fi
  fi
  command -v apt-get >/dev/null 2>&1 || return 1
  ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@") >/dev/null
}

need() { # need COMMAND PACKAGE WHAT-FAILS
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "test.sh: installing $2 ($1 is missing)" >&2
  apt_install "$2" || echo "test.sh: $2 could not be installed; $3" >&2
}

need redis-server redis-server "the Redis tests will fail"
need chromium chromium "the console tests will be skipped"

# The chat-template tests render llama.cpp's real model templates, fetched once into .cache (see the script).
build/fetch-chat-templates.sh >/dev/null || echo "test.sh: the chat templates could not be fetched; the chat-template tests will fail" >&2

exec dotnet test Gateway.sln "$@"
