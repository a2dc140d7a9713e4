#!/usr/bin/env bash
# Fails, naming what is missing, unless every real peer the interop tests drive is installed.
# Interop tests must never skip silently because a peer is absent.
python=${1:-/usr/bin/python3}
missing=()
for tool in smbtorture ndrdump rpcclient tshark dumpcap unshare ip; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -x /usr/libexec/samba/samba-dcerpcd ] || missing+=("samba-dcerpcd (package samba)")
"$python" -c 'import samba.dcerpc.echo, samba.ndr' 2>/dev/null || missing+=("python3-samba")
"$python" -c 'import impacket.dcerpc.v5.epm' 2>/dev/null || missing+=("python3-impacket")
if ((${#missing[@]})); then
  echo "missing interop peers: ${missing[*]} (run tools/setup.sh)" >&2
  exit 1
fi
echo "all interop peers present"
