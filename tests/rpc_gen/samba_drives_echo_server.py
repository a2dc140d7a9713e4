#!/usr/bin/python3
"""Samba's Python bindings (samba.dcerpc.echo) as the client of our generated rpcecho server stubs.

Each rpcecho operation's request is packed by Samba (ndr_pack_in), served by echo_stub_server_tool
(ServerCore dispatch -> generated operation stub -> ncaecho::EchoService -> generated NDR), and
the response is unpacked by Samba (ndr_unpack_out) and checked against what an rpcecho server
answers. Unknown opnums and request stubs Samba would not send must come back as faults.

usage: samba_drives_echo_server.py TOOL
"""
import subprocess
import sys

from samba import ndr
from samba.dcerpc import echo

FAULT_NDR = 0x000006F7
OP_RNG_ERROR = 0x1C010002
INVALID_TAG = 0x1C000006

failures = []


def check(cond, what):
    print(("ok      " if cond else "FAILED  ") + what)
    if not cond:
        failures.append(what)


class Tool:
    def __init__(self, path):
        self.p = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def raw(self, opnum, stub):
        self.p.stdin.write("%d %s\n" % (opnum, stub.hex() if stub else "-"))
        self.p.stdin.flush()
        kind, value = self.p.stdout.readline().split()
        if kind == "ok":
            return bytes.fromhex(value) if value != "-" else b""
        if kind == "fault":
            return int(value, 16)
        raise RuntimeError("tool: " + kind + " " + value)

    def call(self, r):
        """Sends r's [in] part; fills r's [out] part and returns None, or returns the fault code."""
        answer = self.raw(r.opnum(), ndr.ndr_pack_in(r))
        if isinstance(answer, int):
            return answer
        ndr.ndr_unpack_out(r, answer)
        return None

    def close(self):
        self.p.stdin.close()
        return self.p.wait()


def main():
    tool = Tool(sys.argv[1])

    r = echo.AddOne()
    r.in_in_data = 41
    check(tool.call(r) is None and r.out_out_data == 42, "AddOne(41) = 42")

    data = list(range(256)) * 4
    r = echo.EchoData()
    r.in_len = len(data)
    r.in_in_data = data
    check(tool.call(r) is None and list(r.out_out_data) == data, "EchoData(1024 bytes) echoed")

    r = echo.SinkData()
    r.in_len = 3
    r.in_data = [7, 8, 9]
    check(tool.call(r) is None, "SinkData(3 bytes)")

    r = echo.SourceData()
    r.in_len = 300
    check(tool.call(r) is None and list(r.out_data) == [i & 0xFF for i in range(300)], "SourceData(300)")

    r = echo.TestCall()
    r.in_s1 = "hello, \u00e9t\u00e9"
    check(tool.call(r) is None and r.out_s2 == "hello, \u00e9t\u00e9", "TestCall(string) echoed")

    expected = {1: (10,), 2: (20,), 3: (30,), 4: (40,), 5: (50, 60), 6: (70, 80), 7: (80, 90)}
    for level, want in expected.items():
        r = echo.TestCall2()
        r.in_level = level
        fault = tool.call(r)
        if fault is not None:
            check(False, "TestCall2(level %d): fault 0x%08x" % (level, fault))
            continue
        i = r.out_info
        got = {1: lambda: (i.v,), 2: lambda: (i.v,), 3: lambda: (i.v,), 4: lambda: (i.v,),
               5: lambda: (i.v1, i.v2), 6: lambda: (i.v1, i.info1.v), 7: lambda: (i.v1, i.info4.v)}[level]()
        status = r.result[0] if isinstance(r.result, tuple) else r.result  # NTSTATUS: (code, text)
        check(got == want and status == 0, "TestCall2(level %d) = %s, status %d" % (level, got, status))
    r = echo.TestCall2()
    r.in_level = 8
    check(tool.call(r) == INVALID_TAG, "TestCall2(level 8) faults nca_s_fault_invalid_tag")

    r = echo.TestSleep()
    r.in_seconds = 2
    check(tool.call(r) is None and r.result == 2, "TestSleep(2) = 2 (asynchronous handler)")

    r = echo.TestEnum()
    r.in_foo1 = echo.ECHO_ENUM2
    foo2 = echo.Enum2()
    foo2.e1 = echo.ECHO_ENUM2
    foo2.e2 = echo.ECHO_ENUM2_32
    r.in_foo2 = foo2
    foo3 = echo.Enum2()
    foo3.e1 = echo.ECHO_ENUM1
    foo3.e2 = echo.ECHO_ENUM1_32
    r.in_foo3 = foo3
    fault = tool.call(r)
    check(fault is None and r.out_foo1 == echo.ECHO_ENUM2 and r.out_foo2.e2 == echo.ECHO_ENUM2_32
          and r.out_foo3.e1 == echo.ECHO_ENUM1 and r.out_foo3.e2 == echo.ECHO_ENUM1_32,
          "TestEnum(ECHO_ENUM2, ...) echoed")

    r = echo.TestSurrounding()
    s = echo.Surrounding()
    s.x = 3
    s.surrounding = [5, 6, 7]
    r.in_data = s
    check(tool.call(r) is None and r.out_data.x == 6 and list(r.out_data.surrounding) == [0] * 6,
          "TestSurrounding(x 3) = x 6, six zeros")

    # TestDoublePointer is left out: Samba 4.17's Python bindings crash packing its uint16 ***
    # (base.ndr_pointer of base.ndr_pointer), so they cannot be the peer for it.

    check(tool.raw(10, b"") == OP_RNG_ERROR, "opnum 10 faults nca_s_op_rng_error")
    r = echo.EchoData()
    r.in_len = 4
    r.in_in_data = [1, 2, 3, 4]
    good = ndr.ndr_pack_in(r)
    check(all(tool.raw(1, good[:n]) == FAULT_NDR for n in range(len(good))),
          "every truncation of an EchoData request faults nca_s_fault_ndr")
    check(tool.raw(1, b"\x00\x00\x00\x40\x00\x00\x00\x40") == FAULT_NDR,
          "EchoData claiming 1 GiB in 8 bytes faults nca_s_fault_ndr")

    rc = tool.close()
    check(rc == 0, "tool exit status 0")
    if failures:
        print("%d failures" % len(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
