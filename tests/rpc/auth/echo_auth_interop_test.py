#!/usr/bin/env python3
"""Authenticated rpcecho against ncaecho-server: real NTLMSSP clients at every level.

usage: echo_auth_interop_test.py SERVER CLIENT CHECK
CHECK is one of:
  smbtorture   smbtorture rpc.echo (Samba's client, -U NCA\\alice%PASSWORD -k no) with [ntlm] at
               connect, sign and seal, and SPNEGO (over NTLMSSP) at [connect,spnego], [sign] and
               [seal]: every sub-test (echo.sleep's second connection joins the
               association group authenticated too); a wrong password is refused and the server
               keeps serving
  impacket     Impacket's DCE/RPC client with NTLMSSP at connect, integrity and privacy: AddOne
               and a 64 KiB EchoData (fragmented both ways) per level
  client       ncaecho-client (our client) --user NCA\\alice%PASSWORD with [connect,ntlm],
               [sign,ntlm], [seal,ntlm], [sign,spnego] and [seal]; a wrong password and an
               unknown user fail its calls
The server takes its accounts from NTLM_USER_FILE (gss-ntlmssp), written by this script.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

from auth_checks import DOMAIN, PASSWORD, USER, check, failures, smbtorture_echo

PY = "/usr/bin/python3"
ECHO_UUID = "60a15ec5-4de8-11d7-a637-005056a20182"


class EchoServer:
    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="ncaecho_auth_")
        users = os.path.join(self.dir, "ntlm_users")
        with open(users, "w") as f:
            f.write("%s:%s:%s\n" % (DOMAIN, USER, PASSWORD))
        env = dict(os.environ, NTLM_USER_FILE=users)
        self.proc = subprocess.Popen([binary, "--ncalrpc-dir", self.dir, "--listen",
                                      "ncacn_ip_tcp:127.0.0.1[0]"],
                                     stdout=subprocess.PIPE, text=True, env=env)
        self.binding = self.proc.stdout.readline().strip()
        m = re.match(r"ncacn_ip_tcp:127\.0\.0\.1\[(\d+)\]$", self.binding)
        if not m:
            self.proc.kill()
            raise RuntimeError("ncaecho-server printed %r" % self.binding)
        self.port = int(m.group(1))

    def with_options(self, options):
        return "ncacn_ip_tcp:127.0.0.1[%d,%s]" % (self.port, options)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "killed"
        shutil.rmtree(self.dir, ignore_errors=True)
        check(rc == 0, "server stops cleanly on SIGTERM (rc %s)" % rc)


def smbtorture(binding, password=PASSWORD, expect_ok=True):
    smbtorture_echo(binding, "%s\\%s%%%s" % (DOMAIN, USER, password), False, expect_ok=expect_ok)


def run_smbtorture(server):
    # [sign] and [seal] without an auth type ask for SPNEGO (over NTLMSSP with -k no).
    for options in ("connect,ntlm", "sign,ntlm", "seal,ntlm", "connect,spnego", "sign", "seal"):
        smbtorture(server.with_options(options))
    smbtorture(server.with_options("seal,ntlm"), password="wrong", expect_ok=False)
    smbtorture(server.with_options("seal,spnego"), password="wrong", expect_ok=False)
    smbtorture(server.with_options("sign,ntlm"))  # still serving


IMPACKET = r'''
import struct, sys
from impacket.dcerpc.v5 import transport, rpcrt
port, level, user, domain, password, uuid = sys.argv[1:7]
t = transport.DCERPCTransportFactory("ncacn_ip_tcp:127.0.0.1[%s]" % port)
t.set_credentials(user, password, domain)
dce = t.get_dce_rpc()
dce.set_auth_type(rpcrt.RPC_C_AUTHN_WINNT)
dce.set_auth_level(int(level))
dce.set_max_fragment_size(1024)  # fragmented requests
dce.connect()
dce.bind(rpcrt.uuidtup_to_bin((uuid, "1.0")))
dce.call(0, struct.pack("<I", 41))           # AddOne
r = dce.recv()
assert struct.unpack("<I", r[:4])[0] == 42, r
data = bytes(i & 0xff for i in range(65536))
dce.call(1, struct.pack("<II", len(data), len(data)) + data)  # EchoData
r = dce.recv()
assert struct.unpack("<I", r[:4])[0] == len(data) and r[4:4 + len(data)] == data, len(r)
print("impacket level %s ok" % level)
'''


def run_impacket(server):
    for level, name in ((2, "connect"), (5, "integrity"), (6, "privacy")):
        p = subprocess.run([PY, "-c", IMPACKET, str(server.port), str(level), USER, DOMAIN,
                            PASSWORD, ECHO_UUID], capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            print(p.stdout[-2000:], p.stderr[-4000:], flush=True)
        check(p.returncode == 0, "impacket NTLMSSP at %s: AddOne and 64 KiB EchoData" % name)
    p = subprocess.run([PY, "-c", IMPACKET, str(server.port), "6", USER, DOMAIN, "wrong",
                        ECHO_UUID], capture_output=True, text=True, timeout=60)
    check(p.returncode != 0, "impacket with a wrong password fails")


def run_client(server, client_bin):
    for options in ("connect,ntlm", "sign,ntlm", "seal,ntlm", "sign,spnego", "seal"):
        b = server.with_options(options)
        p = subprocess.run([client_bin, "--user", "%s\\%s%%%s" % (DOMAIN, USER, PASSWORD), b],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            print(p.stdout[-3000:], p.stderr[-2000:], flush=True)
        check(p.returncode == 0 and "all answers right" in p.stdout, "ncaecho-client %s" % b)
    for who in ("%s\\%s%%wrong" % (DOMAIN, USER), "%s\\mallory%%%s" % (DOMAIN, PASSWORD)):
        b = server.with_options("seal,ntlm")
        p = subprocess.run([client_bin, "--user", who, b], capture_output=True, text=True, timeout=120)
        check(p.returncode != 0 and "all answers right" not in p.stdout,
              "ncaecho-client %s as %s fails (rc %d)" % (b, who, p.returncode))


def main():
    server_bin, client_bin, what = sys.argv[1:4]
    server = EchoServer(server_bin)
    try:
        if what == "smbtorture":
            run_smbtorture(server)
        elif what == "impacket":
            run_impacket(server)
        elif what == "client":
            run_client(server, client_bin)
        else:
            raise SystemExit("unknown check " + what)
    finally:
        server.stop()
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
