"""ncarpc: DCE/RPC from Python over the ncarpc runtime.

    import ncarpc
    from ncarpc import rpcecho

    conn = ncarpc.connect("ncacn_ip_tcp:127.0.0.1[1234]", timeout=5)
    echo = rpcecho.rpcecho(conn)              # synchronous client on the binding handle
    assert echo.echo_AddOne(41) == 42
    aecho = rpcecho.rpcecho_async(conn)       # asyncio client, same connection
    await aecho.echo_AddOne(41)

Binding handles, clients and servers run on the runtime's own event loop thread: a synchronous
call releases the GIL while it waits, and an asyncio call never blocks the asyncio loop.
"""

import asyncio
import threading

from . import _core
from ._core import GUID, HRESULT, NTSTATUS, WERROR, BindingHandle, policy_handle  # noqa: F401
from .context import ContextHandle  # noqa: F401
from .errors import (AccessDenied, Cancelled, Error, Fault, NdrError, NotSupported,  # noqa: F401
                     ProtocolError, Timeout, TransportError)


class Credentials:
    """What an authenticated binding handle logs on with: ``Credentials(user, password,
    domain="")``. The binding's option words choose the security: level (connect, packet, sign,
    seal) and provider (ntlm, spnego, krb5), e.g. "ncacn_ip_tcp:HOST[PORT,sign,ntlm]"."""
    __slots__ = ("user", "password", "domain")

    def __init__(self, user, password, domain=""):
        self.user, self.password, self.domain = str(user), str(password), str(domain)

    def __repr__(self):
        return f"Credentials(user={self.user!r}, domain={self.domain!r}, password=...)"


def _credentials_tuple(credentials):
    if credentials is None:
        return None
    if isinstance(credentials, Credentials):
        return (credentials.user, credentials.domain, credentials.password)
    raise TypeError("credentials must be ncarpc.Credentials(user, password, domain='') or None")


def connect(binding, credentials=None, timeout=None, ncalrpc_dir=None):
    """A binding handle for ``binding`` (a string binding: "ncacn_ip_tcp:HOST[PORT]",
    "ncalrpc:[NAME]"; without an endpoint the host's endpoint mapper is asked). The connection
    is made on the first call. ``timeout``: seconds per call (None: no deadline), ncarpc.Timeout
    when it passes. ``credentials``: an ncarpc.Credentials for the security the binding's words
    ask for ("[sign,ntlm]", "[seal,spnego]", "[seal,krb5]"); None: anonymous (or, with such words,
    the GSSAPI mechanism's default credentials). A failed logon raises ncarpc.AuthError naming
    the step and the mechanism's reason. ``ncalrpc_dir``: where "ncalrpc:[NAME]" sockets are
    (default /tmp)."""
    return _core.connect(binding, _credentials_tuple(credentials), timeout, ncalrpc_dir)


def ndr_pack(obj, **options):
    """``obj.ndr_pack(**options)``: ndr64=False, big_endian=False."""
    return obj.ndr_pack(**options)


def ndr_unpack(cls, data, **options):
    """``cls.ndr_unpack(data, **options)``: ndr64, big_endian, allow_remaining."""
    return cls.ndr_unpack(data, **options)


class Server:
    """A server on the runtime thread. Register generated service adapters
    (``rpcecho.rpcecho_service(impl)``, impl any object with a method per operation, plain or
    ``async def``) and listen on bindings:

        server = ncarpc.Server()
        server.register(rpcecho.rpcecho_service(MyEcho()))
        binding = server.listen("ncacn_ip_tcp:127.0.0.1[0]")

    Synchronous handlers run on the runtime thread with the GIL; coroutines run on an asyncio
    loop the server owns (its own thread), so a slow ``await`` does not hold other calls up.
    A handler's arguments are the [in] values in IDL order; it returns the [out] values (one
    value, or a sequence of them, the return value last). Raising ncarpc.Fault(code=...) faults
    the call; any other exception faults it with nca_s_fault_unspec. Context handles: a
    handler returns ncarpc.ContextHandle(obj, rundown) to open one and later calls receive
    ``obj`` (see ncarpc.context).
    """

    def __init__(self):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever,
                                        name="ncarpc-server-asyncio", daemon=True)
        self._thread.start()
        self._core = _core.Server(self._loop)

    def register(self, service):
        self._core.register(service)
        return service

    def listen(self, binding):
        """Listens on ``binding`` ("ncacn_ip_tcp:127.0.0.1[0]": any free port); returns the
        binding clients use."""
        return self._core.listen(binding)

    def local_handle(self, marshal=False, timeout=None):
        """An in-process binding handle to this server: no socket; with marshal=True the
        arguments are marshalled as over the wire (loopback), else handed over directly."""
        return self._core.local_handle(marshal, timeout)

    @property
    def connection_count(self):
        return self._core.connection_count

    def close(self):
        self._core.close()
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
