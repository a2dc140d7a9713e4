#!/usr/bin/env bash
# Golden test of the stub generators (client, server, template) over ctxtest.idl and rpcecho.idl,
# against tests/rpc_gen/golden/.
#   golden.sh NCAIDL            compare (exit 1 on a difference, with the diff)
#   golden.sh NCAIDL --refresh  rewrite the golden files from the current output
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
refresh=(); [[ ${2:-} == --refresh ]] && refresh=(--refresh)
exec "$here/../golden_generate.sh" "${refresh[@]}" "$1" "$here/golden" client,server,template \
  "$here/ctxtest.idl" "$here/../../idl/rpcecho.idl"
