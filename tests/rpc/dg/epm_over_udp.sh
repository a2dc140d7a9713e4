#!/bin/bash
# ncaepmd listening on UDP 135 as well as TCP 135 (inside a private network namespace, so port
# 135 is ours); ncaecho-server serves rpcecho on ncadg_ip_udp and registers that endpoint;
# ncaecho-client resolves "ncadg_ip_udp:127.0.0.1" (no endpoint) through the mapper, asking it
# over UDP (ept_map on the datagram engine), and calls every rpcecho operation; ncaepmdump
# walks the mapper over UDP (ept_lookup) and resolves rpcecho with --map (ept_map, then mgmt
# inq_if_ids at the server, both over UDP).
# usage: epm_over_udp.sh BUILD_DIR   (needs root for unshare -n)
set -u
if [ "${1:-}" != "--inside" ]; then
  exec unshare -n "$0" --inside "$1"
fi
B=$2
ip link set lo up
D=$(mktemp -d)
trap 'kill $ES $EP 2>/dev/null; wait; rm -rf $D' EXIT
"$B/tools/ncaepmd/ncaepmd" --ncalrpc-dir "$D" --listen ncacn_ip_tcp:127.0.0.1[135] ncadg_ip_udp:127.0.0.1[135] > "$D/epmd.out" &
EP=$!
for _ in $(seq 50); do [ "$(wc -l < "$D/epmd.out")" -ge 2 ] && break; sleep 0.1; done
grep -qx 'ncadg_ip_udp:127.0.0.1\[135\]' "$D/epmd.out" || { echo "FAIL: ncaepmd does not listen on UDP 135"; exit 1; }
"$B/tools/ncaecho/ncaecho-server" --ncalrpc-dir "$D" --epm ncacn_ip_tcp:127.0.0.1 \
  --listen ncadg_ip_udp:127.0.0.1[0] > "$D/echo.out" &
ES=$!
for _ in $(seq 50); do [ -s "$D/echo.out" ] && break; sleep 0.1; done
out=$(timeout 60 "$B/tools/ncaecho/ncaecho-client" ncadg_ip_udp:127.0.0.1)
rc=$?
echo "$out" | tail -3
[ $rc -eq 0 ] && echo "$out" | grep -q "all answers right" || { echo "FAIL: ncaecho-client ncadg_ip_udp:127.0.0.1"; exit 1; }
dump=$(timeout 60 "$B/tools/ncaepmdump/ncaepmdump" ncadg_ip_udp:127.0.0.1)
rc=$?
[ $rc -eq 0 ] && echo "$dump" | grep -q 'ncadg_ip_udp:127.0.0.1\[' || {
  echo "FAIL: ncaepmdump ncadg_ip_udp:127.0.0.1 (rc $rc) lists no UDP endpoint:"; echo "$dump"; exit 1; }
map=$(timeout 60 "$B/tools/ncaepmdump/ncaepmdump" --map 60a15ec5-4de8-11d7-a637-005056a20182 1.0 ncadg_ip_udp:127.0.0.1)
rc=$?
echo "$map"
[ $rc -eq 0 ] && echo "$map" | head -1 | grep -q '^ncadg_ip_udp:127.0.0.1\[' &&
  echo "$map" | grep -qi 'serves 60a15ec5-4de8-11d7-a637-005056a20182' || {
  echo "FAIL: ncaepmdump --map over ncadg_ip_udp (rc $rc)"; exit 1; }
echo "PASS: ncadg_ip_udp:127.0.0.1 resolved through ncaepmd over UDP; ncaepmdump over UDP"
