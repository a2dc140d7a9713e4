#!/usr/bin/python3
"""Runs `ncaidl` over one IDL file and checks its diagnostics against the expectations written in
the IDL next to the offending lines (the same notation as the front end's diagnostic tests):

    long x;     // expected-error {{unknown type 'foo'}}
    // expected-error@+1 {{...}}     the next line (@-2: two lines up)
    // expected-note@* {{...}}       anywhere

Expectations are read from the file and from every file it imports (found next to it). Each
expectation must match one printed diagnostic (same file and line, same severity, message
containing the text) and every printed error, warning or note must be expected. The compiler must
exit normally (status 0 or 1): a crash, a sanitizer report or a hang fails the test.

usage: check.py NCAIDL FILE.idl
"""
import os
import re
import subprocess
import sys

EXPECT = re.compile(r"expected-(error|warning|note)(@([+-]?\d+|\*))?\s*\{\{(.*?)\}\}")
PRINTED = re.compile(r"^(.*?):(\d+):(\d+): (error|warning|note): (.*)$")
IMPORT = re.compile(r'\bimport\s+("[^;]*)')


def read_expectations(path, out, seen):
    path = os.path.realpath(path)
    if path in seen or not os.path.exists(path):
        return
    seen.add(path)
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    for n, line in enumerate(text.splitlines(), 1):
        for m in EXPECT.finditer(line):
            where = m.group(3)
            if where == "*":
                target = None
            else:
                # @+N / @-N: relative to this line; @N: line N (as in Clang's -verify).
                if not where:
                    target = n
                elif where[0] in "+-":
                    target = n + int(where)
                else:
                    target = int(where)
            out.append({"file": path if target else None, "line": target, "severity": m.group(1),
                        "text": m.group(4), "matched": False})
    for m in IMPORT.finditer(text):
        for name in re.findall(r'"([^"]+)"', m.group(1)):
            read_expectations(os.path.join(os.path.dirname(path), name), out, seen)


def main():
    ncaidl, idl = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    expectations = []
    read_expectations(idl, expectations, set())
    try:
        proc = subprocess.run([ncaidl, "--no-color", idl], capture_output=True, text=True,
                              timeout=60, cwd=os.path.dirname(os.path.abspath(idl)) or ".")
    except subprocess.TimeoutExpired:
        print(f"FAIL: ncaidl did not finish within 60 s on {idl}")
        return 1
    failures = []
    if proc.returncode not in (0, 1):
        failures.append(f"ncaidl exited with status {proc.returncode} (crash?)\n{proc.stderr}")
    for line in proc.stderr.splitlines():
        m = PRINTED.match(line)
        if not m:
            if "runtime error" in line or "Sanitizer" in line:
                failures.append(f"sanitizer report: {line}")
            continue
        file, lineno, severity, message = m.group(1), int(m.group(2)), m.group(4), m.group(5)
        path = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(idl)), file))
        for e in expectations:
            if (not e["matched"] and e["severity"] == severity and e["text"] in message
                    and (e["file"] is None or (e["file"] == path and e["line"] == lineno))):
                e["matched"] = True
                break
        else:
            failures.append(f"unexpected {severity} at {file}:{lineno}: {message}")
    for e in expectations:
        if not e["matched"]:
            where = f"{os.path.basename(e['file'])}:{e['line']}" if e["file"] else "anywhere"
            failures.append(f"expected {e['severity']} not seen at {where}: {{{{{e['text']}}}}}")
    if failures:
        print("\n".join(failures))
        print("--- ncaidl output ---")
        print(proc.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
