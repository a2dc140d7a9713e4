#!/usr/bin/env python3
"""Real peers against ncaecho-server: the rpcecho server on the GENERATED stubs (tools/ncaecho)
served by the connection-oriented engine (nca::rpc::cn::Server).

usage: echo_interop_test.py SERVER CLIENT CHECK
CHECK is one of:
  smbtorture-tcp      smbtorture rpc.echo, every sub-test (echo.sleep included) over ncacn_ip_tcp
  smbtorture-ipv6     the same over ncacn_ip_tcp on ::1
  smbtorture-ncalrpc  the same over ncalrpc
  smbtorture-options  rpc.echo, every sub-test, with [PORT,bigendian], [PORT,validate] and an
                      object UUID
  smbtorture-ncalrpc-options  the same three over ncalrpc: [NAME,bigendian], [NAME,validate]
                      and UUID@ncalrpc:[NAME]; the three runs go in parallel (each full run
                      sleeps ~3 s in echo.sleep)
  smbtorture-threads  ncaecho-server --threads 2 (one TCP port, two loops): rpc.echo quick and
                      full, four echo.sleep runs at once; both threads must have served
  samba               Samba's Python bindings calling every operation they can (not TestEnum,
                      not TestDoublePointer: see PEERS.md), over ncacn_ip_tcp and ncalrpc
  client              ncaecho-client (our generated client on the cn engine) over ncacn_ip_tcp
                      and ncalrpc
A run fails on any subunit `failure:` or `error:` line, a sub-test not reported as success (skip
is accepted only for echo.sleep in quick mode), a non-zero exit status, or a server that does
not stop cleanly on SIGTERM.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

PY = "/usr/bin/python3"
SUBTESTS = ["echo.addone", "echo.sinkdata", "echo.echodata", "echo.sourcedata", "echo.testcall",
            "echo.testcall2", "echo.enum", "echo.surrounding", "echo.doublepointer", "echo.sleep"]
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


class EchoServer:
    """ncaecho-server --listen BINDING...: prints one reachable binding per line, stops on SIGTERM."""

    def __init__(self, binary, bindings, options=(), capture_stderr=False):
        self.dir = tempfile.mkdtemp(prefix="ncaecho_interop_")
        self.stderr = ""
        self.proc = subprocess.Popen([binary, "--ncalrpc-dir", self.dir, *options, "--listen", *bindings],
                                     stdout=subprocess.PIPE, text=True,
                                     stderr=subprocess.PIPE if capture_stderr else None)
        self.bindings = [self.proc.stdout.readline().strip() for _ in bindings]
        if not all(self.bindings):
            self.proc.kill()
            raise RuntimeError("ncaecho-server did not print its bindings: %r" % self.bindings)
        print("server listening on", self.bindings, flush=True)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=15)
            self.stderr = err or ""
            rc = self.proc.returncode
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = "killed"
        shutil.rmtree(self.dir, ignore_errors=True)
        check(rc == 0, "server stops cleanly on SIGTERM (rc %s)" % rc)


def smbtorture(server, binding, quick):
    cmd = ["smbtorture", binding, "-U%", "-k", "no", "--option=ncalrpc dir=" + server.dir]
    if quick:
        cmd.append("--option=torture:quick=yes")
    cmd.append("rpc.echo")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    status = {}
    for verdict, name in re.findall(r"^(success|failure|skip|error|xfail|uxsuccess): (\S+)", p.stdout, re.M):
        status[name] = verdict
    bad = re.findall(r"^(?:failure|error): .*$", p.stdout, re.M)
    check(not bad, "smbtorture %s: no failure/error lines %s" % (binding, bad))
    if bad or p.returncode != 0:
        print(p.stdout[-4000:], p.stderr[-2000:], flush=True)
    check(p.returncode == 0, "smbtorture %s exits 0 (rc %d)" % (binding, p.returncode))
    for t in SUBTESTS:
        want = "skip" if quick and t == "echo.sleep" else "success"
        check(status.get(t) == want, "smbtorture %s %s: %s" % (binding, t, status.get(t)))


def sleep_only(binding):
    """smbtorture rpc.echo.echo.sleep alone: TestSleep on two connections of one association group."""
    cmd = ["smbtorture", binding, "-U%", "-k", "no", "rpc.echo.echo.sleep"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    verdicts = re.findall(r"^(success|failure|skip|error|xfail|uxsuccess): (\S+)", p.stdout, re.M)
    ok = p.returncode == 0 and verdicts == [("success", "echo.sleep")]
    if not ok:
        print(p.stdout[-4000:], p.stderr[-2000:], flush=True)
    check(ok, "smbtorture %s echo.sleep alone: %r (rc %d)" % (binding, verdicts, p.returncode))


def threads(server_bin):
    """ncaecho-server --threads 2: rpc.echo quick and full, then four echo.sleep runs at once (each
    joins an association group from a second connection, which the kernel's SO_REUSEPORT hash
    sends to either thread). 11 connections in all: the server's per-thread counts must show both
    threads served (the chance that the hash picks one thread for all 11 is 2^-10)."""
    from concurrent.futures import ThreadPoolExecutor
    s = EchoServer(server_bin, ["ncacn_ip_tcp:127.0.0.1[0]"], options=["--threads", "2"], capture_stderr=True)
    try:
        b = s.bindings[0]
        smbtorture(s, b, quick=True)
        smbtorture(s, b, quick=False)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(sleep_only, [b] * 4))
    finally:
        s.stop()
    print(s.stderr, end="", flush=True)
    m = re.search(r"connections per thread: (\d+) (\d+)$", s.stderr, re.M)
    check(m is not None, "server reports connections per thread")
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        check(a + b == 11, "11 connections served (%d + %d)" % (a, b))
        check(a > 0 and b > 0, "both threads served connections (%d, %d)" % (a, b))


def run_smbtorture(server_bin, listen, make_bindings, quick, parallel=False):
    s = EchoServer(server_bin, [listen])
    try:
        bindings = make_bindings(s.bindings[0])
        if parallel:
            # One server, several smbtorture clients at once: each checks its own run.
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(len(bindings)) as pool:
                list(pool.map(lambda b: smbtorture(s, b, quick), bindings))
        else:
            for b in bindings:
                smbtorture(s, b, quick)
    finally:
        s.stop()


def with_option(binding, option):
    # "ncacn_ip_tcp:127.0.0.1[PORT]" -> "ncacn_ip_tcp:127.0.0.1[PORT,option]"
    assert binding.endswith("]")
    return binding[:-1] + "," + option + "]"


SAMBA_CLIENT = r'''
import sys
from samba.param import LoadParm
from samba.credentials import Credentials
from samba.dcerpc import echo
lp = LoadParm()
lp.set("ncalrpc dir", sys.argv[2])
creds = Credentials(); creds.set_anonymous()
c = echo.rpcecho(sys.argv[1], lp, creds)
assert c.AddOne(41) == 42, "AddOne"
assert c.AddOne(0xffffffff) == 0, "AddOne wraps"
data = [i * 7 & 0xff for i in range(70000)]
assert list(c.EchoData(data)) == data, "EchoData 70000"
assert list(c.EchoData([])) == [], "EchoData empty"
c.SinkData([1] * 300000)
d = c.SourceData(300001)
assert len(d) == 300001 and all(d[i] == i & 0xff for i in range(len(d))), "SourceData"
assert c.TestCall("hello") == "hello", "TestCall"
want = {1: ("info1", ["v"], [10]), 2: ("info2", ["v"], [20]), 3: ("info3", ["v"], [30]),
        4: ("info4", ["v"], [40]), 5: ("info5", ["v1", "v2"], [50, 60])}
for level, (arm, fields, values) in want.items():
    info = c.TestCall2(level)
    got = [getattr(info, f) for f in fields]
    assert got == values, "TestCall2(%d): %r" % (level, got)
i6 = c.TestCall2(6)
assert (i6.v1, i6.info1.v) == (70, 80), "TestCall2(6)"
i7 = c.TestCall2(7)
assert (i7.v1, i7.info4.v) == (80, 90), "TestCall2(7)"
s = echo.Surrounding(); s.x = 4; s.surrounding = [1, 2, 3, 4]
r = c.TestSurrounding(s)
# Samba's server doubles x and returns x zeros.
assert r.x == 8 and list(r.surrounding) == [0] * 8, "TestSurrounding %r" % ((r.x, list(r.surrounding)),)
assert c.TestSleep(1) == 1, "TestSleep"
print("samba client ok")
'''


def samba_client(server_bin):
    s = EchoServer(server_bin, ["ncacn_ip_tcp:127.0.0.1[0]", "ncalrpc:[echo]"])
    try:
        for b in s.bindings:
            p = subprocess.run([PY, "-c", SAMBA_CLIENT, b, s.dir], capture_output=True, text=True, timeout=120)
            if p.returncode != 0:
                print(p.stdout, p.stderr, flush=True)
            check(p.returncode == 0 and "samba client ok" in p.stdout, "Samba Python client over %s" % b)
    finally:
        s.stop()


def our_client(server_bin, client_bin):
    s = EchoServer(server_bin, ["ncacn_ip_tcp:127.0.0.1[0]", "ncalrpc:[echo]"])
    try:
        for b in s.bindings:
            p = subprocess.run([client_bin, "--ncalrpc-dir", s.dir, b], capture_output=True, text=True, timeout=120)
            print(p.stdout, p.stderr, flush=True)
            check(p.returncode == 0 and "all answers right" in p.stdout, "ncaecho-client over %s" % b)
    finally:
        s.stop()


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    server_bin, client_bin, what = sys.argv[1:]
    if what == "smbtorture-tcp":
        run_smbtorture(server_bin, "ncacn_ip_tcp:127.0.0.1[0]", lambda b: [b], quick=False)
    elif what == "smbtorture-ipv6":
        run_smbtorture(server_bin, "ncacn_ip_tcp:[::1][0]", lambda b: [b], quick=False)
    elif what == "smbtorture-ncalrpc":
        run_smbtorture(server_bin, "ncalrpc:[echo]", lambda b: [b], quick=False)
    elif what == "smbtorture-options":
        run_smbtorture(server_bin, "ncacn_ip_tcp:127.0.0.1[0]",
                       lambda b: [with_option(b, "bigendian"), with_option(b, "validate"),
                                  "01234567-89ab-cdef-0123-456789abcdef@" + b], quick=False)
    elif what == "smbtorture-ncalrpc-options":
        run_smbtorture(server_bin, "ncalrpc:[echo]",
                       lambda b: [with_option(b, "bigendian"), with_option(b, "validate"),
                                  "01234567-89ab-cdef-0123-456789abcdef@" + b], quick=False,
                       parallel=True)
    elif what == "smbtorture-threads":
        threads(server_bin)
    elif what == "samba":
        samba_client(server_bin)
    elif what == "client":
        our_client(server_bin, client_bin)
    else:
        print("unknown check", what)
        return 2
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
