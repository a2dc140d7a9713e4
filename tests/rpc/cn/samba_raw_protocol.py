#!/usr/bin/env python3
"""Samba's own raw DCE/RPC protocol tests (samba.tests.dcerpc.raw_protocol, python3-samba 4.17,
written against Windows) against our server: cn_echo_server listening on 127.0.0.1[135] in a
network namespace of its own (the tests talk to port 135 and expect "135" as the secondary
address; they bind the mgmt interface, which every cn::Server serves).

usage: samba_raw_protocol.py CN_ECHO_SERVER
Needs root (unshare -n); re-executes itself inside the namespace. Runs the tests listed in TESTS,
each of which also passes against samba-dcerpcd 4.17 standalone; exit status 1 if any fails.
The tests Samba passes but we do not yet are listed in NOT_YET (see NOTES.md, issue 6).
"""
import io
import os
import subprocess
import sys
import tempfile
import unittest

TESTS = """
test_alloc_hint test_alter_no_auth_no_ctx test_assoc_group_diff1 test_assoc_group_fail1
test_assoc_group_fail2 test_assoc_group_ok1 test_auth_none_0_bind test_auth_none_255_bind
test_auth_none_7_bind test_auth_none_call_bind test_auth_none_call_request
test_auth_none_connect_bind test_auth_none_connect_request test_auth_none_integrity_bind
test_auth_none_none_bind test_auth_none_none_request test_auth_none_packet_bind
test_auth_none_packet_request test_auth_none_privacy_bind test_co_cancel_no_request
test_co_cancel_request_after_first test_invalid_auth_noctx test_neg_xmit_0_0 test_neg_xmit_0_3199
test_neg_xmit_0_ffff test_neg_xmit_3199_0 test_neg_xmit_3199_ffff test_neg_xmit_ffff_0
test_neg_xmit_ffff_3199 test_neg_xmit_ffff_ffff
test_no_auth_bind_time_keep_on_orphan_ignore_additional
test_no_auth_bind_time_keep_on_orphan_simple test_no_auth_bind_time_none_ignore_additional
test_no_auth_bind_time_none_simple test_no_auth_bind_time_only_first
test_no_auth_bind_time_sec_ctx_ignore_additional test_no_auth_bind_time_twice
test_no_auth_invalid_valid_request test_no_auth_no_ctx test_no_auth_presentation_ctx_invalid1
test_no_auth_presentation_ctx_invalid2 test_no_auth_presentation_ctx_invalid3
test_no_auth_presentation_ctx_no_ndr64 test_no_auth_presentation_ctx_valid1
test_no_auth_presentation_ctx_valid2 test_no_auth_request test_no_auth_request_alter_pfc_00
test_no_auth_request_alter_pfc_08 test_no_auth_request_alter_pfc_CONC_MPX
test_no_auth_request_alter_pfc_DID_NOT_EXECUTE test_no_auth_request_alter_pfc_FIRST
test_no_auth_request_alter_pfc_HDR_SIGNING test_no_auth_request_alter_pfc_LAST
test_no_auth_request_alter_pfc_MAYBE test_no_auth_request_alter_pfc_OBJECT_UUID
test_no_auth_request_alter_pfc_ff test_no_auth_request_bind_pfc_00 test_no_auth_request_bind_pfc_08
test_no_auth_request_bind_pfc_CONC_MPX test_no_auth_request_bind_pfc_DID_NOT_EXECUTE
test_no_auth_request_bind_pfc_FIRST test_no_auth_request_bind_pfc_HDR_SIGNING
test_no_auth_request_bind_pfc_LAST test_no_auth_request_bind_pfc_MAYBE
test_no_auth_request_bind_pfc_OBJECT_UUID test_no_auth_valid_valid_request test_orphaned_no_request
test_orphaned_request_after_first_last test_orphaned_request_after_first_mpx_last
test_orphaned_request_after_first_mpx_no_last test_orphaned_request_after_first_no_last
""".split()

NOT_YET = """
""".split()


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
    failed = []
    try:
        for name in TESTS:
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
    print("%d of %d passed; %s" % (len(TESTS) - len(failed), len(TESTS), failed or "all good"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
