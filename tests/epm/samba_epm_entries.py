#!/usr/bin/python3
"""Every entry of a real Samba endpoint mapper, for tests/epm/interop_test.cpp.

Run inside a network namespace of its own (unshare -n): brings up lo, starts Debian's
samba-dcerpcd standalone (endpoint mapper on 127.0.0.1:135), lists its entries with Samba's
python client (epm_Lookup, batches of 3), and prints one line per entry:
  TWR_T_HEX IMPACKET_BINDING ANNOTATION...
then a last line "STATUS <final epm_Lookup status> <empty handle: 0/1>". Stops the server it
started. Exit status 77 when the peer cannot be started (the test then skips).
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
tmp = tempfile.mkdtemp(prefix="nca-epm-samba-")
conf = os.path.join(tmp, "smb.conf")
dirs = {k: os.path.join(tmp, k) for k in ("lock", "state", "cache", "private", "pid", "ncalrpc", "log")}
for d in dirs.values():
    os.makedirs(d)
with open(conf, "w") as f:
    f.write(f"""[global]
server role = standalone server
interfaces = lo
bind interfaces only = yes
rpc start on demand helpers = false
lock directory = {dirs['lock']}
state directory = {dirs['state']}
cache directory = {dirs['cache']}
private dir = {dirs['private']}
pid directory = {dirs['pid']}
ncalrpc dir = {dirs['ncalrpc']}
log file = {dirs['log']}/log.%m
""")
server = subprocess.Popen(["/usr/libexec/samba/samba-dcerpcd", "-s", conf, "--libexec-rpcds", "-F",
                           "--no-process-group"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", 135), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit(77)
    time.sleep(0.5)  # let the rpcd helpers register their endpoints

    from samba.param import LoadParm
    from samba.credentials import Credentials
    from samba.dcerpc import epmapper, misc
    from samba.ndr import ndr_pack
    from impacket.dcerpc.v5 import epm as iepm

    lp = LoadParm()
    lp.load(conf)
    creds = Credentials()
    creds.set_anonymous()
    c = epmapper.epmapper("ncacn_ip_tcp:127.0.0.1[135]", lp, creds)
    handle = misc.policy_handle()
    status = 0
    for _ in range(1000):
        handle, entries, status = c.epm_Lookup(epmapper.RPC_C_EP_ALL_ELTS, None, None,
                                               epmapper.RPC_C_VERS_ALL, handle, 3)
        for e in entries:
            raw = ndr_pack(e.tower)
            t = iepm.EPMTower(raw[8:])
            print(raw.hex(), iepm.PrintStringBinding(t["Floors"]), e.annotation)
        if status != 0 or handle.uuid == misc.GUID():
            break
    print("STATUS", status, int(handle.uuid == misc.GUID()))
finally:
    server.terminate()
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    shutil.rmtree(tmp, ignore_errors=True)
