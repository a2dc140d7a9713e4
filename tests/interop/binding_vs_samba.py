#!/usr/bin/python3
"""Our binding-string parser against Samba's (dcerpc_parse_binding).

Samba's parser is reachable from Python only through ClientConnection, which
parses the binding and then connects.  A parse failure raises
NT_STATUS_INVALID_PARAMETER_MIX before any connection attempt; a string that
parses fails later with a transport error (nothing listens on port 1 of
127.0.0.1 or on the ncalrpc sockets below).  So each string gets a verdict
from Samba (parsed or not) and one from our parser (binding_parse_tool),
and they must agree, except where we are stricter on purpose (listed).
Then every string both accept is composed by us and fed back to Samba,
which must accept our composition too.

The listen form (Binding::parse_listen, what ncaecho-server and ncaepmd take)
adds port 0 and bracketed IPv6 hosts, which Samba's client parser and our
parse() reject: LISTEN_ONLY checks that all three verdicts are as stated, and
that parse_listen gives every other string the same verdict as parse().

Usage: binding_vs_samba.py PATH_TO_binding_parse_tool
"""
import os
import subprocess
import sys
import tempfile

try:
    from samba.credentials import Credentials
    from samba.dcerpc import ClientConnection
    from samba.param import LoadParm
except ImportError as err:
    print(f"FAIL: Samba's python bindings are not importable: {err}")
    sys.exit(1)

NT_STATUS_INVALID_PARAMETER_MIX = 0xC0000030
ECHO = ("60a15ec5-4de8-11d7-a637-005056a20182", 1)

BOTH_ACCEPT = [
    "ncacn_ip_tcp:127.0.0.1[1]",
    "ncacn_ip_tcp:127.0.0.1[1,sign]",
    "ncacn_ip_tcp:127.0.0.1[1,seal,bigendian,ndr64,validate,padcheck,print]",
    "ncacn_ip_tcp:127.0.0.1[,connect]",
    "ncacn_ip_tcp:127.0.0.1[endpoint=1]",
    "ncacn_ip_tcp:127.0.0.1[1,target_hostname=localhost]",
    "ncacn_ip_tcp:127.0.0.1[1,assoc_group_id=0x12345678]",
    "ncacn_ip_tcp:127.0.0.1[1,assoc_group_id=0x1]",
    "ncacn_ip_tcp:127.0.0.1[1,seal=seal]",
    "ncacn_ip_tcp:127.0.0.1[1,SIGN]",
    "6b29fc40-ca47-1067-b31d-00dd010662da@ncacn_ip_tcp:127.0.0.1[1]",
    "ncacn_ip_tcp:::1[1]",
    "ncalrpc:[NCA_NO_SUCH_ENDPOINT]",
]
BOTH_REJECT = [
    "ncacn_foo:127.0.0.1[1]",
    "ncacn_ip_tcp:127.0.0.1[1",
    "ncacn_ip_tcp:127.0.0.1[1]x",
    "ncacn_ip_tcp:127.0.0.1[1,sigh]",
    "ncacn_ip_tcp:127.0.0.1[1,,sign]",
    "ncacn_ip_tcp:127.0.0.1[1,assoc_group_id=0xzz]",
    "ncacn_ip_tcp:127.0.0.1[sign,1]",
    "ncacn_ip_tcp:127.0.0.1[abc]",
    "ncacn_ip_tcp:127.0.0.1[1,assoc_group_id=4660]",
    "ncacn_ip_tcp:127.0.0.1[1,assoc_group_id=0x123456789]",
    "ncacn_ip_tcp:127.0.0.1[1,target_hostname=]",
    "ncacn_ip_tcp:127.0.0.1[1,sign=yes]",
    "0123@ncacn_ip_tcp:127.0.0.1[1]",
]
# We reject these on purpose; Samba parses them and fails later.
WE_ARE_STRICTER = [
    "ncacn_ip_tcp:127.0.0.1[99999]",    # not a port number (Samba connects to 99999 & 0xffff)
]

# Listen addresses only: Samba's client parser and our parse() reject them, parse_listen accepts.
LISTEN_ONLY = [
    "ncacn_ip_tcp:127.0.0.1[0]",
    "ncacn_ip_tcp:0.0.0.0[0]",
    "ncacn_ip_tcp:[::1][0]",
    "ncacn_ip_tcp:[::1][135]",
]


def samba_parses(binding, lp, creds):
    try:
        ClientConnection(binding, ECHO, lp, creds)
    except Exception as err:  # samba raises NTSTATUSError / RuntimeError with (code, text)
        code = err.args[0] if err.args else None
        return code != NT_STATUS_INVALID_PARAMETER_MIX
    return True  # connected: something listens there; the string parsed all the same


def ours(tool, bindings, *flags):
    out = subprocess.run([tool, *flags], input="\n".join(bindings) + "\n", capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert len(out) == len(bindings), out
    return out


def main(argv):
    tool = argv[1]
    lp = LoadParm()
    with tempfile.TemporaryDirectory() as tmp:
        lp.set("ncalrpc dir", tmp)   # no sockets there: ncalrpc attempts fail fast
        lp.set("private dir", tmp)
        creds = Credentials()
        creds.set_anonymous()
        failures = passed = 0

        def check(ok, what):
            nonlocal failures, passed
            if ok:
                passed += 1
            else:
                failures += 1
                print("MISMATCH:", what)

        all_strings = BOTH_ACCEPT + BOTH_REJECT + WE_ARE_STRICTER
        verdicts = dict(zip(all_strings, ours(tool, all_strings)))
        for s in BOTH_ACCEPT:
            check(samba_parses(s, lp, creds), f"Samba rejects {s!r} (list says both accept)")
            check(verdicts[s].startswith("OK "), f"we reject {s!r}: {verdicts[s]}")
        for s in BOTH_REJECT:
            check(not samba_parses(s, lp, creds), f"Samba accepts {s!r} (list says both reject)")
            check(verdicts[s].startswith("ERR "), f"we accept {s!r}: {verdicts[s]}")
        for s in WE_ARE_STRICTER:
            check(samba_parses(s, lp, creds), f"Samba now rejects {s!r}: move it to BOTH_REJECT")
            check(verdicts[s].startswith("ERR "), f"we accept {s!r}: {verdicts[s]}")
        # The listen form: a superset of parse() by exactly LISTEN_ONLY.
        listen = dict(zip(all_strings + LISTEN_ONLY, ours(tool, all_strings + LISTEN_ONLY, "--listen")))
        def verdict(line):  # OK and the composition, or ERR and the column (messages name the range)
            return line if line.startswith("OK ") else " ".join(line.split()[:2])
        for s in all_strings:
            check(verdict(listen[s]) == verdict(verdicts[s]),
                  f"parse_listen and parse differ on {s!r}: {listen[s]} / {verdicts[s]}")
        plain = dict(zip(LISTEN_ONLY, ours(tool, LISTEN_ONLY)))
        for s in LISTEN_ONLY:
            check(not samba_parses(s, lp, creds), f"Samba's client parser accepts listen form {s!r}")
            check(plain[s].startswith("ERR "), f"parse() accepts listen form {s!r}: {plain[s]}")
            check(listen[s].startswith("OK "), f"parse_listen rejects {s!r}: {listen[s]}")
        # Our compositions must be readable by Samba.
        for s in BOTH_ACCEPT:
            composed = verdicts[s][3:]
            check(samba_parses(composed, lp, creds), f"Samba rejects our composition {composed!r} of {s!r}")
    print(f"{passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
