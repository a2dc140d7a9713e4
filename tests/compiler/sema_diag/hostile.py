#!/usr/bin/python3
"""Hostile IDL for semantic analysis: long dependency chains, deep nesting by value, huge
constants and arrays, many arms and attributes. Each input must give the expected error (or
compile) with exit status 0 or 1 within the time limit: never a crash, a sanitizer report or a hang.

usage: hostile.py NCAIDL
"""
import os
import subprocess
import sys
import tempfile
import time

UUID = "[uuid(12345678-1234-1234-1234-123456789abc), version(1.0)]"
N = 5000


def interface(body):
    return f"{UUID}\ninterface hostile\n{{\n{body}}}\n"


CASES = [
    # typedefs declared in reverse: building the first builds all the others first
    ("typedef_chain", interface("".join(f"  typedef t{i + 1} t{i};\n" for i in range(N)) +
                                f"  typedef long t{N};\n"),
     1, "declarations depend on each other too deeply"),
    # constants likewise
    ("constant_chain", interface("".join(f"  const long c{i} = c{i + 1} + 1;\n" for i in range(N)) +
                                 f"  const long c{N} = 1;\n"),
     1, "declarations depend on each other too deeply"),
    # structs nested by value, declared in reverse: the layout walk goes N deep
    ("struct_nesting", interface("".join(f"  typedef struct {{ s{i + 1} inner; }} s{i};\n"
                                         for i in range(N)) +
                                 f"  typedef struct {{ long v; }} s{N};\n"),
     1, "types are nested too deeply"),
    # inheritance in reverse order
    ("inheritance_chain", "".join(f"[uuid(12345678-1234-1234-1234-{i:012x})]\n"
                                  f"interface i{i} : i{i + 1} {{ void op{i}(void); }}\n"
                                  for i in range(N)) +
     f"[uuid(12345678-1234-1234-1234-{N:012x})]\ninterface i{N} {{ void last(void); }}\n",
     1, "declarations depend on each other too deeply"),
    # a self-containing struct through a long cycle of other structs
    ("long_cycle", interface("".join(f"  typedef struct s{i}_tag {{ struct s{(i + 1) % 300}_tag x; }} s{i};\n"
                                     for i in range(300))),
     1, "contains itself by value"),
    ("huge_constant", interface("  const hyper big = 0xFFFFFFFFFFFFFFFF * 0xFFFFFFFFFFFFFFFF;\n"),
     1, "integer overflow in constant expression"),
    ("huge_shift_chain", interface("  const hyper x = " + "(" * 100 + "1" + " << 1)" * 100 + ";\n"),
     1, "integer overflow in constant expression"),
    ("huge_array", interface("  typedef struct { hyper a[0xFFFFFFFF]; } big_t;\n"),
     1, "array 'a' is too large"),
    ("huge_nested_array", interface("  typedef struct { long a[0x10000][0x10000][0x10000]; } big_t;\n"),
     1, "array 'a' is too large"),
    ("many_arms", interface("  typedef [switch_type(long)] union {\n" +
                            "".join(f"    [case({i})] long a{i};\n" for i in range(20000)) +
                            "    [case(7)] long dup;\n  } u;\n"),
     1, "duplicate case value 7"),
    ("many_attributes", interface("  void f([in" + ", in" * 20000 + "] long x);\n"),
     0, "duplicate attribute 'in'"),
    ("many_unknown_types", interface("".join(f"  typedef struct {{ unknown_type_{i} x; }} s{i};\n"
                                             for i in range(3000))),
     1, "unknown type 'unknown_type_2999'"),
]


def main():
    ncaidl = os.path.abspath(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, text, want_status, want_message in CASES:
            path = os.path.join(tmp, name + ".idl")
            with open(path, "w") as f:
                f.write(text)
            start = time.monotonic()
            try:
                proc = subprocess.run([ncaidl, "--no-color", path], capture_output=True, text=True,
                                      timeout=120)
            except subprocess.TimeoutExpired:
                failures.append(f"{name}: no result within 120 s")
                continue
            took = time.monotonic() - start
            err = proc.stderr
            if proc.returncode != want_status:
                failures.append(f"{name}: exit status {proc.returncode}, expected {want_status}\n"
                                f"{err[-2000:]}")
            elif want_message not in err:
                failures.append(f"{name}: no '{want_message}' in\n{err[-2000:]}")
            elif "runtime error" in err or "Sanitizer" in err:
                failures.append(f"{name}: sanitizer report\n{err[-2000:]}")
            else:
                print(f"ok {name} ({took:.1f} s)")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
