#!/usr/bin/python3
"""Write NDR vectors encoded by Samba's own library (python3-samba), for the generated-code tests.

For each rpcecho and mgmt operation and the common types, this builds a value with Samba's
Python bindings and packs it with samba.ndr (ndr_pack_in / ndr_pack_out / ndr_pack), in NDR20
and NDR64 and in both byte orders where the bindings allow. One line per vector:

    LABEL FILE ENTRY in|out|struct ndr20|ndr64 le|be HEX CONTEXT_HEX|-

FILE is the IDL file's stem, ENTRY the operation or type name, CONTEXT_HEX the [in] vector an
[out] vector's sizes and switches depend on (same syntax and byte order). The generated-code test
(vectors_test.cpp) decodes each with our generated code, re-encodes it little-endian and compares
with Samba's little-endian bytes of the same value.

Usage: samba_vectors.py OUT_FILE. Exit status 1 when Samba's bindings are missing (a missing
peer is a failure, never a skip).
"""
import sys

try:
    from samba import ndr
    from samba.dcerpc import echo, mgmt, misc
except ImportError as err:  # pragma: no cover - environment problem
    print(f"FAIL: Samba's python bindings are not importable: {err}")
    sys.exit(1)


def guid(text):
    return misc.GUID(text)


def ops():
    """(label, file, entry, function object) with both [in] and [out] members set."""
    r = echo.AddOne()
    r.in_in_data = 41
    r.out_out_data = 42
    yield "addone", "rpcecho", "echo_AddOne", r

    r = echo.EchoData()
    r.in_len = 5
    r.in_in_data = [1, 2, 3, 4, 0xff]
    r.out_out_data = [9, 8, 7, 6, 5]
    yield "echodata", "rpcecho", "echo_EchoData", r

    r = echo.EchoData()
    r.in_len = 0
    r.in_in_data = []
    r.out_out_data = []
    yield "echodata_empty", "rpcecho", "echo_EchoData", r

    r = echo.SinkData()
    r.in_len = 3
    r.in_data = [0x10, 0x20, 0x30]
    yield "sinkdata", "rpcecho", "echo_SinkData", r

    r = echo.SourceData()
    r.in_len = 7
    r.out_data = [i & 0xff for i in range(7)]
    yield "sourcedata", "rpcecho", "echo_SourceData", r

    r = echo.TestCall()
    r.in_s1 = "hello, w\u00f6rld"
    r.out_s2 = "\u20ac uro"
    yield "testcall", "rpcecho", "echo_TestCall", r

    r = echo.TestCall()
    r.in_s1 = ""
    r.out_s2 = None
    yield "testcall_null", "rpcecho", "echo_TestCall", r

    infos = {
        1: ("info1", lambda: setattr_all(echo.info1(), v=0xab)),
        2: ("info2", lambda: setattr_all(echo.info2(), v=0xabcd)),
        3: ("info3", lambda: setattr_all(echo.info3(), v=0x01234567)),
        4: ("info4", lambda: setattr_all(echo.info4(), v=0x0102030405060708)),
        5: ("info5", lambda: setattr_all(echo.info5(), v1=0x11, v2=0x2122232425262728)),
        6: ("info6", lambda: setattr_all(echo.info6(), v1=0x11, info1=setattr_all(echo.info1(), v=0x22))),
        7: ("info7", lambda: setattr_all(echo.info7(), v1=0x11,
                                         info4=setattr_all(echo.info4(), v=0x3132333435363738))),
    }
    for level, (arm, make) in infos.items():
        r = echo.TestCall2()
        r.in_level = level
        # Samba's bindings take a non-encapsulated union as its arm's value; the level picks it.
        r.out_info = make()
        r.result = 0xc0000022 if level == 3 else 0
        yield f"testcall2_{level}", "rpcecho", "echo_TestCall2", r

    r = echo.TestSleep()
    r.in_seconds = 3
    r.result = 3
    yield "testsleep", "rpcecho", "echo_TestSleep", r

    r = echo.TestSurrounding()
    s = echo.Surrounding()
    s.x = 3
    s.surrounding = [1, 0xfffe, 3]
    r.in_data = s
    s2 = echo.Surrounding()
    s2.x = 6
    s2.surrounding = [0] * 6
    r.out_data = s2
    yield "testsurrounding", "rpcecho", "echo_TestSurrounding", r

    r = mgmt.inq_if_ids()
    vec = mgmt.rpc_if_id_vector_t()
    entries = []
    for uuid, ver in (("60a15ec5-4de8-11d7-a637-005056a20182", 1),
                      ("afa8bd80-7d8a-11c9-bef4-08002b102989", 0x00010001)):
        p = mgmt.ndr_syntax_id_p()
        sid = misc.ndr_syntax_id()
        sid.uuid = guid(uuid)
        sid.if_version = ver
        p.id = sid
        entries.append(p)
    null_entry = mgmt.ndr_syntax_id_p()
    null_entry.id = None
    entries.append(null_entry)
    vec.count = len(entries)
    vec.if_id = entries
    r.out_if_id_vector = vec
    r.result = 0
    yield "inq_if_ids", "mgmt", "mgmt_inq_if_ids", r

    r = mgmt.inq_if_ids()
    r.out_if_id_vector = None
    r.result = 5
    yield "inq_if_ids_null", "mgmt", "mgmt_inq_if_ids", r

    r = mgmt.inq_stats()
    r.in_max_count = 4
    r.in_unknown = 0
    st = mgmt.statistics()
    st.count = 4
    st.statistics = [10, 20, 30, 0xffffffff]
    r.out_statistics = st
    r.result = 0
    yield "inq_stats", "mgmt", "mgmt_inq_stats", r

    r = mgmt.is_server_listening()
    r.out_status = 0x16c9a0d6
    r.result = 1
    yield "is_server_listening", "mgmt", "mgmt_is_server_listening", r

    r = mgmt.stop_server_listening()
    r.result = 5
    yield "stop_server_listening", "mgmt", "mgmt_stop_server_listening", r

    r = mgmt.inq_princ_name()
    r.in_authn_proto = 9
    r.in_princ_name_size = 100
    r.out_princ_name = "host/example"
    r.result = 0
    yield "inq_princ_name", "mgmt", "mgmt_inq_princ_name", r


