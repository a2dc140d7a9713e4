"""ncarpc.connect(credentials=ncarpc.Credentials(...)) against our C++ ncaecho-server, which
takes its NTLM accounts from NTLM_USER_FILE (gss-ntlmssp): signed and sealed calls with the right
password; a wrong password or an unknown user is ncarpc.AccessDenied; asking for security
without a provider that gives it is refused before anything is sent."""
import os
import re
import shutil
import signal
import subprocess
import tempfile

import pytest

import ncarpc
from ncarpc import rpcecho

USER, DOMAIN, PASSWORD = "alice", "NCATEST", "Secret.123"


@pytest.fixture(scope="module")
def auth_server():
    binary = os.environ.get("NCAECHO_SERVER")
    assert binary, "set NCAECHO_SERVER to the ncaecho-server binary"
    d = tempfile.mkdtemp(prefix="ncarpc_py_auth_")
    users = os.path.join(d, "ntlm_users")
    with open(users, "w") as f:
        f.write("%s:%s:%s\n" % (DOMAIN, USER, PASSWORD))
    proc = subprocess.Popen([binary, "--ncalrpc-dir", d, "--listen", "ncacn_ip_tcp:127.0.0.1[0]"],
                            stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, NTLM_USER_FILE=users))
    binding = proc.stdout.readline().strip()
    m = re.match(r"ncacn_ip_tcp:127\.0\.0\.1\[(\d+)\]$", binding)
    assert m, binding
    yield int(m.group(1))
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=15)
    shutil.rmtree(d, ignore_errors=True)


@pytest.mark.parametrize("options", ["sign,ntlm", "seal,ntlm", "seal,spnego"])
def test_authenticated_calls(auth_server, options):
    creds = ncarpc.Credentials(USER, PASSWORD, domain=DOMAIN)
    conn = ncarpc.connect("ncacn_ip_tcp:127.0.0.1[%d,%s]" % (auth_server, options),
                          credentials=creds, timeout=30)
    echo = rpcecho.rpcecho(conn)
    assert echo.echo_AddOne(41) == 42
    data = bytes(range(256)) * 4
    assert echo.echo_EchoData(len(data), data) == data
    conn.close()


@pytest.mark.parametrize("user,password", [(USER, "wrong"), ("mallory", PASSWORD)])
def test_refused_logon_is_access_denied(auth_server, user, password):
    conn = ncarpc.connect("ncacn_ip_tcp:127.0.0.1[%d,seal,ntlm]" % auth_server,
                          credentials=ncarpc.Credentials(user, password, domain=DOMAIN), timeout=30)
    with pytest.raises(ncarpc.AccessDenied) as e:
        rpcecho.rpcecho(conn).echo_AddOne(1)
    assert isinstance(e.value, ncarpc.Fault) and e.value.code == 5
    conn.close()
    # the server still serves the right password
    ok = ncarpc.connect("ncacn_ip_tcp:127.0.0.1[%d,seal,ntlm]" % auth_server,
                        credentials=ncarpc.Credentials(USER, PASSWORD, domain=DOMAIN), timeout=30)
    assert rpcecho.rpcecho(ok).echo_AddOne(1) == 2


def test_credentials_type_and_repr():
    c = ncarpc.Credentials("u", "pw", domain="D")
    assert "pw" not in repr(c)
    with pytest.raises(TypeError):
        ncarpc.connect("ncacn_ip_tcp:127.0.0.1[1]", credentials={"user": "u"})
