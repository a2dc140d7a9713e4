"""Every rpcecho operation through our Python client against the C++ ncaecho-server, over TCP
and ncalrpc, sync and asyncio, with the same calls made through Samba's samba.dcerpc.echo against
the same server giving the same answers."""
import asyncio

import pytest

import ncarpc
from ncarpc import rpcecho


@pytest.fixture(params=["tcp", "ncalrpc"])
def client(cpp_server, request):
    binding = cpp_server.tcp if request.param == "tcp" else cpp_server.ncalrpc
    conn = ncarpc.connect(binding, timeout=20, ncalrpc_dir=cpp_server.dir)
    yield rpcecho.rpcecho(conn)
    conn.close()


def samba_client(cpp_server):
    from samba.credentials import Credentials
    from samba.dcerpc import echo
    from samba.param import LoadParm
    lp = LoadParm()
    creds = Credentials()
    creds.set_anonymous()
    return echo.rpcecho(cpp_server.tcp, lp, creds)


def same_fields(ours, theirs):
    """Our value's dict form (to_dict) holds what Samba's object holds, field by field."""
    for k, v in ours.items():
        t = getattr(theirs, k)
        if isinstance(v, dict):
            if not same_fields(v, t):
                return False
        elif v != t:
            return False
    return True


def test_every_operation(client):
    assert client.echo_AddOne(41) == 42
    assert client.echo_AddOne(0xffffffff) == 0
    data = bytes(i * 7 & 0xff for i in range(70000))
    assert client.echo_EchoData(len(data), data) == data
    assert client.echo_EchoData(0, b"") == b""
    assert client.echo_SinkData(300000, b"\x01" * 300000) is None
    assert client.echo_SourceData(300001) == bytes(i & 0xff for i in range(300001))
    assert client.echo_TestCall("hello") == "hello"
    r = client.echo_TestCall2(5)
    assert r.result.is_ok() and r.result.name == "NT_STATUS_OK"
    assert r.info.arm == "info5" and (r.info.info5.v1, r.info.info5.v2) == (50, 60)
    assert client.echo_TestSleep(0) == 0
    e = client.echo_TestEnum(rpcecho.ECHO_ENUM2, rpcecho.echo_Enum2(e1=1, e2=2),
                             rpcecho.echo_Enum3(e2=rpcecho.echo_Enum2(e1=1, e2=2)))
    assert e.foo1 == rpcecho.ECHO_ENUM2 and e.foo3.arm == "e2"
    s = client.echo_TestSurrounding(rpcecho.echo_Surrounding(x=4, surrounding=[1, 2, 3, 4]))
    assert (s.x, s.surrounding) == (8, [0] * 8)
    assert client.echo_TestDoublePointer(7) == 7
    assert client.echo_TestDoublePointer(None) == 0


def test_same_answers_as_samba_client(cpp_server):
    ours = rpcecho.rpcecho(ncarpc.connect(cpp_server.tcp, timeout=20))
    theirs = samba_client(cpp_server)
    for v in (0, 41, 0xffffffff):
        assert ours.echo_AddOne(v) == theirs.AddOne(v)
    data = bytes(range(256)) * 10
    assert ours.echo_EchoData(len(data), data) == bytes(theirs.EchoData(list(data)))
    assert ours.echo_SourceData(1000) == bytes(theirs.SourceData(1000))
    assert ours.echo_TestCall("héllo") == theirs.TestCall("héllo")
    for level in range(1, 8):
        info = ours.echo_TestCall2(level).info
        their = theirs.TestCall2(level)
        assert same_fields(info.value.to_dict(), their), level
    for bad in (0, 8):
        with pytest.raises(ncarpc.Fault) as ours_fault:
            ours.echo_TestCall2(bad)
        with pytest.raises(Exception) as their_fault:
            theirs.TestCall2(bad)
        # Samba maps the fault to an NTSTATUS (nca_s_fault_invalid_tag: 0xc003000a,
        # NT_STATUS_RPC_ENUM_VALUE_OUT_OF_RANGE); the fault is the same.
        assert ours_fault.value.name == "nca_s_fault_invalid_tag"
        assert their_fault.value.args[0] == 0xc003000a
    assert ours.echo_TestSleep(1) == theirs.TestSleep(1)
    from samba.dcerpc import echo
    their_s = echo.Surrounding()
    their_s.x = 3
    their_s.surrounding = [5, 6, 7]
    their_r = theirs.TestSurrounding(their_s)
    our_r = ours.echo_TestSurrounding(rpcecho.echo_Surrounding(x=3, surrounding=[5, 6, 7]))
    assert (our_r.x, our_r.surrounding) == (their_r.x, list(their_r.surrounding))
    e2 = echo.Enum2()
    e2.e1, e2.e2 = 1, 2
    their_e = theirs.TestEnum(1, e2, 1)
    our_e = ours.echo_TestEnum(1, rpcecho.echo_Enum2(e1=1, e2=2), rpcecho.echo_Enum3(e1=1))
    assert our_e.foo1 == their_e[0]
    assert (our_e.foo2.e1, our_e.foo2.e2) == (their_e[1].e1, their_e[1].e2)


def test_fault_and_transport_errors(cpp_server):
    c = rpcecho.rpcecho(ncarpc.connect(cpp_server.tcp, timeout=20))
    with pytest.raises(ncarpc.Fault) as f:
        c.echo_TestCall2(99)
    assert f.value.name and f.value.name.startswith("nca_s_") and isinstance(f.value, ncarpc.Error)
    with pytest.raises(ncarpc.TransportError):
        rpcecho.rpcecho(ncarpc.connect("ncacn_ip_tcp:127.0.0.1[1]")).echo_AddOne(1)
    with pytest.raises(ncarpc.Timeout):
        rpcecho.rpcecho(ncarpc.connect(cpp_server.tcp, timeout=0.3)).echo_TestSleep(2)
    with pytest.raises(ValueError):
        ncarpc.connect("ncacn_foo:x")
    with pytest.raises(TypeError):
        ncarpc.connect(cpp_server.tcp, credentials=("user", "DOMAIN", "secret"))


def test_several_interfaces_on_one_connection(cpp_server):
    from ncarpc import mgmt
    conn = ncarpc.connect(cpp_server.tcp, timeout=20)
    echo, m = rpcecho.rpcecho(conn), mgmt.mgmt(conn)
    assert echo.echo_AddOne(1) == 2
    listening = m.mgmt_is_server_listening()
    assert listening.result == 1
    ids = m.mgmt_inq_if_ids()
    assert any(str(i.id.uuid) == rpcecho.rpcecho_syntax[0] for i in ids.if_id_vector.if_id if i.id)
    assert echo.echo_AddOne(2) == 3


def test_asyncio_100_concurrent_calls_on_one_connection(cpp_server):
    conn = ncarpc.connect(cpp_server.tcp, timeout=30)
    a = rpcecho.rpcecho_async(conn)

    async def main():
        ticks = 0

        async def ticker():  # Python's loop keeps running while calls are in flight
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.01)

        t = asyncio.create_task(ticker())
        sleeps = [a.echo_TestSleep(1) for _ in range(4)]
        adds = [a.echo_AddOne(i) for i in range(96)]
        results = await asyncio.gather(*sleeps, *adds)
        t.cancel()
        return results, ticks

    results, ticks = asyncio.run(main())
    assert results == [1] * 4 + [i + 1 for i in range(96)]
    assert ticks >= 20, ticks  # the 1-second sleeps did not block the asyncio loop