def setattr_all(obj, **kw):
    for k, v in kw.items():
        setattr(obj, k, v)
    return obj


def structs():
    yield "guid", "misc", "GUID", guid("01234567-89ab-cdef-0123-456789abcdef")
    h = misc.policy_handle()
    h.handle_type = 7
    h.uuid = guid("a0a1a2a3-b0b1-c0c1-d0d1-e0e1e2e3e4e5")
    yield "policy_handle", "misc", "policy_handle", h
    s = misc.ndr_syntax_id()
    s.uuid = guid("8a885d04-1ceb-11c9-9fe8-08002b104860")
    s.if_version = 2
    yield "ndr_syntax_id", "misc", "ndr_syntax_id", s
    i = echo.info1()
    i.v = 0x7f
    yield "echo_info1", "rpcecho", "echo_info1", i


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    lines = []
    for label, f, entry, r in ops():
        for ndr64 in (False, True):
            for be in (False, True):
                syn = "ndr64" if ndr64 else "ndr20"
                order = "be" if be else "le"
                tag = f"{label}.{syn}.{order}"
                try:
                    vin = ndr.ndr_pack_in(r, bigendian=be, ndr64=ndr64)
                    vout = ndr.ndr_pack_out(r, bigendian=be, ndr64=ndr64)
                except Exception as err:  # Samba refuses this combination: say so, keep going
                    print(f"note: Samba cannot pack {tag}: {err}", file=sys.stderr)
                    continue
                lines.append(f"{tag}.in {f} {entry} in {syn} {order} {vin.hex() or '-'} -")
                lines.append(f"{tag}.out {f} {entry} out {syn} {order} {vout.hex() or '-'} {vin.hex() or '-'}")
    for label, f, entry, v in structs():
        lines.append(f"{label} {f} {entry} struct ndr20 le {ndr.ndr_pack(v).hex()} -")
    with open(sys.argv[1], "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} vectors to {sys.argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
