"""Runs a test script in a private network namespace (unshare -n), where loopback is its own and
127.0.0.1[135] is free. Shared by tests/ncacall and tests/wireshark."""
import os
import subprocess
import sys


def enter(flag):
    """Re-runs this script under `unshare -n` (returns its exit status) unless already inside,
    marked by the environment variable `flag`; inside, brings loopback up and returns None.
    Needs root: without it the test fails (it never skips)."""
    if os.environ.get(flag) == "1":
        subprocess.check_call(["ip", "link", "set", "lo", "up"])
        return None
    if os.geteuid() != 0:
        print("FAIL: needs root for a private network namespace (unshare -n); not skipped")
        return 1
    return subprocess.call(["unshare", "-n", sys.executable, *sys.argv], env=dict(os.environ, **{flag: "1"}))
