#!/usr/bin/python3
"""Table-driven check of Samba's NDR torture vectors (source4/torture/ndr/*.c of the fetched
source package) against ncaidl's generated code, through ncadump.

Reads every `static const uint8_t NAME[] = {...}` byte array and every
torture_suite_add_ndr_* registration of those files at test time (nothing is copied into the
repository), and for each registration whose type or function ncadump knows (`ncadump -l`, plus
modules given with --load), decodes the vector as Samba's test does:
  - pull tests (types: `struct`; functions: NDR_IN -> `in`, NDR_OUT -> `out`) must decode,
    reading every byte (as Samba's test requires);
  - validate / pullpush tests (Samba pushes again and compares) must also re-encode to the same
    bytes (`ncadump --validate`);
  - pull_io tests decode the [in] vector, then the [out] vector with the [in] one as context;
  - invalid-data tests must fail to decode.
Registrations of types or functions ncadump does not know are counted as "not available" and
listed with --verbose; forms this script does not read (base64 and DATA_BLOB vectors) as
"not read". Exit status 1 when any available vector fails, 77 when the source is missing.

usage: torture_vectors.py NCADUMP SAMBA_TREE|SOURCE_CACHE [--load LIB.so[:STEM]]... [--verbose]
"""
import os
import re
import subprocess
import sys
import tempfile

ARRAY = re.compile(r"(?:static\s+)?(?:const\s+)?uint8_t\s+(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\};", re.S)
CALL = re.compile(r"\b(torture_suite_add_ndr_\w+)\s*\(")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def parse_bytes(body):
    out = []
    for tok in body.replace("\n", " ").split(","):
        tok = tok.strip()
        if not tok:
            continue
        if tok.startswith("'") and tok.endswith("'") and len(tok) == 3:
            out.append(ord(tok[1]))
        else:
            out.append(int(tok, 0) & 0xFF)
    return bytes(out)


def call_args(text, start):
    """The top-level comma-separated arguments of the call whose '(' is at text[start]."""
    depth, args, cur, i = 0, [], "", start
    while i < len(text):
        c = text[i]
        if c == "(":
            depth += 1
            if depth > 1:
                cur += c
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(cur.strip())
                return args
            cur += c
        elif c == "," and depth == 1:
            args.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    return args


def known_names(ncadump, loads):
    """name -> (interface, kind) from `ncadump --list`: kind is 'struct' or 'function'."""
    out = subprocess.run([ncadump] + [f"--load-dso={l}" for l in loads] + ["--list"],
                         capture_output=True, text=True, check=True).stdout
    names, iface = {}, None
    for line in out.splitlines():
        if not line.startswith(" "):
            iface = line.split()[0]
            continue
        parts = line.split()
        if parts[0] == "struct":
            names[parts[1]] = (iface, "struct")
        elif parts[0].isdigit() and len(parts) > 1:
            names[parts[1]] = (iface, "function")
    return names


def run(ncadump, loads, args, data, context=None):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "in.bin")
        with open(path, "wb") as f:
            f.write(data)
        cmd = [ncadump] + [f"--load-dso={l}" for l in loads]
        if context is not None:
            cpath = os.path.join(d, "ctx.bin")
            with open(cpath, "wb") as f:
                f.write(context)
            cmd.append(f"--context-file={cpath}")
        r = subprocess.run(cmd + args + [path], capture_output=True, text=True)
        return r.returncode, r.stdout + r.stderr


def main():
    argv = sys.argv[1:]
    verbose = "--verbose" in argv
    argv = [a for a in argv if a != "--verbose"]
    loads = []
    while "--load" in argv:
        i = argv.index("--load")
        loads.append(argv[i + 1])
        del argv[i:i + 2]
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    ncadump, tree = argv
    if not os.path.isdir(os.path.join(tree, "source4")):
        # A cache folder of tools/samba_source.sh: it prints the unpacked tree (77: none).
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                              "samba_source.sh")
        r = subprocess.run([script, tree], capture_output=True, text=True)
        if r.returncode != 0:
            return r.returncode
        tree = r.stdout.strip()
    folder = os.path.join(tree, "source4", "torture", "ndr")
    if not os.path.isdir(folder):
        print(f"no {folder}: fetch Samba's source with tools/samba_source.sh", file=sys.stderr)
        return 77
    names = known_names(ncadump, loads)

    counts = {"passed": 0, "failed": 0, "not available": 0, "not read": 0}
    failures, unavailable, passed_by_file = [], set(), {}
    for fname in sorted(os.listdir(folder)):
        if not fname.endswith(".c"):
            continue
        text = strip_comments(open(os.path.join(folder, fname), encoding="utf-8",
                                   errors="replace").read())
        arrays = {m.group(1): parse_bytes(m.group(2)) for m in ARRAY.finditer(text)}
        for m in CALL.finditer(text):
            macro = m.group(1)
            args = call_args(text, m.end() - 1)
            if len(args) < 3 or macro.startswith("torture_suite_add_ndr_pull_inout") or \
                    macro.endswith("_b64") or macro.endswith("_blob"):
                counts["not read"] += 1
                continue
            name = args[1]
            where = f"{fname}: {macro}({name}, {args[2]})"
            if name not in names:
                counts["not available"] += 1
                unavailable.add(name)
                continue
            iface, kind = names[name]
            validate = "validate" in macro or "pullpush" in macro
            flags = " ".join(args[3:5]) if len(args) > 4 else (args[3] if len(args) > 3 else "")
            extra = []
            if "LIBNDR_FLAG_NDR64" in flags:
                extra.append("--ndr64")
            if "LIBNDR_FLAG_BIGENDIAN" in flags:
                extra.append("--bigendian")
            if validate:
                extra.append("--validate")
            if macro.startswith("torture_suite_add_ndr_pull_io_test"):
                data_in, data_out = arrays.get(args[2]), arrays.get(args[3])
                if data_in is None or data_out is None:
                    counts["not read"] += 1
                    continue
                rc, out = run(ncadump, loads, extra + [iface, name, "in"], data_in)
                if rc == 0:
                    rc, out = run(ncadump, loads, extra + [iface, name, "out"], data_out, data_in)
                ok = rc == 0 and "unread bytes" not in out
            else:
                data = arrays.get(args[2])
                if data is None:
                    counts["not read"] += 1
                    continue
                direction = "struct" if kind == "struct" else \
                    ("out" if "NDR_OUT" in flags else "in")
                rc, out = run(ncadump, loads, extra + [iface, name, direction], data)
                # Samba's test also requires every byte to be read.
                ok = (rc != 0) if "invalid_data" in macro else \
                    (rc == 0 and "unread bytes" not in out)
            if ok:
                counts["passed"] += 1
                passed_by_file[fname] = passed_by_file.get(fname, 0) + 1
            else:
                counts["failed"] += 1
                failures.append(where + "\n    " + out.strip().replace("\n", "\n    ")[:600])

    total = sum(counts.values())
    print(f"samba torture vectors: {total} registrations; " +
          ", ".join(f"{v} {k}" for k, v in counts.items()))
    if passed_by_file:
        print("passed by file: " + ", ".join(f"{k} {v}" for k, v in sorted(passed_by_file.items())))
    for f in failures:
        print("FAILED " + f)
    if verbose and unavailable:
        print("not available in ncadump: " + ", ".join(sorted(unavailable)))
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
