#!/usr/bin/env bash
# Golden test of generated text: runs ncaidl's GENERATORS over each IDL file and compares every
# file it writes with GOLDEN_DIR, so a change to a generator shows as a reviewable text diff.
#   golden_generate.sh NCAIDL GOLDEN_DIR GENERATORS IDL...             compare (exit 1 with the diff)
#   golden_generate.sh --refresh NCAIDL GOLDEN_DIR GENERATORS IDL...   rewrite GOLDEN_DIR
# The topic scripts (tests/ndr_gen/golden.sh, tests/rpc_gen/golden.sh) say which files and
# generators; this one holds the comparison they share.
set -euo pipefail
refresh=0
if [[ ${1:-} == --refresh ]]; then refresh=1; shift; fi
ncaidl=$1 golden=$2 generators=$3
shift 3
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for idl in "$@"; do
  "$ncaidl" -I "$root/idl" --gen "$generators" -o "$out" "$idl"
done
if ((refresh)); then
  rm -rf "$golden"
  cp -r "$out" "$golden"
  echo "refreshed $golden"
  exit 0
fi
if ! diff -ru "$golden" "$out"; then
  echo "generated code differs from $golden; if the change is intended, refresh with the topic's" >&2
  echo "golden.sh (e.g. tests/ndr_gen/golden.sh build/compiler/ncaidl --refresh) and review the diff" >&2
  exit 1
fi
