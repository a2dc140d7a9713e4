"""What the authenticated interop tests share: the account, the rpc.echo sub-tests smbtorture must
pass, the check() bookkeeping and one smbtorture run with its subunit verdicts."""
import re
import subprocess

DOMAIN, USER, PASSWORD = "NCA", "alice", "Wonderland-42"
SUBTESTS = ["echo.addone", "echo.sinkdata", "echo.echodata", "echo.sourcedata", "echo.testcall",
            "echo.testcall2", "echo.enum", "echo.surrounding", "echo.doublepointer", "echo.sleep"]
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        failures.append(what)


def smbtorture_echo(binding, user, kerberos, env=None, expect_ok=True):
    """smbtorture BINDING -U USER -k yes|no rpc.echo: every sub-test must succeed, or with
    expect_ok False the run must fail with none succeeding."""
    cmd = ["smbtorture", binding, "-U", user, "-k", "yes" if kerberos else "no", "rpc.echo"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    status = dict((name, verdict) for verdict, name in
                  re.findall(r"^(success|failure|skip|error|xfail|uxsuccess): (\S+)", p.stdout, re.M))
    if not expect_ok:
        ok = p.returncode != 0 and all(status.get(t) != "success" for t in SUBTESTS)
        check(ok, "smbtorture %s as %s fails (rc %d)" % (binding, user, p.returncode))
        return
    bad = re.findall(r"^(?:failure|error): .*$", p.stdout, re.M)
    if bad or p.returncode != 0:
        print(p.stdout[-4000:], p.stderr[-2000:], flush=True)
    check(not bad and p.returncode == 0, "smbtorture %s: rc %d %s" % (binding, p.returncode, bad))
    for t in SUBTESTS:
        check(status.get(t) == "success", "smbtorture %s %s: %s" % (binding, t, status.get(t)))
