#!/usr/bin/env bash
# Regenerates the golden IR files (tests/compiler/ir/*.ir.json) with BUILD_DIR's ncaidl.
#   tests/compiler/ir/refresh.sh [BUILD_DIR]     default: build
# Review the diff before committing: a golden records what the compiler is supposed to decide.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-build}" && pwd)"
cmake --build "$build" --target ncaidl
exec /usr/bin/python3 "$here/golden.py" "$build/compiler/ncaidl" --refresh "$here"
