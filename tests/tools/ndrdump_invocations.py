#!/usr/bin/python3
"""ndrdump's own invocations (../shared/design/PEERS.md) run unchanged with ncadump: the same
arguments given to Samba's ndrdump and to ncadump must both succeed and print the same decoded
value (the lines between "pull returned" and "dump OK", compared member by member), and
--dump-data must print the same hex dump. Then what ndrdump 4.17 cannot do (its --hex-input
crashes) but its calling convention says: --hex-input with a binary -c context file.

Usage: ndrdump_invocations.py NCADUMP
"""
import base64
import os
import re
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(tool, args):
    p = subprocess.run([tool] + args, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def value_lines(text):
    """The decoded value: the lines after 'pull returned' up to 'dump OK', whitespace-split
    (ndrdump indents one level deeper), without ndrdump's validate chatter. A "name : value"
    line keeps its value only: Samba labels the elements of a uint8 array "[i]"
    (ndr_print_array_uint8), ncarpc's printer with the member's name."""
    out, inside = [], False
    for line in text.splitlines():
        if line.startswith("pull returned"):
            inside = True
            continue
        if line.startswith("dump OK"):
            break
        if inside and not line.startswith(("push returned", "validate OK")):
            m = re.match(r"^\s*\S+\s+: (.*)$", line)
            out.append(m.group(1).split() if m else line.split())
    return out


# echo_AddOne [in] in_data = 41; echo_SourceData [in] len = 5, [out] data[len] (its size comes
# from the [in] len: decoding the response needs the request as context).
ADDONE_IN = bytes.fromhex("29000000")
SOURCE_IN = bytes.fromhex("05000000")
SOURCE_OUT = bytes.fromhex("05000000" "0001020304")
# 36 bytes: a hex dump of three lines, the last one short.
SINK_IN = bytes.fromhex("24000000" "24000000") + bytes(range(0x41, 0x41 + 36))


def main():
    ncadump = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        def write(name, data):
            path = os.path.join(tmp, name)
            with open(path, "wb") as f:
                f.write(data)
            return path
        addone = write("addone.in", ADDONE_IN)
        src_in = write("source.in", SOURCE_IN)
        src_out = write("source.out", SOURCE_OUT)
        sink = write("sink.in", SINK_IN)
        b64 = base64.b64encode(ADDONE_IN).decode()

        invocations = [
            ["rpcecho", "echo_AddOne", "in", addone],
            ["--validate", "rpcecho", "echo_AddOne", "in", addone],
            ["--base64-input", "--input=" + b64, "rpcecho", "echo_AddOne", "in"],
            ["-c", src_in, "rpcecho", "echo_SourceData", "out", src_out],
            ["--context-file=" + src_in, "rpcecho", "echo_SourceData", "out", src_out],
            ["--quiet", "rpcecho", "echo_AddOne", "in", addone],
            ["-d", "0", "rpcecho", "echo_SinkData", "in", sink],
            ["60a15ec5-4de8-11d7-a637-005056a20182", "0", "in", addone],
        ]
        for args in invocations:
            s_rc, s_out, s_err = run("ndrdump", args)
            n_rc, n_out, n_err = run(ncadump, args)
            what = "ndrdump " + " ".join(args)
            check(s_rc == 0, f"{what}: Samba's ndrdump exits {s_rc} ({s_err.strip()})")
            check(n_rc == 0, f"{what}: ncadump exits {n_rc} ({n_err.strip()})")
            check("dump OK" in n_out and "WARNING" not in n_out, f"{what}: ncadump says\n{n_out}")
            check(value_lines(n_out) == value_lines(s_out),
                  f"{what}: different values\n--- ndrdump\n{s_out}--- ncadump\n{n_out}")
            print("ok:", what)

        # --dump-data: dump_data()'s layout, byte for byte.
        s_rc, s_out, _ = run("ndrdump", ["--dump-data", "rpcecho", "echo_SinkData", "in", sink])
        n_rc, n_out, _ = run(ncadump, ["--dump-data", "rpcecho", "echo_SinkData", "in", sink])
        dump = lambda t: [l for l in t.splitlines() if re.match(r"^\[[0-9A-F]{4}\] ", l) or "bytes consumed" in l]
        check(s_rc == 0 and n_rc == 0 and dump(n_out) == dump(s_out) and len(dump(s_out)) == 4,
              f"--dump-data\n--- ndrdump\n{s_out}--- ncadump\n{n_out}")

        # --hex-input reads that dump back; -c stays binary beside it (ndrdump's rule).
        hexdump = write("source.out.hex", "".join(l + "\n" for l in dump(
            run(ncadump, ["--dump-data", "--quiet", "rpcecho", "echo_SourceData", "out", "-c", src_in, src_out])[1])
            if l.startswith("[")).encode())
        rc, out, err = run(ncadump, ["--hex-input", "-c", src_in, "rpcecho", "echo_SourceData", "out", hexdump])
        _, binary_out, _ = run(ncadump, ["-c", src_in, "rpcecho", "echo_SourceData", "out", src_out])
        check(rc == 0 and value_lines(out) == value_lines(binary_out) and value_lines(out),
              f"--hex-input with a binary -c: {rc} {err}\n{out}")
        # A hex context file is not what ndrdump reads: refused as data, not decoded as hex.
        hex_ctx = write("source.in.hex", SOURCE_IN.hex().encode())
        rc, out, err = run(ncadump, ["--hex-input", "-c", hex_ctx, "rpcecho", "echo_SourceData", "out", hexdump])
        check(rc != 0, f"a hex context file must not decode as the binary one: {rc}\n{out}")
        # -V / --version as ndrdump.
        rc, out, _ = run(ncadump, ["-V"])
        check(rc == 0 and out.startswith("ncadump "), f"-V: {rc} {out}")

    if failures:
        print(f"{len(failures)} failures")
        return 1
    print("all ndrdump invocations work with ncadump")
    return 0


if __name__ == "__main__":
    sys.exit(main())
