#!/usr/bin/python3
"""Golden test of the CO PDU codec against Samba's own NDR code (samba.dcerpc.dcerpc).

For every connection-oriented PDU type, Samba's Python bindings pack an ncacn_packet
(ndr_pack); cn_pdu_reencode decodes it with nca::rpc::cn::decode() (the code ncaidl generates
from idl/dcerpc.idl) and encodes it again from the decoded values with the encode_*() entry
points. Every byte must come back: that checks our pull and our push of each field against
Samba's. Our bytes are also unpacked by Samba (ndr_unpack) and must print as Samba's own packet.

usage: samba_pdu_golden.py PATH/TO/cn_pdu_reencode
       samba_pdu_golden.py --corpus DIR   (writes the PDUs as seeds for tests/fuzz/fuzz_cn_pdu)
"""
import os
import subprocess
import sys

from samba.dcerpc import dcerpc, misc
from samba.ndr import ndr_pack, ndr_unpack, ndr_print

NDR20 = ("8a885d04-1ceb-11c9-9fe8-08002b104860", 2)
NDR64 = ("71710533-beba-4937-8319-b5dbef9ccc36", 1)
ECHO = ("60a15ec5-4de8-11d7-a637-005056a20182", 1)
FIRST_LAST = dcerpc.DCERPC_PFC_FLAG_FIRST | dcerpc.DCERPC_PFC_FLAG_LAST


def syntax(uuid, version):
    s = misc.ndr_syntax_id()
    s.uuid = misc.GUID(uuid)
    s.if_version = version
    return s


def feature_syntax(bits):
    # MS-RPCE 3.3.1.5.3: 6cb71c2c-9812-4540-XXXX-000000000000 v1.0, XXXX the bitmap in LE.
    return syntax("6cb71c2c-9812-4540-%02x%02x-000000000000" % (bits & 0xff, bits >> 8), 1)


def packet(ptype, body, call_id=7, flags=FIRST_LAST, auth_length=0):
    p = dcerpc.ncacn_packet()
    p.rpc_vers = 5
    p.rpc_vers_minor = 0
    p.ptype = ptype
    p.pfc_flags = flags
    p.drep = [0x10, 0, 0, 0]
    p.auth_length = auth_length
    p.call_id = call_id
    p.u = body
    p.frag_length = 0
    p.frag_length = len(ndr_pack(p))  # Samba leaves frag_length to the caller too
    return p


def bind(ctxs, group=0x12345678):
    b = dcerpc.bind()
    b.max_xmit_frag = 4280
    b.max_recv_frag = 5840
    b.assoc_group_id = group
    lst = []
    for i, (abstract, transfers) in enumerate(ctxs):
        c = dcerpc.ctx_list()
        c.context_id = i
        c.num_transfer_syntaxes = len(transfers)
        c.abstract_syntax = abstract
        c.transfer_syntaxes = transfers
        lst.append(c)
    b.num_contexts = len(lst)
    b.ctx_list = lst
    b.auth_info = b""
    return b


def bind_ack(address, results):
    a = dcerpc.bind_ack()
    a.max_xmit_frag = 5840
    a.max_recv_frag = 5840
    a.assoc_group_id = 0x53f0
    a.secondary_address_size = len(address) + 1 if address else 0
    a.secondary_address = address
    a._pad1 = b""
    lst = []
    for result, reason, ts in results:
        c = dcerpc.ack_ctx()
        c.result = result
        c.reason = reason
        c.syntax = ts
        lst.append(c)
    a.num_results = len(lst)
    a.ctx_list = lst
    a.auth_info = b""
    return a


