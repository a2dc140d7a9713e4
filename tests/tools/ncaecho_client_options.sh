#!/usr/bin/env bash
# ncaecho-client finds an ncalrpc server in the socket directory smbtorture's way
# (--option='ncalrpc dir=DIR'), not in the default /tmp; an option it does not know is refused
# (exit 2); --version answers; Samba's `print` binding option dumps each call's decoded
# arguments on standard error through the connection-oriented engine's handle.
# usage: ncaecho_client_options.sh NCAECHO_SERVER NCAECHO_CLIENT
set -euo pipefail
server=$1 client=$2
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
name=echo_opt_$$
"$server" --ncalrpc-dir "$dir" --listen "ncalrpc:[$name]" > "$dir/out" &
pid=$!
for _ in $(seq 100); do grep -q ncalrpc "$dir/out" && break; sleep 0.1; done
"$client" --option="ncalrpc dir=$dir" "ncalrpc:[$name]" | grep -q "all answers right"
"$client" --option "ncalrpc_dir=$dir" "ncalrpc:[$name]" | grep -q "all answers right"
if "$client" "ncalrpc:[$name]" > /dev/null 2>&1; then
  echo "FAIL: without the option the client must not find the socket in /tmp"; exit 1
fi
set +e
"$client" --option="client ntlmv2 auth=yes" "ncalrpc:[$name]" > /dev/null 2>&1
rc=$?
set -e
[ $rc -eq 2 ] || { echo "FAIL: an unknown --option exits $rc, not 2"; exit 1; }
"$client" --version | grep -q "^ncaecho-client [0-9]"
"$client" --ncalrpc-dir "$dir" "ncalrpc:[$name,print]" 2> "$dir/print" | grep -q "all answers right"
grep -q "^        in_data                  : 0x00000029 (41)$" "$dir/print" ||
  { echo "FAIL: print shows no echo_AddOne [in]"; head "$dir/print"; exit 1; }
grep -q "^            out_data                 : 0x0000002a (42)$" "$dir/print" ||
  { echo "FAIL: print shows no echo_AddOne [out]"; head "$dir/print"; exit 1; }
echo "ncaecho-client options OK"
