#!/usr/bin/python3
"""Samba's ndrdump must accept what our generated code encodes, and ncadump must read Samba's.

For every vector samba_vectors.py wrote: `ncadump --validate --reencode=OURS` decodes Samba's
bytes (NDR20/NDR64, little- and big-endian) and writes our encoding of the value; then Samba's
`ndrdump --validate` decodes OUR bytes (little-endian vectors; with the request as context for
`out`; NDR64 without --validate, see below). ndrdump prints WARNING and still exits 0 when its re-encoding differs (PEERS.md), so any
WARNING, a non-zero status or a missing "dump OK" is a failure.

Usage: ndrdump_check.py NCADUMP VECTORS_FILE
"""
import os
import shutil
import subprocess
import sys
import tempfile

SAMBA_PIPE = {"rpcecho": "rpcecho", "mgmt": "mgmt", "misc": "misc"}


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    ncadump, vectors = sys.argv[1], sys.argv[2]
    ndrdump = shutil.which("ndrdump")
    if not ndrdump:
        print("FAIL: ndrdump (samba-common-bin) is not installed")
        return 1
    failures = 0
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for line in open(vectors):
            parts = line.split()
            if len(parts) != 8:
                continue
            label, stem, entry, direction, syntax, order, data, ctx = parts
            src = os.path.join(tmp, "samba.bin")
            ours = os.path.join(tmp, "ours.bin")
            ctxf = os.path.join(tmp, "ctx.bin")
            with open(src, "wb") as f:
                f.write(bytes.fromhex(data) if data != "-" else b"")
            cmd = [ncadump, "--validate", "--reencode=" + ours]
            if syntax == "ndr64":
                cmd.append("--ndr64")
            if order == "be":
                cmd.append("--bigendian")
            if ctx != "-":
                with open(ctxf, "wb") as f:
                    f.write(bytes.fromhex(ctx))
                cmd.append("--context-file=" + ctxf)
            cmd += [stem, entry, direction, src]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL {label}: ncadump exit {r.returncode}\n{r.stdout}{r.stderr}")
                failures += 1
                continue
            if order != "le":
                checked += 1
                continue
            cmd = [ndrdump, SAMBA_PIPE[stem], entry, direction, ours]
            if syntax == "ndr64":
                # ndrdump 4.17's --validate re-pulls without the NDR64 flag and fails even on
                # Samba's own NDR64 bytes ("Bad Array Size"), so NDR64 is decoded only; the
                # bytes themselves are compared with Samba's in vectors_test.cpp.
                cmd.append("--ndr64")
            else:
                cmd.append("--validate")
            if ctx != "-":
                cmd.append("--context-file=" + ctxf)
            r = subprocess.run(cmd, capture_output=True, text=True)
            out = r.stdout + r.stderr
            if r.returncode != 0 or "WARNING" in out or "dump OK" not in out:
                print(f"FAIL {label}: ndrdump on our bytes (exit {r.returncode})\n{out}")
                failures += 1
                continue
            checked += 1
    print(f"{checked} vectors checked, {failures} failures")
    return 1 if failures or checked < 176 else 0


if __name__ == "__main__":
    sys.exit(main())