def cases():
    zero = syntax("00000000-0000-0000-0000-000000000000", 0)
    ctxs = [(syntax(*ECHO), [syntax(*NDR20), syntax(*NDR64)]),
            (syntax(*ECHO), [feature_syntax(3)])]
    yield "bind", packet(dcerpc.DCERPC_PKT_BIND, bind(ctxs), flags=FIRST_LAST | dcerpc.DCERPC_PFC_FLAG_CONC_MPX)
    yield "alter_context", packet(dcerpc.DCERPC_PKT_ALTER, bind(ctxs[:1], group=0x53f0))
    results = [(dcerpc.DCERPC_BIND_ACK_RESULT_ACCEPTANCE, 0, syntax(*NDR20)),
               (dcerpc.DCERPC_BIND_ACK_RESULT_PROVIDER_REJECTION,
                dcerpc.DCERPC_BIND_ACK_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED, zero),
               (dcerpc.DCERPC_BIND_ACK_RESULT_NEGOTIATE_ACK,
                dcerpc.DCERPC_BIND_TIME_SECURITY_CONTEXT_MULTIPLEXING |
                dcerpc.DCERPC_BIND_TIME_KEEP_CONNECTION_ON_ORPHAN, zero)]
    # Secondary addresses of every length mod 4, so the 4-alignment before the results shows.
    for addr in ["49152", "135", "ncalrpc_x", "12"]:
        yield "bind_ack[%s]" % addr, packet(dcerpc.DCERPC_PKT_BIND_ACK, bind_ack(addr, results))
    yield "alter_context_resp", packet(dcerpc.DCERPC_PKT_ALTER_RESP, bind_ack("", results[:1]))
    nak = dcerpc.bind_nak()
    nak.reject_reason = dcerpc.DCERPC_BIND_NAK_REASON_PROTOCOL_VERSION_NOT_SUPPORTED
    v = dcerpc.bind_nak_version()
    v.rpc_vers = 5
    v.rpc_vers_minor = 0
    nak.num_versions = 1
    nak.versions = [v]
    nak._pad = b"\0\0\0"  # what Windows and Samba put after the list: to a 4-byte boundary
    yield "bind_nak", packet(dcerpc.DCERPC_PKT_BIND_NAK, nak)
    stub = bytes(range(1, 21))
    r = dcerpc.request()
    r.alloc_hint = len(stub)
    r.context_id = 1
    r.opnum = 2
    r.stub_and_verifier = stub
    yield "request", packet(dcerpc.DCERPC_PKT_REQUEST, r)
    r2 = dcerpc.request()
    r2.alloc_hint = 1000
    r2.context_id = 0
    r2.opnum = 0
    r2.stub_and_verifier = b""
    yield "request[middle fragment, empty stub]", packet(dcerpc.DCERPC_PKT_REQUEST, r2, flags=0)
    resp = dcerpc.response()
    resp.alloc_hint = len(stub)
    resp.context_id = 1
    resp.cancel_count = 0
    resp.stub_and_verifier = stub
    yield "response", packet(dcerpc.DCERPC_PKT_RESPONSE, resp, call_id=0x01020304)
    for st, body, flags in [(dcerpc.DCERPC_NCA_S_OP_RNG_ERROR, b"", dcerpc.DCERPC_PFC_FLAG_DID_NOT_EXECUTE),
                            (dcerpc.DCERPC_NCA_S_FAULT_USER_DEFINED, b"\x01\0\0\0", 0)]:
        f = dcerpc.fault()
        f.alloc_hint = len(body) or 24  # samba-dcerpcd's empty faults announce 24
        f.context_id = 1
        f.cancel_count = 0
        f.flags = 0
        f.status = st
        f.reserved = 0
        f.error_and_verifier = body
        yield "fault[%#x]" % st, packet(dcerpc.DCERPC_PKT_FAULT, f, flags=FIRST_LAST | flags)
    yield "shutdown", packet(dcerpc.DCERPC_PKT_SHUTDOWN, dcerpc.shutdown())
    c = dcerpc.co_cancel()
    c.auth_info = b""
    yield "co_cancel", packet(dcerpc.DCERPC_PKT_CO_CANCEL, c)
    o = dcerpc.orphaned()
    o.auth_info = b""
    yield "orphaned", packet(dcerpc.DCERPC_PKT_ORPHANED, o)
    a3 = dcerpc.auth3()
    a3.auth_info = b""
    yield "auth3", packet(dcerpc.DCERPC_PKT_AUTH3, a3)


def object_request():
    """A request with an object UUID. Samba's Python packing never sets the object (its
    NDR_DCERPC_REQUEST_OBJECT_PRESENT is a flag only dcerpc_pull/push_ncacn_packet set), so the
    PDU is Samba's request with Samba's packing of the GUID inserted after opnum."""
    guid = misc.GUID("12345678-9abc-def0-1122-334455667788")
    stub = b"\xaa" * 8
    r = dcerpc.request()
    r.alloc_hint = len(stub)
    r.context_id = 3
    r.opnum = 4
    r.stub_and_verifier = stub
    flags = FIRST_LAST | dcerpc.DCERPC_PFC_FLAG_OBJECT_UUID
    p = packet(dcerpc.DCERPC_PKT_REQUEST, r, flags=flags)
    p.frag_length += 16
    b = ndr_pack(p)
    return b[:24] + ndr_pack(guid) + b[24:]


