#!/bin/bash
# Our client (cn_call) against Samba's samba-dcerpcd (endpoint mapper and mgmt on port 135), in a
# network namespace of its own so that port 135 is ours: mgmt inq_if_ids, a fragmented epm_Lookup
# reply, an unknown opnum and an unknown interface. With "bigendian", Samba answers in big-endian
# NDR ("rpc big endian = yes") and the replies must still be taken, fragmented ones included.
#   client_vs_samba.sh CN_CALL [bigendian]
# Needs root (unshare -n); re-executes itself inside the namespace.
set -u
CALL=$1
MODE=${2:-}
if [ "${CN_IN_NETNS:-}" != 1 ]; then
  exec env CN_IN_NETNS=1 unshare -n "$0" "$@"
fi
ip link set lo up
D=$(mktemp -d /tmp/cn_dcerpcd.XXXXXX)
mkdir -p "$D"/{lock,state,cache,pid,priv,log,ncalrpc}
cat > "$D/smb.conf" <<CONF
[global]
server role = standalone server
interfaces = lo
bind interfaces only = yes
rpc start on demand helpers = false
lock directory = $D/lock
state directory = $D/state
cache directory = $D/cache
pid directory = $D/pid
private dir = $D/priv
log file = $D/log/log.%m
ncalrpc dir = $D/ncalrpc
CONF
[ "$MODE" = bigendian ] && echo "rpc big endian = yes" >> "$D/smb.conf"

/usr/libexec/samba/samba-dcerpcd -s "$D/smb.conf" --libexec-rpcds -F --no-process-group > "$D/out.log" 2>&1 &
P=$!
trap 'kill $P 2>/dev/null; wait $P 2>/dev/null; rm -rf "$D"' EXIT
for i in $(seq 100); do ss -ltn | grep -q ':135 ' && break; sleep 0.1; done
fail=0
expect() {  # expect WHAT PATTERN OUTPUT
  if grep -q -- "$2" <<<"$3"; then echo "ok: $1"; else echo "FAIL: $1"; echo "$3"; fail=1; fi
}
B='ncacn_ip_tcp:127.0.0.1[135]'
MGMT=afa8bd80-7d8a-11c9-bef4-08002b102989
EPM=e1af8308-5d1f-11c9-91a4-08002b14a0fa
if [ "$MODE" = bigendian ]; then
  out=$("$CALL" --repeat 3 "$B" $MGMT 1.0 0)
  # The same if-id vector in big-endian NDR: the UUID's first three fields and the version
  # (Samba's ndr_syntax_id: a uint32 if_version).
  expect "big-endian mgmt inq_if_ids reply taken" "e1af83085d1f11c991a408002b14a0fa00000003" "$out"
  out=$("$CALL" --max-frag 1432 "$B" $EPM 3.0 2 000000000000000000000000010000000000000000000000000000000000000000000000f4010000)
  # entry_handle (20 zero bytes), then num_ents and the conformant max_count 500 big-endian.
  expect "fragmented big-endian epm_Lookup reply reassembled" "^0000000000000000000000000000000000000000[0-9a-f]\{8\}000001f4" "$out"
  exit $fail
fi
out=$("$CALL" --repeat 3 "$B" $MGMT 1.0 0)
# The if-id vector lists the endpoint mapper (its UUID in NDR byte order).
expect "mgmt inq_if_ids lists epmapper" "0883afe11f5dc91191a408002b14a0fa0300" "$out"
expect "three calls on one connection, bind-time features accepted" "features 3" "$out"
out=$("$CALL" "$B" $MGMT 1.0 40)
expect "unknown opnum is a fault" "nca_s_op_rng_error" "$out"
out=$("$CALL" "$B" 11111111-2222-3333-4444-555555555555 1.0 0)
expect "unknown interface is refused at bind" "abstract syntax not supported" "$out"
# epm_Lookup of everything (max_ents 500): a reply of several fragments at 1432 bytes.
out=$("$CALL" --max-frag 1432 "$B" $EPM 3.0 2 000000000000000000000000010000000000000000000000000000000000000000000000f4010000)
expect "fragmented epm_Lookup reply reassembled" "^0000000000000000000000000000000000000000[0-9a-f]\{8\}f4010000" "$out"
exit $fail
