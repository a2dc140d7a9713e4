"""Context handles in Python servers.

A handler hands out a new context handle by returning ``ContextHandle(obj, rundown=None)`` in
place of the handle's [out] value. The server keeps ``obj`` in its context-handle table, owned by
the client's connection (association): later calls that pass the handle receive ``obj`` itself in
its place, and a handler gives the same handle back (an [in,out] handle kept open) by returning
``obj``. A handler that returns a null ``ncarpc.policy_handle()`` among its results closes the
handles its call received (the close operation). When the connection ends with the handle still
open, ``rundown(obj)`` is called once, on the runtime thread. A handle the server does not hold
(unknown, closed, another connection's) faults the call with nca_s_fault_context_mismatch
before the handler runs.
"""


class ContextHandle:
    __slots__ = ("obj", "rundown")

    def __init__(self, obj, rundown=None):
        if rundown is not None and not callable(rundown):
            raise TypeError("rundown must be callable or None")
        self.obj = obj
        self.rundown = rundown

    def __repr__(self):
        return f"ContextHandle({self.obj!r})"
