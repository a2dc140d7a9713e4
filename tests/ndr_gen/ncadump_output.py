#!/usr/bin/python3
"""ncadump's output, not just its exit status: the calling convention of Samba's ndrdump
(INTERFACE FUNCTION|TYPE in|out|struct [FILE], stdin without FILE; INTERFACE a name or a UUID,
FUNCTION a name or an opnum), --hex input, --format=text|json and --list.

The values are checked against Samba's own decoding of the same bytes (samba.ndr.ndr_unpack_in
of python3-samba), so the JSON and the text must say what Samba's library reads there.

Usage: ncadump_output.py NCADUMP
"""
import json
import os
import subprocess
import sys
import tempfile

from samba.dcerpc import echo
from samba.ndr import ndr_unpack_in

ECHO_UUID = "60a15ec5-4de8-11d7-a637-005056a20182"
# echo_EchoData [in]: uint32 len, then [size_is(len)] uint8 in_data[] (a conformant array:
# its maximum count, then the elements).
ECHODATA_IN = bytes.fromhex("05000000" "05000000" "0102fe7f80")

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(ncadump, args, stdin=b""):
    p = subprocess.run([ncadump] + args, input=stdin, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    nd = sys.argv[1]

    # What Samba's library reads in these bytes.
    r = ndr_unpack_in(echo.EchoData(), ECHODATA_IN)
    samba_len, samba_data = r.in_len, list(r.in_in_data)
    check(samba_len == 5 and samba_data == [1, 2, 0xfe, 0x7f, 0x80], "Samba decodes the test bytes")

    # Text from stdin (no FILE): ndrdump's layout, one line per member, the values Samba reads.
    rc, text, err = run(nd, ["rpcecho", "echo_EchoData", "in"], ECHODATA_IN)
    check(rc == 0, f"stdin: exit status {rc} ({err.strip()})")
    lines = text.splitlines()
    check(lines[:1] == ["pull returned Success"], "stdin: first line 'pull returned Success'")
    check(lines[-1:] == ["dump OK"], "stdin: last line 'dump OK'")
    check(any(l.split() == ["len", ":", f"0x{samba_len:08x}", f"({samba_len})"] for l in lines),
          f"stdin: a 'len : 0x00000005 (5)' line in\n{text}")
    check(any("in_data" in l and "ARRAY(5)" in l for l in lines), f"stdin: in_data: ARRAY(5) in\n{text}")
    for v in samba_data:
        check(any(l.split() == ["in_data", ":", f"0x{v:02x}", f"({v})"] for l in lines),
              f"stdin: element 0x{v:02x} of in_data printed")

    # The same bytes from a FILE, as hex text (whitespace and case ignored), with --format=text
    # said explicitly: the same output.
    with tempfile.TemporaryDirectory() as tmp:
        binf = os.path.join(tmp, "in.bin")
        hexf = os.path.join(tmp, "in.hex")
        open(binf, "wb").write(ECHODATA_IN)
        h = ECHODATA_IN.hex().upper()
        open(hexf, "w").write(" ".join(h[i:i + 8] for i in range(0, len(h), 8)) + "\n")
        rc, t2, _ = run(nd, ["rpcecho", "echo_EchoData", "in", binf])
        check(rc == 0 and t2 == text, "FILE gives the same text as stdin")
        rc, t3, _ = run(nd, ["--hex", "--format=text", "rpcecho", "echo_EchoData", "in", hexf])
        check(rc == 0 and t3 == text, f"--hex FILE gives the same text as binary stdin:\n{t3}")
        rc, t4, _ = run(nd, ["--hex", "rpcecho", "echo_EchoData", "in"], open(hexf, "rb").read())
        check(rc == 0 and t4 == text, "--hex on stdin gives the same text")
        rc, _, err = run(nd, ["--hex", "rpcecho", "echo_EchoData", "in"], b"05000000zz")
        check(rc == 2 and "not hex" in err, f"--hex with a non-hex character: status 2 ({rc}, {err.strip()})")

    # JSON: one object, the value keyed by parameter name, matching Samba's decoding.
    rc, js, err = run(nd, ["--format=json", "rpcecho", "echo_EchoData", "in"], ECHODATA_IN)
    check(rc == 0, f"json: exit status {rc} ({err.strip()})")
    j = json.loads(js)
    check(j.get("name") == "echo_EchoData" and j.get("direction") == "in" and j.get("ok") is True,
          f"json: name, direction, ok in {j}")
    check(j.get("value") == {"len": samba_len, "in_data": samba_data}, f"json value {j.get('value')}")
    check("trailing_bytes" not in j, "json: no trailing bytes")
    rc, js, _ = run(nd, ["--format=json", "rpcecho", "echo_EchoData", "in"], ECHODATA_IN + b"\x00\x00")
    check(rc == 0 and json.loads(js).get("trailing_bytes") == 2, "json: trailing_bytes counts what was left")
    rc, js, _ = run(nd, ["--format=json", "rpcecho", "echo_EchoData", "in"], ECHODATA_IN[:-1])
    j = json.loads(js) if js else {}
    check(rc == 1 and j.get("ok") is False and j.get("value") is None and "error" in j,
          f"json: a truncated input is ok=false with an error ({rc}, {j})")

    # An opnum names the function; a UUID (any case) names the interface.
    rc, t5, _ = run(nd, ["rpcecho", "1", "in"], ECHODATA_IN)
    check(rc == 0 and t5 == text, "opnum 1 is echo_EchoData")
    rc, t6, _ = run(nd, [ECHO_UUID.upper(), "echo_EchoData", "in"], ECHODATA_IN)
    check(rc == 0 and t6 == text, f"the interface by UUID: {rc}\n{t6}")
    rc, t7, _ = run(nd, [ECHO_UUID, "0", "in"], bytes.fromhex("2a000000"))
    check(rc == 0 and "in_data                  : 0x0000002a (42)" in t7, f"UUID + opnum 0 is echo_AddOne:\n{t7}")
    rc, _, err = run(nd, ["60a15ec5-4de8-11d7-a637-005056a20183", "0", "in"], bytes(4))
    check(rc == 2 and "no function" in err, "an unknown UUID is a usage error")
    rc, _, err = run(nd, ["rpcecho", "99", "in"], bytes(4))
    check(rc == 2 and "no function" in err, "an opnum past the last is a usage error")

    # --list: every interface with its UUID, functions by opnum, types.
    rc, lst, _ = run(nd, ["--list"])
    ll = lst.splitlines()
    check(rc == 0, "--list exit status")
    check(f"rpcecho {ECHO_UUID}" in ll, "--list: rpcecho with its UUID")
    check(ll.index("  0 echo_AddOne") == ll.index(f"rpcecho {ECHO_UUID}") + 1 if f"rpcecho {ECHO_UUID}" in ll and "  0 echo_AddOne" in ll else False,
          "--list: opnum 0 echo_AddOne right after rpcecho")
    for line in ("  1 echo_EchoData", "epmapper e1af8308-5d1f-11c9-91a4-08002b14a0fa", "  3 epm_Map",
                 "mgmt afa8bd80-7d8a-11c9-bef4-08002b102989", "  struct GUID", "  struct policy_handle"):
        check(line in ll, f"--list has '{line}'")

    print(f"{'FAIL' if failures else 'OK'}: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
