#!/usr/bin/env bash
# Regenerates the compiler's front-end goldens from the current ncaidl:
#   tests/compiler/refresh_goldens.sh [BUILD_DIR]      (default: build)
# Review the diff (git diff tests/compiler) before committing: a golden is only as right as the
# output it was refreshed from.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-build}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
ncaidl="$build/compiler/ncaidl"
[ -x "$ncaidl" ] || { echo "no $ncaidl: build the 'ncaidl' target first" >&2; exit 2; }
cd "$root/tests/compiler/parse"
for idl in *.idl; do
  "$ncaidl" --dump-ast "$idl" > "${idl%.idl}.ast"
done
cd "$root/tests/compiler/diag_text"
for idl in *.idl; do
  "$ncaidl" --no-color "$idl" 2> "${idl%.idl}.stderr" && { echo "$idl: unexpectedly accepted" >&2; exit 1; } || true
done
echo "goldens refreshed; review with: git diff tests/compiler"
