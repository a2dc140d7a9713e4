#!/usr/bin/env python3
"""tshark dissects a captured ncadg_ip_udp session without malformed packets or expert errors.

The capture (dumpcap on lo) holds: ncaecho-client (our generated client, little-endian) calling
every rpcecho operation on ncaecho-server over UDP, fragments and facks included, and a raw
big-endian peer written here from C706 12.5 that provokes the PDU types a clean session does not
show: the server's conv_who_are_you2 callback (answered big-endian), ping -> working while a
TestSleep runs, cl_cancel -> cancel_ack, ping for an unknown call -> nocall, an unknown interface
-> reject, undecodable stub data -> fault, and acks. Every one of the 11 DG PDU types must appear,
in both byte orders where the peer sends them.

usage: tshark_check.py BUILD_DIR
"""
import os
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time
import uuid

ECHO = uuid.UUID("60a15ec5-4de8-11d7-a637-005056a20182")
CONV = uuid.UUID("333a2276-0000-0000-0d00-00809c000000")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def pdu_be(ptype, act, seq, opnum=0, iface=ECHO, body=b"", flags1=0, boot=0, fragnum=0, vers=1):
    """A DG PDU in big-endian byte order (drep 00 00 00), as C706 12.5.1 lays out the header."""
    hdr = struct.pack(">BBBB3sB16s16s16sIIIHHHHHBB", 4, ptype, flags1, 0, b"\x00\x00\x00", 0,
                      b"\x00" * 16, iface.bytes, act.bytes, boot, vers, seq, opnum, 0xffff, 0xffff,
                      len(body), fragnum, 0, 0)
    return hdr + body


def parse(d):
    le = d[4] & 0x10
    e = "<" if le else ">"
    f = struct.unpack(e + "BBBB3sB16s16s16sIIIHHHHHBB", d[:80])
    u = (lambda b: uuid.UUID(bytes_le=b)) if le else (lambda b: uuid.UUID(bytes=b))
    return {"ptype": f[1], "act": u(f[8]), "boot": f[9], "seq": f[11], "opnum": f[12],
            "iface": u(f[7]), "body": d[80:80 + f[15]], "le": le}


