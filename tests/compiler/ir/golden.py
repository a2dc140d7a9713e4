#!/usr/bin/python3
"""Golden IR tests: `ncaidl --dump-ir CASE.idl` must exit 0 and print exactly CASE.ir.json.

usage: golden.py NCAIDL CASE.idl            check one case
       golden.py NCAIDL --refresh DIR       rewrite DIR/*.ir.json from the compiler's output
Files named *_inc.idl are imported by cases, not cases themselves.
"""
import difflib
import glob
import os
import subprocess
import sys

REFRESH = "tests/compiler/ir/refresh.sh BUILD_DIR   (or: cmake --build BUILD_DIR --target refresh-ir-goldens)"


def dump(ncaidl, idl):
    ncaidl = os.path.abspath(ncaidl)
    proc = subprocess.run([ncaidl, "--no-color", "--dump-ir", os.path.basename(idl)],
                          capture_output=True, text=True, timeout=60,
                          cwd=os.path.dirname(os.path.abspath(idl)))
    return proc


def check(ncaidl, idl):
    proc = dump(ncaidl, idl)
    if proc.returncode != 0:
        print(f"FAIL: ncaidl exited with status {proc.returncode} on {idl}\n{proc.stderr}")
        return 1
    golden = idl[:-len(".idl")] + ".ir.json"
    try:
        with open(golden, encoding="utf-8") as f:
            expected = f.read()
    except FileNotFoundError:
        print(f"FAIL: no golden {golden}\nrefresh with: {REFRESH}")
        return 1
    if proc.stdout != expected:
        diff = difflib.unified_diff(expected.splitlines(True), proc.stdout.splitlines(True),
                                    golden, "ncaidl --dump-ir", n=3)
        sys.stdout.writelines(list(diff)[:400])
        print(f"\nFAIL: IR of {idl} differs from its golden.\nIf the change is intended, "
              f"refresh with: {REFRESH}")
        return 1
    return 0


def refresh(ncaidl, directory):
    status = 0
    for idl in sorted(glob.glob(os.path.join(directory, "*.idl"))):
        if idl.endswith("_inc.idl"):
            continue
        proc = dump(ncaidl, idl)
        if proc.returncode != 0:
            print(f"not refreshed: {idl} (status {proc.returncode})\n{proc.stderr}")
            status = 1
            continue
        with open(idl[:-len(".idl")] + ".ir.json", "w", encoding="utf-8") as f:
            f.write(proc.stdout)
        print(f"refreshed {os.path.basename(idl)[:-4]}.ir.json")
    return status


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[2] == "--refresh":
        sys.exit(refresh(sys.argv[1], sys.argv[3]))
    if len(sys.argv) == 3:
        sys.exit(check(sys.argv[1], sys.argv[2]))
    print(__doc__)
    sys.exit(2)
