#!/usr/bin/env python3
"""Kerberos (auth type 16, DCE style) against ncaecho-server, with a Samba AD DC as the KDC.

usage: krb5_interop_test.py SERVER CLIENT
Needs root: re-executes itself in a network namespace of its own (unshare -n), where it
provisions a Samba AD DC (realm NCA.TEST, `samba-tool domain provision`), adds the user alice
and the service account ncaecho with the SPN host/ncaecho.nca.test, exports that principal's
keytab (`samba-tool domain exportkeytab`) for ncaecho-server (KRB5_KTNAME), and runs the DC's
KDC on 127.0.0.1:88. Then:
  smbtorture rpc.echo -k yes as alice@NCA.TEST with [connect,krb5], [sign,krb5] and [seal,krb5]
  (target_hostname=ncaecho.nca.test: Samba will not use Kerberos towards an IP address);
  ncaecho-client --user alice@NCA.TEST with [sign,krb5] and [seal,krb5];
  a client with a ticket for a principal the keytab lacks (host/dc.nca.test) is refused, and the
  server keeps serving.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from auth_checks import DOMAIN, PASSWORD, USER, check, failures, smbtorture_echo

REALM = "NCA.TEST"
SPN = "host/ncaecho.nca.test"


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    if p.returncode != 0:
        print(" ".join(cmd), "->", p.returncode, p.stdout[-2000:], p.stderr[-2000:], flush=True)
        raise SystemExit("setup step failed: " + cmd[0] + " " + cmd[1])
    return p


def provision(tmp):
    dc = os.path.join(tmp, "dc")
    run(["samba-tool", "domain", "provision", "--targetdir=" + dc, "--realm=" + REALM,
         "--domain=" + DOMAIN, "--server-role=dc", "--dns-backend=NONE",
         "--adminpass=Admin-Pass-42", "--host-name=dc", "--host-ip=127.0.0.1",
         "--option=interfaces=lo", "--option=bind interfaces only=yes"])
    conf = os.path.join(dc, "etc", "smb.conf")
    run(["samba-tool", "user", "create", USER, PASSWORD, "-s", conf])
    run(["samba-tool", "user", "create", "ncaecho", "Service-Pass-42", "-s", conf])
    run(["samba-tool", "spn", "add", SPN, "ncaecho", "-s", conf])
    keytab = os.path.join(tmp, "ncaecho.keytab")
    run(["samba-tool", "domain", "exportkeytab", keytab, "--principal=" + SPN, "-s", conf])
    krb5_conf = os.path.join(tmp, "krb5.conf")
    with open(krb5_conf, "w") as f:
        f.write("[libdefaults]\n default_realm = %s\n dns_lookup_kdc = false\n"
                " dns_lookup_realm = false\n rdns = false\n dns_canonicalize_hostname = false\n"
                "[realms]\n %s = {\n  kdc = 127.0.0.1\n }\n"
                "[domain_realm]\n .nca.test = %s\n nca.test = %s\n" % (REALM, REALM, REALM, REALM))
    return conf, keytab, krb5_conf


def wait_port(port, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.3)
    return False


def smbtorture(binding, env):
    # The realm goes with the user: "NCA\\alice" would make Samba look for a KDC of realm NCA.
    smbtorture_echo(binding, "%s@%s%%%s" % (USER, REALM, PASSWORD), True, env=env)


def main():
    server_bin, client_bin = sys.argv[1:3]
    if os.environ.get("NCA_KRB5_NETNS") != "1":
        env = dict(os.environ, NCA_KRB5_NETNS="1")
        return subprocess.call(["unshare", "-n", sys.executable, *sys.argv], env=env)
    subprocess.check_call(["ip", "link", "set", "lo", "up"])
    tmp = tempfile.mkdtemp(prefix="nca_krb5_")
    procs = []
    try:
        conf, keytab, krb5_conf = provision(tmp)
        env = dict(os.environ, KRB5_CONFIG=krb5_conf, KRB5CCNAME="MEMORY:")
        # samba -i runs until its stdin ends: a pipe held open while the test runs.
        kdc_log = open(os.path.join(tmp, "samba.log"), "w")
        kdc = subprocess.Popen(["samba", "-i", "-s", conf, "--option=server services=kdc",
                                "--option=pid directory=" + tmp],
                               stdin=subprocess.PIPE, stdout=kdc_log, stderr=subprocess.STDOUT, env=env)
        procs.append(kdc)
        if not wait_port(88):
            print(open(os.path.join(tmp, "samba.log")).read()[-3000:], flush=True)
            check(False, "the Samba AD DC's KDC listens on 127.0.0.1:88")
            return 1
        server = subprocess.Popen([server_bin, "--ncalrpc-dir", tmp, "--listen", "ncacn_ip_tcp:127.0.0.1[0]"],
                                  stdout=subprocess.PIPE, text=True,
                                  env=dict(env, KRB5_KTNAME="FILE:" + keytab))
        procs.append(server)
        binding = server.stdout.readline().strip()
        port = int(re.search(r"\[(\d+)\]", binding).group(1))
        b = lambda opts: "ncacn_ip_tcp:127.0.0.1[%d,%s,target_hostname=ncaecho.nca.test]" % (port, opts)
        for opts in ("connect,krb5", "sign,krb5", "seal,krb5"):
            smbtorture(b(opts), env)
        for opts in ("sign,krb5", "seal,krb5"):
            p = subprocess.run([client_bin, "--user", "%s@%s%%%s" % (USER, REALM, PASSWORD), b(opts)],
                               capture_output=True, text=True, timeout=120, env=env)
            if p.returncode != 0:
                print(p.stdout[-3000:], p.stderr[-2000:], flush=True)
            check(p.returncode == 0 and "all answers right" in p.stdout, "ncaecho-client %s" % b(opts))
        # A principal the server has no key for (the DC's own host principal): the KDC issues the
        # ticket, our server cannot decrypt it and refuses the bind.
        p = subprocess.run([client_bin, "--user", "%s@%s%%%s" % (USER, REALM, PASSWORD),
                            "ncacn_ip_tcp:127.0.0.1[%d,seal,krb5,target_principal=host/dc.nca.test]" % port],
                           capture_output=True, text=True, timeout=120, env=env)
        check(p.returncode != 0, "a ticket for another principal is refused")
        smbtorture(b("seal,krb5"), env)  # still serving
        server.send_signal(signal.SIGTERM)
        check(server.wait(timeout=15) == 0, "server stops cleanly")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
