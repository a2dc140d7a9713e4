#!/usr/bin/python3
"""The Wireshark dissector ncaidl generates (--gen wireshark) against a captured session.

usage: wireshark_test.py NCAIDL NCAECHO_SERVER NCAECHO_CLIENT NCACALL IDL_DIR
In a network namespace of its own (unshare -n; needs root, never skipped): dumpcap captures
loopback while ncaecho-client calls every rpcecho operation on ncaecho-server over NDR20 and
ncacall calls some over NDR64; then tshark, loading the generated rpcecho.lua with
-X lua_script:, must show every field of rpcecho's stubs with its name and value (-T fields on
the dissector's rpcecho.* fields, and the -V tree), with no error item.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ncacall"))
import netns  # noqa: E402

failures = []


def check(cond, what, detail=""):
    print(("ok: " if cond else "FAIL: ") + what + ("" if cond or not detail else "\n  " + detail[:3000].replace("\n", "\n  ")),
          flush=True)
    if not cond:
        failures.append(what)


def capture(server, client, ncacall, idl_dir, d):
    cap = os.path.join(d, "echo.pcapng")
    port = "7777"
    dumpcap = subprocess.Popen(["dumpcap", "-i", "lo", "-f", "tcp port " + port, "-w", cap],
                               stderr=subprocess.PIPE, text=True)
    for line in dumpcap.stderr:
        if "Capturing on" in line:
            break
    time.sleep(1)  # "Capturing on" comes a little before the filter is in place
    s = subprocess.Popen([server, "--ncalrpc-dir", d, "--listen", "ncacn_ip_tcp:127.0.0.1[%s]" % port],
                         stdout=subprocess.PIPE, text=True)
    s.stdout.readline()
    try:
        b = "ncacn_ip_tcp:127.0.0.1[%s]" % port
        r = subprocess.run([client, b], capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "ncaecho-client's calls all answered", r.stdout + r.stderr)
        for op, args in (("echo_AddOne", '{"in_data": 1000}'), ("echo_TestCall2", '{"level": 6}'),
                         ("echo_TestCall", '{"s1": "ndr64 text"}')):
            r = subprocess.run([ncacall, "--syntax", "ndr64", "-I", idl_dir, os.path.join(idl_dir, "rpcecho.idl"),
                                b, op, args], capture_output=True, text=True, timeout=60)
            check(r.returncode == 0, "ncacall %s over NDR64" % op, r.stdout + r.stderr)
        # The server's built-in mgmt interface, for mgmt.lua (Wireshark has a "mgmt" protocol of
        # its own, so the fields are ncaidl_mgmt.*).
        for op, args in (("mgmt_inq_if_ids", "{}"), ("mgmt_inq_stats", '{"max_count": 4, "unknown": 0}')):
            r = subprocess.run([ncacall, "-I", idl_dir, os.path.join(idl_dir, "mgmt.idl"), b, op, args],
                               capture_output=True, text=True, timeout=60)
            check(r.returncode == 0, "ncacall " + op, r.stdout + r.stderr)
        time.sleep(1)
    finally:
        s.send_signal(signal.SIGTERM)
        s.wait(timeout=15)
        dumpcap.send_signal(signal.SIGTERM)
        dumpcap.wait(timeout=15)
    return cap


def main():
    ncaidl, server, client, ncacall, idl_dir = sys.argv[1:6]
    rc = netns.enter("NCA_WS_NETNS")
    if rc is not None:
        return rc
    d = tempfile.mkdtemp(prefix="ncaidl_ws_")
    for idl in ("rpcecho", "mgmt"):
        r = subprocess.run([ncaidl, "-I", idl_dir, "--gen", "wireshark", "-o", d, os.path.join(idl_dir, idl + ".idl")],
                           capture_output=True, text=True)
        check(r.returncode == 0 and os.path.exists(os.path.join(d, idl + ".lua")),
              "ncaidl --gen wireshark writes %s.lua" % idl, r.stderr)
    lua = os.path.join(d, "rpcecho.lua")
    cap = capture(server, client, ncacall, idl_dir, d)
    base = ["tshark", "-X", "lua_script:" + lua, "-r", cap, "-d", "tcp.port==7777,dcerpc"]

    # Without the generated dissector, Wireshark 4.0 shows rpcecho's stubs as bytes only.
    plain = subprocess.run(["tshark", "-r", cap, "-d", "tcp.port==7777,dcerpc", "-T", "fields", "-e", "dcerpc.stub_data",
                            "-Y", "dcerpc.pkt_type == 0"], capture_output=True, text=True).stdout
    check(plain.strip() != "", "without the dissector the stubs are bytes (dcerpc.stub_data)")

    r = subprocess.run(base + ["-V", "-O", "ncaidl_rpcecho"], capture_output=True, text=True)
    tree = r.stdout
    check("Lua" not in r.stderr and "Error" not in r.stderr, "tshark loads the dissector without a Lua error", r.stderr)
    check("rpcecho.error" not in tree and "\n    error:" not in tree, "no stub failed to dissect", tree)

    def fields(*names, flt=None):
        cmd = base + ["-T", "fields", "-E", "separator=|", "-E", "aggregator=,"]
        for n in names:
            cmd += ["-e", "rpcecho." + n]
        cmd += ["-Y", flt or "rpcecho.operation"]
        return [l for l in subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines() if l.strip("|")]

    ops = fields("operation")
    for op in ("echo_AddOne", "echo_EchoData", "echo_SinkData", "echo_SourceData", "echo_TestCall", "echo_TestCall2",
               "echo_TestSleep", "echo_TestEnum", "echo_TestSurrounding", "echo_TestDoublePointer"):
        check(sum(1 for l in ops if l == op) >= 2, "%s: request and response dissected" % op, "\n".join(ops))
    add = fields("operation", "in_data", "out_data", flt='rpcecho.operation == "echo_AddOne"')
    check("echo_AddOne|41|" in add and "echo_AddOne||42" in add, "AddOne: in_data 41, out_data 42", "\n".join(add))
    check("echo_AddOne|4294967295|" in add and "echo_AddOne||0" in add, "AddOne wraps: 4294967295 -> 0", "\n".join(add))
    check("echo_AddOne|1000|" in add and "echo_AddOne||1001" in add, "AddOne over NDR64: 1000 -> 1001", "\n".join(add))
    echo = fields("len", "in_data", "out_data", flt='rpcecho.operation == "echo_EchoData"')
    check(any(l.startswith("1024|") and len(l.split("|")[1]) == 2048 for l in echo) and
          any(l.startswith("|") and len(l.split("|")[2]) == 2048 for l in echo),
          "EchoData: len 1024, 1024 bytes in and out", "\n".join(x[:80] for x in echo))
    src = fields("len", "data", flt='rpcecho.operation == "echo_SourceData"')
    check(any(l.startswith("|000102030405") for l in src), "SourceData: data 00 01 02 ...", "\n".join(x[:80] for x in src))
    call = fields("s1", "s2", flt='rpcecho.operation == "echo_TestCall"')
    check(any(l.startswith("hello from ncaecho") for l in call) and any("ndr64 text" in l for l in call) and
          sum(1 for l in call if l.startswith("|")) >= 2, "TestCall: s1 in, s2 out (UTF-16 text)", "\n".join(call))
    levels = fields("level", "v", "v1", "v2", "result", flt='rpcecho.operation == "echo_TestCall2"')
    for want in ("|10|||NT_STATUS_OK", "|20|||NT_STATUS_OK", "|30|||NT_STATUS_OK", "|40|||NT_STATUS_OK",
                 "||50|60|NT_STATUS_OK", "|80|70||NT_STATUS_OK", "|90|80||NT_STATUS_OK"):
        check(want in levels, "TestCall2 response fields " + want, "\n".join(levels))
    check("\n        info6\n            v1: 70\n            info1\n                v: 80" in tree,
          "TestCall2 level 6: the union arm and nested struct in the tree", "")
    enum = fields("foo1", "e1", "e2", flt='rpcecho.operation == "echo_TestEnum"')
    check(any(l.startswith("ECHO_ENUM2 (2)|") for l in enum) and "ECHO_ENUM2_32 (2)" in "\n".join(enum),
          "TestEnum: enumerators by name", "\n".join(enum))
    sur = fields("x", "surrounding", flt='rpcecho.operation == "echo_TestSurrounding"')
    check("4|1,2,3,4" in sur and "8|0,0,0,0,0,0,0,0" in sur, "TestSurrounding: x and the conformant array", "\n".join(sur))
    dp = fields("data", "result", flt='rpcecho.operation == "echo_TestDoublePointer"')
    check("data: pointer (referent 0x20000)\n        data: pointer (referent 0x20004)\n            data: 7" in tree and
          "|7" in dp and "data: NULL" in tree, "TestDoublePointer: the three pointers and the value", "\n".join(dp))
    mgmt = subprocess.run(["tshark", "-X", "lua_script:" + os.path.join(d, "mgmt.lua"), "-r", cap, "-d",
                           "tcp.port==7777,dcerpc", "-T", "fields", "-E", "separator=|", "-e", "ncaidl_mgmt.operation",
                           "-e", "ncaidl_mgmt.uuid", "-e", "ncaidl_mgmt.statistics", "-e", "ncaidl_mgmt.result",
                           "-Y", "ncaidl_mgmt.operation"], capture_output=True, text=True)
    rows = mgmt.stdout.splitlines()
    check(any(l.startswith("mgmt_inq_if_ids|60a15ec5-4de8-11d7-a637-005056a20182,afa8bd80-7d8a-11c9-bef4-08002b102989||WERR_OK")
              for l in rows) and any(l.startswith("mgmt_inq_stats||") and l.endswith("|WERR_OK") for l in rows),
          "mgmt.lua: inq_if_ids' interface ids and inq_stats' counters", mgmt.stdout + mgmt.stderr)
    sleep = fields("seconds", "result", flt='rpcecho.operation == "echo_TestSleep"')
    check(any(l.startswith("|") and l != "|" for l in sleep) and any(l.endswith("|") and l != "|" for l in sleep),
          "TestSleep: seconds in, result out", "\n".join(sleep))
    if failures:
        print("%d failure(s): %s" % (len(failures), failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