def auth_request():
    """A request with a sec_trailer: stub, auth padding to 16, dcerpc_auth and token (all packed
    by Samba). The tool prints the trailer it decoded after the re-encoded PDU."""
    stub = bytes(range(5))
    pad = (16 - len(stub) % 16) % 16
    token = b"\x4e\x54\x4c\x4d\x53\x53\x50\x00" + b"\x11" * 8
    a = dcerpc.auth()
    a.auth_type = dcerpc.DCERPC_AUTH_TYPE_NTLMSSP
    a.auth_level = dcerpc.DCERPC_AUTH_LEVEL_INTEGRITY
    a.auth_pad_length = pad
    a.auth_reserved = 0
    a.auth_context_id = 0x1234
    a.credentials = token
    r = dcerpc.request()
    r.alloc_hint = len(stub)
    r.context_id = 0
    r.opnum = 1
    r.stub_and_verifier = stub + b"\0" * pad + ndr_pack(a)
    p = packet(dcerpc.DCERPC_PKT_REQUEST, r, auth_length=len(token))
    return ndr_pack(p), stub, "auth=%d,%d,%d,%d,%s" % (a.auth_type, a.auth_level, pad, a.auth_context_id, token.hex())


def main():
    named = [(name, ndr_pack(p)) for name, p in cases()]
    named.append(("request[object uuid]", object_request()))
    auth_bytes, auth_stub, auth_expect = auth_request()
    named.append(("request[auth trailer]", auth_bytes))
    if sys.argv[1] == "--corpus":
        os.makedirs(sys.argv[2], exist_ok=True)
        for i, (_, b) in enumerate(named):
            for option in (0, 1):  # the harness's first byte: bit 0 patches frag_length
                with open(os.path.join(sys.argv[2], "samba_%02d_%d" % (i, option)), "wb") as f:
                    f.write(bytes([option]) + b)
        return 0
    tool = sys.argv[1]
    failures = client_addresses(tool)
    out = subprocess.run([tool], input="".join(b.hex() + "\n" for _, b in named),
                         capture_output=True, text=True, check=True).stdout.splitlines()
    for (name, b), got in zip(named, out):
        if name == "request[auth trailer]":
            # The engine encodes no trailer yet (no security provider): the stub without the
            # padding, then the trailer's fields as decoded.
            head = ndr_pack(packet(dcerpc.DCERPC_PKT_REQUEST, request_like(auth_stub)))
            want = head.hex() + " " + auth_expect
        else:
            want = b.hex()
        ok = got == want
        if ok and not got.startswith("ERROR") and " " not in got:
            # Samba decodes our bytes to the packet it packed.
            ok = ndr_print(ndr_unpack(dcerpc.ncacn_packet, bytes.fromhex(got))) == \
                 ndr_print(ndr_unpack(dcerpc.ncacn_packet, b))
        print("%s %s (%d bytes)" % ("ok  " if ok else "FAIL", name, len(b)))
        if not ok:
            print("   samba: %s\n   ours:  %s" % (want, got))
            failures += 1
    if len(out) != len(named):
        print("FAIL: %d answers for %d PDUs" % (len(out), len(named)))
        failures += 1
    print("%d PDUs, %d failures" % (len(named), failures))
    return 1 if failures else 0


def client_addresses(tool):
    """pidl's ipv4address and ipv6address inside the RTS ClientAddress: Samba packs, we pull,
    print the text and push; bytes and text must be Samba's."""
    failures = 0
    for kind, text in [(dcerpc.RTS_IPV6, "fe80::1:2:3"), (dcerpc.RTS_IPV6, "2001:db8:85a3::8a2e:370:7334"),
                       (dcerpc.RTS_IPV6, "::"), (dcerpc.RTS_IPV4, "10.1.2.3")]:
        c = dcerpc.ClientAddress()
        c.AddressType = kind
        c.ClientAddress = text
        c.Padding = [0] * 12
        b = ndr_pack(c)
        want = "%s %s" % (b.hex(), ndr_unpack(dcerpc.ClientAddress, b).ClientAddress)
        got = subprocess.run([tool], input="ClientAddress %s\n" % b.hex(), capture_output=True,
                             text=True, check=True).stdout.strip()
        ok = got == want
        print("%s ClientAddress[%s]" % ("ok  " if ok else "FAIL", text))
        if not ok:
            print("   samba: %s\n   ours:  %s" % (want, got))
            failures += 1
    return failures


def request_like(stub):
    r = dcerpc.request()
    r.alloc_hint = len(stub)
    r.context_id = 0
    r.opnum = 1
    r.stub_and_verifier = stub
    return r


if __name__ == "__main__":
    sys.exit(main())
