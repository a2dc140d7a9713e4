#!/usr/bin/env bash
# Configures and builds one build tree with Ninja.
#   tools/build.sh [DIR [cmake args...]]     default DIR: build
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}; shift || true
cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
cmake --build "$dir"
