"""rpcecho implemented in Python (echo_server.py) served by ncarpc.Server: called by our Python
client (TCP, the in-process local and loopback handles), by our C++ ncaecho-client and by
smbtorture's rpc.echo (every sub-test, echo.sleep's concurrent async sleeps included)."""
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile

import pytest

import ncarpc
from ncarpc import rpcecho

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import echo_server  # noqa: E402

SUBTESTS = ["echo.addone", "echo.sinkdata", "echo.echodata", "echo.sourcedata", "echo.testcall",
            "echo.testcall2", "echo.enum", "echo.surrounding", "echo.doublepointer", "echo.sleep"]


@pytest.fixture(scope="module")
def py_server_process():
    d = tempfile.mkdtemp(prefix="ncarpc_pyserver_")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "echo_server.py"),
                             "ncacn_ip_tcp:127.0.0.1[0]"], stdout=subprocess.PIPE, text=True,
                            env=os.environ)
    binding = proc.stdout.readline().strip()
    assert binding.startswith("ncacn_ip_tcp:"), binding
    yield binding
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0


@pytest.fixture(params=["tcp", "local", "loopback"])
def client_of_python_server(request):
    server = ncarpc.Server()
    server.register(rpcecho.rpcecho_service(echo_server.Echo()))
    if request.param == "tcp":
        conn = ncarpc.connect(server.listen("ncacn_ip_tcp:127.0.0.1[0]"), timeout=20)
    else:
        conn = server.local_handle(marshal=request.param == "loopback", timeout=20)
    yield rpcecho.rpcecho(conn)
    conn.close()
    server.close()


def test_python_client_against_python_server(client_of_python_server):
    c = client_of_python_server
    assert c.echo_AddOne(41) == 42
    assert c.echo_EchoData(3, b"xyz") == b"xyz"
    assert c.echo_SourceData(300) == bytes(i & 0xff for i in range(300))
    assert c.echo_TestCall("grüß") == "grüß"
    r = c.echo_TestCall2(6)
    assert r.result.is_ok() and (r.info.info6.v1, r.info.info6.info1.v) == (70, 80)
    with pytest.raises(ncarpc.Fault) as f:
        c.echo_TestCall2(9)
    assert f.value.name == "nca_s_fault_invalid_tag"
    assert c.echo_TestSleep(1) == 1
    s = c.echo_TestSurrounding(rpcecho.echo_Surrounding(x=2, surrounding=[1, 2]))
    assert (s.x, s.surrounding) == (4, [0] * 4)
    assert c.echo_TestDoublePointer(3) == 3


def test_unimplemented_operation_and_handler_errors():
    class Partial:
        def echo_AddOne(self, in_data):
            raise RuntimeError("boom")

    with ncarpc.Server() as server:
        server.register(rpcecho.rpcecho_service(Partial()))
        c = rpcecho.rpcecho(server.local_handle(marshal=True, timeout=10))
        with pytest.raises(ncarpc.Fault) as f:
            c.echo_AddOne(1)
        assert f.value.name == "nca_s_fault_unspec"
        with pytest.raises(ncarpc.Fault) as f:
            c.echo_TestSleep(0)
        assert f.value.name == "nca_s_op_rng_error"


def test_async_handlers_complete_out_of_order(py_server_process):
    a = rpcecho.rpcecho_async(ncarpc.connect(py_server_process, timeout=20))

    async def main():
        done = []

        async def one(s):
            await a.echo_TestSleep(s)
            done.append(s)

        await asyncio.gather(one(2), one(1), one(0))
        return done

    assert asyncio.run(main()) == [0, 1, 2]


def test_cpp_client_against_python_server(py_server_process):
    client = os.environ.get("NCAECHO_CLIENT")
    assert client, "set NCAECHO_CLIENT to the ncaecho-client binary"
    p = subprocess.run([client, py_server_process], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "all answers right" in p.stdout, p.stdout + p.stderr


def test_smbtorture_rpc_echo_against_python_server(py_server_process):
    p = subprocess.run(["smbtorture", py_server_process, "-U%", "-k", "no", "rpc.echo"],
                       capture_output=True, text=True, timeout=300)
    status = dict((name, verdict) for verdict, name in
                  re.findall(r"^(success|failure|skip|error|xfail|uxsuccess): (\S+)", p.stdout, re.M))
    bad = re.findall(r"^(?:failure|error): .*$", p.stdout, re.M)
    assert not bad and p.returncode == 0, p.stdout[-4000:]
    assert {t: status.get(t) for t in SUBTESTS} == {t: "success" for t in SUBTESTS}


def test_local_handle_outliving_its_server():
    """A local handle keeps the server's core; after close() its calls fail cleanly (the
    interface is unregistered) instead of reaching a service that is gone."""
    server = ncarpc.Server()
    server.register(rpcecho.rpcecho_service(echo_server.Echo()))
    c = rpcecho.rpcecho(server.local_handle(marshal=True, timeout=10))
    assert c.echo_AddOne(1) == 2
    server.close()
    with pytest.raises(ncarpc.Fault) as f:
        c.echo_AddOne(1)
    assert f.value.name == "nca_s_unk_if"
