"""The exceptions of ncarpc: how a call failed, kept apart by kind.

An application result (an NTSTATUS or WERROR return value) is never an exception: it comes back
as a value with ``.is_ok()``. These are the failures of the call itself.
"""


class Error(Exception):
    """Base of every ncarpc failure. ``code``: the status code when there is one."""

    def __init__(self, message="", code=None, name=None):
        super().__init__(message)
        self.code = code
        self.name = name


class Fault(Error):
    """The server answered with a fault PDU. ``code`` is its status and ``name`` the spec's
    name of it ("nca_s_op_rng_error"), None for a code ncarpc does not know. A server handler
    raises ``Fault(code=...)`` to fault a call."""

    def __init__(self, message="", code=None, name=None):
        if isinstance(message, int) and code is None:
            message, code = "", message
        if name is None and code is not None:
            from ._core import fault_code_name
            name = fault_code_name(code) or None
        super().__init__(message or ("fault %s (0x%08x)" % (name, code) if code is not None else ""),
                         code, name)


class AccessDenied(Fault):
    """The server refused the call's security context: a wrong password or unknown user behind
    ncarpc.Credentials (the NTLMSSP handshake cannot tell the client; the server faults the first
    call with nca_s_fault_access_denied, code 5), or a handler refusing the caller."""


class TransportError(Error):
    """The connection could not be made or was lost."""


class Timeout(Error):
    """The call's deadline passed (``timeout=`` of ncarpc.connect)."""


class Cancelled(Error):
    """The call was cancelled, or its binding handle closed."""


class NdrError(Error):
    """Data did not marshal or unmarshal on this side."""


class ProtocolError(Error):
    """The peer broke the protocol, or refused the bind."""


class NotSupported(Error, NotImplementedError):
    """Asked for something the runtime does not offer (yet)."""
