#!/usr/bin/env python3
"""Real peers against our connection-oriented server (cn_echo_server, hand-written rpcecho).

usage: interop_test.py SERVER_BINARY CHECK
CHECK is one of:
  smbtorture   smbtorture rpc.echo sub-tests that need only AddOne/EchoData/SinkData/SourceData/
               TestSleep: over TCP (plain, bigendian, validate, object UUID), IPv6 and ncalrpc
  samba        Samba's Python bindings: echo.rpcecho calls, raw ClientConnection requests,
               faults for unknown opnums and bad stub data, unknown interface refused
  impacket     Impacket's DCE/RPC client: bind, calls, fragmented calls with a small max_frag
  tshark       a capture of Samba, Impacket, our own client (cn_call) and a raw peer (bind_nak,
               co_cancel, orphaned) dissected as DCE/RPC: every PDU type but auth3 and shutdown,
               no malformed packet, no expert warning or error from the DCE/RPC dissector
Exit status 0 when every expectation holds; failures are printed.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

PY = "/usr/bin/python3"
ECHO_UUID = "60a15ec5-4de8-11d7-a637-005056a20182"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    else:
        print("ok:", what, flush=True)


class Server:
    def __init__(self, binary, bindings, extra=()):
        self.dir = tempfile.mkdtemp(prefix="cn_interop_")
        self.proc = subprocess.Popen([binary, "--ncalrpc-dir", self.dir, *extra, *bindings],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.addrs = []
        for line in self.proc.stdout:
            if line.strip() == "ready":
                break
            self.addrs.append(line.split()[1])

    def port(self, family="ipv4"):
        for a in self.addrs:
            if a.startswith(family + ":"):
                return int(a.rsplit(":", 1)[1])
        raise RuntimeError("no %s listener in %s" % (family, self.addrs))

    def stop(self):
        self.proc.stdin.close()
        try:
            rc = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "killed"
        shutil.rmtree(self.dir, ignore_errors=True)
        check(rc == 0, "server exits cleanly (rc %s)" % rc)


SUBTESTS = ["echo.addone", "echo.sinkdata", "echo.echodata", "echo.sourcedata", "echo.sleep"]


def run_smbtorture(binding, server, quick=False):
    cmd = ["smbtorture", binding, "-U%", "-k", "no", "--option=ncalrpc dir=" + server.dir]
    if quick:
        cmd.append("--option=torture:quick=yes")
    cmd.append("rpc.echo")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    status = {}
    for verdict, name in re.findall(r"^(success|failure|skip|error): (\S+)", out, re.M):
        status[name] = verdict
    return status, out


def smbtorture(binary):
    s = Server(binary, ["ncacn_ip_tcp:127.0.0.1", "ncacn_ip_tcp:::1", "ncalrpc:[echo]"])
    try:
        p4, p6 = s.port("ipv4"), s.port("ipv6")
        runs = [("ncacn_ip_tcp:127.0.0.1[%d]" % p4, False),
                ("ncacn_ip_tcp:127.0.0.1[%d,bigendian]" % p4, True),
                ("ncacn_ip_tcp:127.0.0.1[%d,validate]" % p4, True),
                ("01234567-89ab-cdef-0123-456789abcdef@ncacn_ip_tcp:127.0.0.1[%d]" % p4, True),
                ("ncacn_ip_tcp:::1[%d]" % p6, True),
                ("ncalrpc:[echo]", True)]
        for binding, quick in runs:
            status, out = run_smbtorture(binding, s, quick)
            for t in SUBTESTS:
                if quick and t == "echo.sleep":
                    continue  # quick mode skips it; it runs once, in the first (full) run
                check(status.get(t) == "success", "smbtorture %s %s: %s" % (binding, t, status.get(t)))
    finally:
        s.stop()


SAMBA_CLIENT = r'''
import sys
from samba.param import LoadParm
from samba.credentials import Credentials
from samba.dcerpc import echo, ClientConnection, mgmt, winreg
from samba import NTSTATUSError
import struct
lp = LoadParm(); creds = Credentials(); creds.set_anonymous()
b = sys.argv[1]
c = echo.rpcecho(b, lp, creds)
assert c.AddOne(41) == 42, "AddOne"
assert c.AddOne(0xffffffff) == 0, "AddOne wraps"
data = [i * 7 & 0xff for i in range(70000)]
assert list(c.EchoData(data)) == data, "EchoData 70000"
c.SinkData([1] * 300000)
d = c.SourceData(300001)
assert len(d) == 300001 and all(d[i] == i & 0xff for i in range(len(d))), "SourceData"
assert c.TestSleep(1) == 1, "TestSleep"
raw = ClientConnection(b, ("%s" % sys.argv[2], 1), lp, creds)
# Raw stubs go out as given, under the byte order the binding declares; our replies are
# little-endian.
req = ">I" if "bigendian" in b else "<I"
assert raw.request(0, struct.pack(req, 7)) == struct.pack("<I", 8), "raw AddOne"
def fault_of(opnum, stub):
    try:
        raw.request(opnum, stub)
    except NTSTATUSError as e:
        return e.args[0]
    except RuntimeError as e:
        return e.args[0]
    return None
# NT_STATUS_RPC_PROCNUM_OUT_OF_RANGE and RPC_NT_BAD_STUB_DATA (Samba's mapping of the faults)
r = fault_of(77, b"")
assert r == 0xC002002E, "unknown opnum: %r" % (r,)
r = fault_of(0, b"\x01")
assert r == 0xC003000C, "bad stub: %r" % (r,)
assert raw.request(0, struct.pack(req, 1)) == struct.pack("<I", 2), "still usable after faults"
# mgmt, built into every cn::Server, on the same association (alter_context).
m = mgmt.mgmt(b, lp, creds, basis_connection=c)
ids = [str(i.id.uuid) for i in m.inq_if_ids().if_id if i.id]
assert sys.argv[2] in ids and "afa8bd80-7d8a-11c9-bef4-08002b102989" in ids, "mgmt inq_if_ids: %r" % ids
# An interface we do not serve, on the same association (alter_context): refused.
try:
    w = winreg.winreg(b, lp, creds, basis_connection=c)
    w.OpenHKLM(None, 0x02000000)
    print("winreg unexpectedly worked"); sys.exit(1)
except (NTSTATUSError, RuntimeError) as e:
    print("winreg refused:", e.args)
assert c.AddOne(1) == 2, "first interface still bound after the refused alter_context"
print("samba client ok")
'''


def samba(binary):
    s = Server(binary, ["ncacn_ip_tcp:127.0.0.1", "ncalrpc:[echo]"])
    try:
        for b in ["ncacn_ip_tcp:127.0.0.1[%d]" % s.port(), "ncacn_ip_tcp:127.0.0.1[%d,bigendian]" % s.port()]:
            r = subprocess.run([PY, "-c", SAMBA_CLIENT, b, ECHO_UUID], capture_output=True, text=True,
                               timeout=120)
            print(r.stdout + r.stderr)
            check(r.returncode == 0, "samba python client over " + b)
    finally:
        s.stop()


IMPACKET_CLIENT = r'''
import sys, struct
from impacket.dcerpc.v5 import transport, rpcrt
from impacket.uuid import uuidtup_to_bin
port = int(sys.argv[1])
t = transport.DCERPCTransportFactory("ncacn_ip_tcp:127.0.0.1[%d]" % port)
dce = t.get_dce_rpc()
dce.connect()
dce.bind(uuidtup_to_bin(("60a15ec5-4de8-11d7-a637-005056a20182", "1.0")))
dce.call(0, struct.pack("<I", 41))
assert dce.recv() == struct.pack("<I", 42), "AddOne"
payload = bytes(i & 0xff for i in range(100000))
dce.call(1, struct.pack("<II", len(payload), len(payload)) + payload)
out = dce.recv()
assert out == struct.pack("<I", len(payload)) + payload, "EchoData 100000"
# Small fragments from Impacket's side.
dce.set_max_fragment_size(1500) if hasattr(dce, "set_max_fragment_size") else None
dce.call(1, struct.pack("<II", 5000, 5000) + payload[:5000])
assert dce.recv()[4:] == payload[:5000], "EchoData fragmented"
# Unknown opnum: a fault.
dce.call(55, b"")
try:
    dce.recv(); print("no fault for opnum 55"); sys.exit(1)
except rpcrt.DCERPCException as e:
    assert "nca_s_op_rng_error" in str(e), str(e)
dce.disconnect()
# An unknown interface: the bind is answered with a provider rejection.
t = transport.DCERPCTransportFactory("ncacn_ip_tcp:127.0.0.1[%d]" % port)
dce = t.get_dce_rpc(); dce.connect()
try:
    dce.bind(uuidtup_to_bin(("11111111-2222-3333-4444-555555555555", "1.0")))
    print("bind to unknown interface accepted"); sys.exit(1)
except rpcrt.DCERPCException as e:
    assert "abstract_syntax_not_supported" in str(e) or "not supported" in str(e).lower(), str(e)
print("impacket ok")
'''


def impacket(binary):
    s = Server(binary, ["ncacn_ip_tcp:127.0.0.1"])
    try:
        r = subprocess.run([PY, "-c", IMPACKET_CLIENT, str(s.port())], capture_output=True, text=True,
                           timeout=120)
        print(r.stdout + r.stderr)
        check(r.returncode == 0, "impacket client")
    finally:
        s.stop()


RAW_PEER = r'''
import socket, struct, sys, time, uuid
port = int(sys.argv[1])
ECHO = uuid.UUID("60a15ec5-4de8-11d7-a637-005056a20182").bytes_le + struct.pack("<I", 1)
NDR = uuid.UUID("8a885d04-1ceb-11c9-9fe8-08002b104860").bytes_le + struct.pack("<I", 2)
def pdu(ptype, call_id, body, flags=3, auth=b""):
    n = 16 + len(body) + len(auth)
    auth_len = len(auth) - 8 if auth else 0
    return struct.pack("<BBBB4sHHI", 5, 0, ptype, flags, b"\x10\0\0\0", n, auth_len, call_id) + body + auth
def bind(call_id, auth=b""):
    body = struct.pack("<HHIB3x", 5840, 5840, 0, 1) + struct.pack("<HBx", 0, 1) + ECHO + NDR
    return pdu(11, call_id, body, auth=auth)
def request(call_id, opnum, stub):
    return pdu(0, call_id, struct.pack("<IHH", len(stub), 0, opnum) + stub)
def recv(s):
    h = b""
    while len(h) < 16:
        c = s.recv(16 - len(h))
        if not c: return None
        h += c
    n = struct.unpack_from("<H", h, 8)[0]
    b = h
    while len(b) < n:
        b += s.recv(n - len(b))
    return b
def connect():
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(10); return s
# bind_nak: an auth trailer of a type nobody serves (99) at connect level.
s = connect()
s.sendall(bind(1, auth=struct.pack("<BBBBI", 99, 2, 0, 0, 0) + b"none"))
r = recv(s); assert r and r[2] == 13, "bind_nak expected: %r" % r
assert recv(s) is None, "disconnect after bind_nak"
# co_cancel: TestSleep(1), cancelled while it sleeps; the reply still comes.
s = connect(); s.sendall(bind(1)); assert recv(s)[2] == 12
s.sendall(request(2, 6, struct.pack("<I", 1))); time.sleep(0.2)
s.sendall(pdu(18, 2, b""))
r = recv(s); assert r[2] == 2 and struct.unpack_from("<I", r, 12)[0] == 2, "TestSleep reply after co_cancel"
# orphaned: TestSleep(1) orphaned; its reply never comes, the next call's does.
s.sendall(request(3, 6, struct.pack("<I", 1))); time.sleep(0.2)
s.sendall(pdu(19, 3, b""))
s.sendall(request(4, 0, struct.pack("<I", 41)))
r = recv(s); assert r[2] == 2 and struct.unpack_from("<I", r, 12)[0] == 4, "AddOne reply"
time.sleep(1.2)
s.sendall(request(5, 0, struct.pack("<I", 1)))
r = recv(s); assert struct.unpack_from("<I", r, 12)[0] == 5, "no reply for the orphaned call"
s.close()
print("raw peer ok")
'''


def tshark(binary):
    call_tool = os.path.join(os.path.dirname(binary), "cn_call")
    s = Server(binary, ["ncacn_ip_tcp:127.0.0.1"], extra=["--max-frag", "4280"])
    cap_dir = tempfile.mkdtemp(prefix="cn_cap_")
    cap = os.path.join(cap_dir, "cn.pcapng")
    port = s.port()
    dumpcap = subprocess.Popen(["dumpcap", "-i", "lo", "-f", "tcp port %d" % port, "-w", cap],
                               stderr=subprocess.PIPE, text=True)
    try:
        for line in dumpcap.stderr:
            if "Capturing on" in line:
                break
        b = "ncacn_ip_tcp:127.0.0.1[%d]" % port
        subprocess.run([PY, "-c", SAMBA_CLIENT, b, ECHO_UUID], capture_output=True, timeout=120)
        subprocess.run([PY, "-c", SAMBA_CLIENT, b.replace("]", ",bigendian]"), ECHO_UUID],
                       capture_output=True, timeout=120)
        subprocess.run([PY, "-c", IMPACKET_CLIENT, str(port)], capture_output=True, timeout=120)
        # Our own client: fragmented requests and responses at the minimum fragment size, an
        # unknown opnum (fault), several calls on one connection.
        for args in (["--max-frag", "1432", "--echo", "100000"], ["--repeat", "3", "--echo", "10"]):
            r = subprocess.run([call_tool, *args, b, ECHO_UUID, "1.0", "1"], capture_output=True,
                               text=True, timeout=60)
            check(r.returncode == 0, "cn_call %s: %s" % (args, r.stdout.strip()))
        r = subprocess.run([call_tool, b, ECHO_UUID, "1.0", "33"], capture_output=True, text=True,
                           timeout=60)
        check("nca_s_op_rng_error" in r.stdout, "cn_call unknown opnum: " + r.stdout.strip())
        # bind_nak, co_cancel and orphaned (our server never sends shutdown).
        r = subprocess.run([PY, "-c", RAW_PEER, str(port)], capture_output=True, text=True, timeout=60)
        check(r.returncode == 0, "raw peer (bind_nak, co_cancel, orphaned): " + (r.stdout + r.stderr).strip())
        time.sleep(1)
    finally:
        dumpcap.terminate()
        dumpcap.wait(timeout=10)
        s.stop()
    decode = ["-d", "tcp.port==%d,dcerpc" % port]
    pdus = subprocess.run(["tshark", "-r", cap, *decode, "-Y", "dcerpc", "-T", "fields",
                           "-e", "dcerpc.pkt_type"], capture_output=True, text=True).stdout.split()
    types = set(t for line in pdus for t in line.split(","))
    # bind, bind_ack, request, response, fault, alter_context, alter_context_resp
    for t, name in [("11", "bind"), ("12", "bind_ack"), ("0", "request"), ("2", "response"),
                    ("3", "fault"), ("14", "alter_context"), ("15", "alter_context_resp"),
                    ("13", "bind_nak"), ("18", "co_cancel"), ("19", "orphaned")]:
        check(t in types, "capture has %s PDUs" % name)
    malformed = subprocess.run(["tshark", "-r", cap, *decode, "-Y", "_ws.malformed"],
                               capture_output=True, text=True).stdout.strip()
    check(malformed == "", "no malformed packet:\n" + malformed)
    # Expert errors and warnings of any protocol but TCP's own flow analysis (loopback bulk
    # transfers fill windows, which says nothing about our PDUs).
    expert = subprocess.run(["tshark", "-r", cap, *decode, "-q", "-z", "expert"],
                            capture_output=True, text=True).stdout
    section, bad = None, []
    for line in expert.splitlines():
        m = re.match(r"^(Errors|Warns|Notes|Chats|Comments) \(", line)
        if m:
            section = m.group(1)
            continue
        cols = line.split()
        # The dissector flags every bind_nak with the warning "Bind not acknowledged": it names
        # the event the raw peer provokes on purpose, not a fault in the PDU; it must come once.
        if line.strip().endswith("Bind not acknowledged") and cols[:1] == ["1"]:
            continue
        if section in ("Errors", "Warns") and len(cols) >= 4 and cols[0].isdigit() and cols[2] != "TCP":
            bad.append(line.strip())
    check(not bad, "no expert error or warning outside TCP flow analysis: %s" % bad)
    check("Errors (" not in expert or "DCERPC" not in expert.split("Errors (")[1].split("Warns")[0],
          "no DCE/RPC expert error")
    reassembled = subprocess.run(["tshark", "-r", cap, *decode, "-Y", "dcerpc.fragment.count > 1"],
                                 capture_output=True, text=True).stdout.strip()
    check(reassembled != "", "fragmented calls were reassembled by tshark")
    shutil.rmtree(cap_dir, ignore_errors=True)


def main():
    binary, what = sys.argv[1], sys.argv[2]
    {"smbtorture": smbtorture, "samba": samba, "impacket": impacket, "tshark": tshark}[what](binary)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
