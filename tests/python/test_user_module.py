"""A module built by ncarpc_python_generate() from a user's IDL (tests/rpc_gen/ctxtest.idl, its
own types and NDR code): context handles travel as ncarpc.policy_handle values, and a Python
service hands them out and takes them back through the generated client and stubs."""
import uuid

import ctxtest
import ncarpc


class Counters:
    def __init__(self):
        self.values = {}

    def ctx_Open(self, start):
        h = ncarpc.policy_handle(0, ncarpc.GUID(str(uuid.uuid4())))
        self.values[str(h.uuid)] = start
        return h

    def ctx_Add(self, h, by):
        key = str(h.uuid)
        if key not in self.values:
            raise ncarpc.Fault(code=0x1c00001a)  # nca_s_fault_context_mismatch
        self.values[key] += by
        return self.values[key]

    def ctx_Close(self, h):
        del self.values[str(h.uuid)]
        return ncarpc.policy_handle()


def test_stub_bytes():
    h = ncarpc.policy_handle(0, ncarpc.GUID("01234567-89ab-cdef-0123-456789abcdef"))
    op = ctxtest.ctx_Add(h=h, by=5)
    stub = op.pack_in()
    assert stub == h.ndr_pack() + (5).to_bytes(4, "little") and len(stub) == 24
    back = ctxtest.ctx_Add()
    back.unpack_in(stub)
    assert back.in_.h == h and back.in_.by == 5


def test_handles_through_a_python_service():
    with ncarpc.Server() as server:
        server.register(ctxtest.ctxtest_service(Counters()))
        c = ctxtest.ctxtest(server.local_handle(marshal=True, timeout=10))
        h = c.ctx_Open(40)
        assert isinstance(h, ncarpc.policy_handle) and not h.is_nil()
        assert c.ctx_Add(h, 2) == 42
        closed = c.ctx_Close(h)
        assert closed.is_nil()
        try:
            c.ctx_Add(h, 1)
            assert False, "a closed handle was accepted"
        except ncarpc.Fault as f:
            assert f.name == "nca_s_fault_context_mismatch"
