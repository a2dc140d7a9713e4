#!/usr/bin/env bash
# Golden test of the types and NDR generators: runs ncaidl's types and ndr generators over
# constructs.idl (every construct the NDR code handles) and compares each file with
# tests/ndr_gen/golden/. A refactoring of the generators shows here as a reviewable text diff.
#   golden.sh NCAIDL            compare (exit 1 on a difference, with the diff)
#   golden.sh NCAIDL --refresh  rewrite the golden files from the current output
set -euo pipefail
ncaidl=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$ncaidl" -I "$root/idl" --gen types,ndr -o "$out" "$here/constructs.idl"
if [[ ${2:-} == --refresh ]]; then
  rm -rf "$here/golden"
  cp -r "$out" "$here/golden"
  echo "refreshed $here/golden"
  exit 0
fi
if ! diff -ru "$here/golden" "$out"; then
  echo "generated types/NDR code differs from tests/ndr_gen/golden; if the change is intended, run:" >&2
  echo "  tests/ndr_gen/golden.sh build/compiler/ncaidl --refresh" >&2
  exit 1
fi
