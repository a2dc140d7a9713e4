#!/usr/bin/env bash
# Golden test of the stub generators: runs ncaidl's client, server and template generators over
# ctxtest.idl and rpcecho.idl and compares every file with tests/rpc_gen/golden/.
#   golden.sh NCAIDL            compare (exit 1 on a difference, with the diff)
#   golden.sh NCAIDL --refresh  rewrite the golden files from the current output
set -euo pipefail
ncaidl=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$ncaidl" -I "$root/idl" --gen client,server,template -o "$out" "$here/ctxtest.idl"
"$ncaidl" -I "$root/idl" --gen client,server,template -o "$out" "$root/idl/rpcecho.idl"
if [[ ${2:-} == --refresh ]]; then
  rm -rf "$here/golden"
  cp -r "$out" "$here/golden"
  echo "refreshed $here/golden"
  exit 0
fi
if ! diff -ru "$here/golden" "$out"; then
  echo "generated stubs differ from tests/rpc_gen/golden; if the change is intended, run:" >&2
  echo "  tests/rpc_gen/golden.sh build/compiler/ncaidl --refresh" >&2
  exit 1
fi
