#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh build
# What the compiler understood of the shipped IDL files.
for idl in idl/*.idl; do
  build/compiler/ncaidl -I idl --summary "$idl"
done
# A generated client calling a generated server over TCP: ncaecho-server listens on a port the
# kernel picks and prints its binding; ncaecho-client calls every rpcecho operation there.
server_out=$(mktemp)
build/tools/ncaecho/ncaecho-server --listen 'ncacn_ip_tcp:127.0.0.1[0]' >"$server_out" &
server_pid=$!
trap 'kill -TERM "$server_pid" 2>/dev/null || true; rm -f "$server_out"' EXIT
binding=
for _ in $(seq 100); do
  binding=$(head -n 1 "$server_out")
  [[ -n $binding ]] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "demo: ncaecho-server failed to start" >&2; exit 1; }
  sleep 0.1
done
[[ -n $binding ]] || { echo "demo: ncaecho-server printed no binding" >&2; exit 1; }
echo "ncaecho-server listening on $binding"
status=0
build/tools/ncaecho/ncaecho-client "$binding" || status=$?
kill -TERM "$server_pid"
wait "$server_pid" || { echo "demo: ncaecho-server exited with status $?" >&2; status=1; }
trap 'rm -f "$server_out"' EXIT
exit "$status"
