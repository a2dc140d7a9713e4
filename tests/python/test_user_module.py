"""A module built by ncarpc_python_generate() from a user's IDL (tests/rpc_gen/ctxtest.idl, its
own types and NDR code): context handles travel as ncarpc.policy_handle values, and a Python
service hands them out and takes them back through the generated client and stubs."""
import threading
import time
import uuid

import ctxtest
import ncarpc


class Counter:
    def __init__(self, value):
        self.value = value


class Counters:
    """ctxtest through ncarpc.ContextHandle: the server's table holds the Counter objects."""

    def __init__(self):
        self.rundowns = []  # the Counter objects whose client left without closing them
        self.ran_down = threading.Event()

    def rundown(self, counter):
        self.rundowns.append(counter)
        self.ran_down.set()

    def ctx_Open(self, start):
        return ncarpc.ContextHandle(Counter(start), self.rundown)

    def ctx_Add(self, counter, by):
        assert isinstance(counter, Counter)
        counter.value += by
        return counter.value

    def ctx_Close(self, counter):
        assert isinstance(counter, Counter)
        return ncarpc.policy_handle()


def test_stub_bytes():
    h = ncarpc.policy_handle(0, ncarpc.GUID("01234567-89ab-cdef-0123-456789abcdef"))
    op = ctxtest.ctx_Add(h=h, by=5)
    stub = op.pack_in()
    assert stub == h.ndr_pack() + (5).to_bytes(4, "little") and len(stub) == 24
    back = ctxtest.ctx_Add()
    back.unpack_in(stub)
    assert back.in_.h == h and back.in_.by == 5


def open_use_close(c):
    h = c.ctx_Open(40)
    assert isinstance(h, ncarpc.policy_handle) and not h.is_nil()
    assert c.ctx_Add(h, 2) == 42
    assert c.ctx_Add(h, 3) == 45
    closed = c.ctx_Close(h)
    assert closed.is_nil()
    try:
        c.ctx_Add(h, 1)
        assert False, "a closed handle was accepted"
    except ncarpc.Fault as f:
        assert f.name == "nca_s_fault_context_mismatch"


def test_handles_through_a_python_service():
    counters = Counters()
    with ncarpc.Server() as server:
        server.register(ctxtest.ctxtest_service(counters))
        open_use_close(ctxtest.ctxtest(server.local_handle(marshal=True, timeout=10)))
        conn = ncarpc.connect(server.listen("ncacn_ip_tcp:127.0.0.1[0]"), timeout=10)
        open_use_close(ctxtest.ctxtest(conn))
        conn.close()
    assert counters.rundowns == []  # closed handles never run down


def test_unknown_handle_faults_before_the_handler():
    with ncarpc.Server() as server:
        server.register(ctxtest.ctxtest_service(Counters()))
        c = ctxtest.ctxtest(server.local_handle(marshal=True, timeout=10))
        stranger = ncarpc.policy_handle(0, ncarpc.GUID(str(uuid.uuid4())))
        try:
            c.ctx_Add(stranger, 1)
            assert False, "an unknown handle was accepted"
        except ncarpc.Fault as f:
            assert f.name == "nca_s_fault_context_mismatch"


def test_handle_is_bound_to_its_connection():
    with ncarpc.Server() as server:
        server.register(ctxtest.ctxtest_service(Counters()))
        binding = server.listen("ncacn_ip_tcp:127.0.0.1[0]")
        a = ncarpc.connect(binding, timeout=10)
        b = ncarpc.connect(binding, timeout=10)
        h = ctxtest.ctxtest(a).ctx_Open(1)
        try:
            ctxtest.ctxtest(b).ctx_Add(h, 1)
            assert False, "another connection's handle was accepted"
        except ncarpc.Fault as f:
            assert f.name == "nca_s_fault_context_mismatch"
        assert ctxtest.ctxtest(a).ctx_Add(h, 1) == 2
        a.close()
        b.close()


def test_dropped_connection_runs_the_rundown_once():
    counters = Counters()
    with ncarpc.Server() as server:
        server.register(ctxtest.ctxtest_service(counters))
        conn = ncarpc.connect(server.listen("ncacn_ip_tcp:127.0.0.1[0]"), timeout=10)
        c = ctxtest.ctxtest(conn)
        kept = c.ctx_Open(7)
        closed = c.ctx_Open(100)
        assert c.ctx_Add(kept, 5) == 12
        assert c.ctx_Close(closed).is_nil()
        conn.close()  # the association ends with `kept` still open
        assert counters.ran_down.wait(10), "no rundown after the connection dropped"
        time.sleep(0.5)  # a second rundown would come now
        assert [x.value for x in counters.rundowns] == [12]


def test_async_handler_opens_a_handle():
    class AsyncCounters(Counters):
        async def ctx_Open(self, start):
            return ncarpc.ContextHandle(Counter(start), self.rundown)

    with ncarpc.Server() as server:
        server.register(ctxtest.ctxtest_service(AsyncCounters()))
        open_use_close(ctxtest.ctxtest(server.local_handle(marshal=True, timeout=10)))
