#!/usr/bin/env python3
"""Samba's own raw DCE/RPC protocol tests (samba.tests.dcerpc.raw_protocol, python3-samba 4.17,
written against Windows) against our server: cn_echo_server listening on 127.0.0.1[135] in a
network namespace of its own (the tests talk to port 135 and expect "135" as the secondary
address; they bind the mgmt interface, which every cn::Server serves).

usage: samba_raw_protocol.py CN_ECHO_SERVER
Needs root (unshare -n); re-executes itself inside the namespace. Runs every test of
TestDCERPC_BIND except those in EXCLUDED (each with the reason it cannot run against an
anonymous endpoint without SMB or netlogon); exit status 1 if any fails. A test added to
raw_protocol.py runs without being listed here.
"""
import io
import os
import subprocess
import sys
import tempfile
import unittest

# Prefixes of the authenticated tests: they need a security provider (NTLMSSP, SPNEGO,
# Kerberos) and a user's credentials; ncarpc has no security provider.
AUTH_PREFIXES = ("test_ntlmssp_", "test_spnego_", "test_ntlm_", "test_krb5_", "test_lsa_multi_auth_")

# The tests below bind netlogon, which they look up through port 135 (ept_map) and then send
# netr_ServerReqChallenge to; cn_echo_server serves no netlogon. samba-dcerpcd 4.17 standalone
# fails them the same way (the lookup finds no netlogon: "0 not greater than or equal to 1"),
# and Samba's own selftest marks _fragmented_requests01-03 and 05 knownfail.
NETLOGON = """
test_fragmented_requests01 test_fragmented_requests02 test_fragmented_requests03
test_fragmented_requests04 test_fragmented_requests05 test_first_only_requests
test_none_only_requests test_last_only_requests test_first_maybe_requests
test_first_didnot_requests test_first_cmpx_requests test_first_08_requests
test_first_cancel_requests test_2nd_cancel_requests test_last_cancel_requests test_mix_requests
""".split()

EXCLUDED = {name: "binds netlogon (not served; samba-dcerpcd standalone fails it too)" for name in NETLOGON}
EXCLUDED.update({
    # An SMB connection to \pipe\lsarpc with a user's credentials (no SMB server here).
    "test_assoc_group_ok2": "SMB named pipe with user credentials",
    "test_assoc_group_fail3": "SMB named pipe with user credentials",
    # NTLMSSP binds with a user's credentials.
    "test_multiple_auth_limit": "authenticated (NTLMSSP)",
})


def selected(names):
    """The anonymous tests: every name but the authenticated families and EXCLUDED."""
    return [n for n in names if not n.startswith(AUTH_PREFIXES) and n not in EXCLUDED]


def main():
    server = sys.argv[1]
    if os.environ.get("CN_IN_NETNS") != "1":
        env = dict(os.environ, CN_IN_NETNS="1")
        return subprocess.call(["unshare", "-n", sys.executable, *sys.argv], env=env)
    subprocess.check_call(["ip", "link", "set", "lo", "up"])
    tmp = tempfile.mkdtemp(prefix="cn_raw_protocol_")
    conf = os.path.join(tmp, "smb.conf")
    with open(conf, "w") as f:
        f.write("[global]\n")
    os.environ.setdefault("SERVER", "127.0.0.1")
    os.environ["SMB_CONF_PATH"] = conf
    srv = subprocess.Popen([server, "--ncalrpc-dir", tmp, "ncacn_ip_tcp:127.0.0.1[135]"],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    for line in srv.stdout:
        if line.strip() == "ready":
            break
    from samba.tests.dcerpc.raw_protocol import TestDCERPC_BIND
    tests = selected(unittest.TestLoader().getTestCaseNames(TestDCERPC_BIND))
    failed = []
    try:
        for name in tests:
            result = unittest.TestResult()
            saved, sys.stderr = sys.stderr, io.StringIO()  # the tests' hexdumps
            try:
                TestDCERPC_BIND(name).run(result)
            finally:
                sys.stderr = saved
            ok = result.wasSuccessful() and srv.poll() is None
            print(("ok: " if ok else "FAIL: ") + name, flush=True)
            if not ok:
                failed.append(name)
                for _, tb in result.failures + result.errors:
                    print(tb, flush=True)
    finally:
        srv.stdin.close()
        rc = srv.wait(timeout=10)
    if rc != 0:
        failed.append("server exit status %d" % rc)
    print("%d of %d passed; %s" % (len(tests) - len(failed), len(tests), failed or "all good"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