def raw_peer(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    srv = ("127.0.0.1", port)
    act = uuid.uuid4()

    def recv_until(types, answer_conv=True):
        while True:
            d, _ = s.recvfrom(70000)
            p = parse(d)
            if p["ptype"] == 0 and p["iface"] == CONV and answer_conv:
                # conv_who_are_you2: [out] seq, cas_uuid, status; big-endian as we are
                asked = uuid.UUID(bytes_le=p["body"][:16]) if p["le"] else uuid.UUID(bytes=p["body"][:16])
                body = struct.pack(">I16sI", current[asked], b"\x00" * 16, 0)
                s.sendto(pdu_be(2, p["act"], p["seq"], p["opnum"], CONV, body, boot=p["boot"], vers=3,
                                flags1=0x20), srv)
                continue
            if p["ptype"] in types:
                return p

    current = {act: 0}
    # AddOne(41), big-endian: the server calls us back first (unknown activity), then answers.
    s.sendto(pdu_be(0, act, 0, 0, body=struct.pack(">I", 41)), srv)
    r = recv_until({2, 3, 6})
    check(r["ptype"] == 2 and struct.unpack("<I" if r["le"] else ">I", r["body"])[0] == 42,
          "big-endian AddOne(41) = 42 after the conv callback")
    boot = r["boot"]
    s.sendto(pdu_be(7, act, 0, boot=boot), srv)
    # TestSleep(2): ping while it runs (working), cl_cancel (cancel_ack), then the reply.
    current[act] = 1
    s.sendto(pdu_be(0, act, 1, 6, body=struct.pack(">I", 2), boot=boot), srv)
    time.sleep(0.3)
    s.sendto(pdu_be(1, act, 1, 6, boot=boot), srv)
    check(recv_until({4, 5})["ptype"] == 4, "ping during TestSleep: working")
    s.sendto(pdu_be(8, act, 1, 6, body=struct.pack(">II", 0, 1), boot=boot), srv)
    check(recv_until({10})["ptype"] == 10, "cl_cancel: cancel_ack")
    r = recv_until({2, 3})
    check(r["ptype"] == 2, "TestSleep answered after the cancel (advisory)")
    s.sendto(pdu_be(7, act, 1, 6, boot=boot), srv)
    # A ping for a call the server never saw: nocall.
    s.sendto(pdu_be(1, act, 7, 0, boot=boot), srv)
    check(recv_until({5})["ptype"] == 5, "ping for an unknown call: nocall")
    # An unknown interface: reject.
    current[act] = 8
    s.sendto(pdu_be(0, act, 8, 0, iface=uuid.uuid4(), body=b"\x00" * 4, boot=boot), srv)
    check(recv_until({6})["ptype"] == 6, "unknown interface: reject")
    # EchoData whose size_is disagrees with its array: fault nca_s_fault_ndr, then ack it.
    current[act] = 9
    s.sendto(pdu_be(0, act, 9, 1, body=struct.pack(">II", 8, 3) + b"abc", boot=boot), srv)
    check(recv_until({3})["ptype"] == 3, "undecodable stub data: fault")
    s.sendto(pdu_be(7, act, 9, 1, boot=boot), srv)
    s.close()


def main():
    build = sys.argv[1]
    server = os.path.join(build, "tools/ncaecho/ncaecho-server")
    client = os.path.join(build, "tools/ncaecho/ncaecho-client")
    srv = subprocess.Popen([server, "--listen", "ncadg_ip_udp:127.0.0.1[0]"], stdout=subprocess.PIPE, text=True)
    binding = srv.stdout.readline().strip()
    port = int(re.search(r"\[(\d+)\]", binding).group(1))
    cap_dir = tempfile.mkdtemp(prefix="dg_cap_")
    cap = os.path.join(cap_dir, "dg.pcapng")
    dumpcap = subprocess.Popen(["dumpcap", "-i", "lo", "-f", "udp port %d" % port, "-w", cap],
                               stderr=subprocess.PIPE, text=True)
    try:
        for line in dumpcap.stderr:
            if "Capturing on" in line:
                break
        time.sleep(1)  # dumpcap says so a little before it really captures
        r = subprocess.run([client, binding], capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "ncaecho-client over %s: every answer right" % binding)
        raw_peer(port)
        time.sleep(1)
    finally:
        dumpcap.terminate()
        dumpcap.wait(timeout=10)
        srv.terminate()
        srv.wait(timeout=30)
    # Wireshark finds DCE/RPC datagrams on any UDP port with its heuristic dissector.
    decode = []
    rows = subprocess.run(["tshark", "-r", cap, *decode, "-Y", "dcerpc", "-T", "fields",
                           "-e", "dcerpc.pkt_type", "-e", "dcerpc.drep.byteorder"],
                          capture_output=True, text=True).stdout.split("\n")
    seen = set()
    orders = set()
    for row in rows:
        cols = row.split("\t")
        if len(cols) == 2 and cols[0]:
            seen.add(cols[0])
            orders.add(cols[1])
    names = ["request", "ping", "response", "fault", "working", "nocall", "reject", "ack",
             "cl_cancel", "fack", "cancel_ack"]
    for t, name in enumerate(names):
        check(str(t) in seen, "capture has %s PDUs" % name)
    check(len(orders) == 2, "both byte orders in the capture (drep byte order values %s)" % sorted(orders))
    malformed = subprocess.run(["tshark", "-r", cap, *decode, "-Y", "_ws.malformed"],
                               capture_output=True, text=True).stdout.strip()
    check(malformed == "", "no malformed packet:\n" + malformed)
    expert = subprocess.run(["tshark", "-r", cap, *decode, "-q", "-z", "expert"],
                            capture_output=True, text=True).stdout
    section, bad = None, []
    for line in expert.splitlines():
        m = re.match(r"^(Errors|Warns|Notes|Chats|Comments) \(", line)
        if m:
            section = m.group(1)
            continue
        cols = line.split()
        if section in ("Errors", "Warns") and len(cols) >= 4 and cols[0].isdigit():
            bad.append(line.strip())
    check(not bad, "no expert error or warning: %s" % bad)
    if failures:
        print("capture kept at " + cap)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
