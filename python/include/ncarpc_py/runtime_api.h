// The seam between ncarpc._core (which owns the runtime thread, binding handles and servers) and
// the modules ncaidl --gen python writes (which own the types and stubs of one IDL file).
//
// Generated modules never touch the event loop: they reach these abstract classes through
// pybind11 casts of the Python objects _core made (the classes are registered by _core; every
// module built against the same pybind11 shares that registry).
//
// Threading: the runtime thread runs one nca::net::Loop for the whole process. Everything in
// nca::rpc happens there. Calls below that say "thread-safe" may come from any Python thread,
// with or without the GIL.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

#include "nca/ndr/types.h"
#include "nca/rpc/interface.h"
#include "nca/rpc/server.h"
#include "nca/rpc/status.h"

namespace ncapy {

// A binding handle as Python sees it (ncarpc.connect(), ncarpc.Server.local_handle()).
class Channel {
 public:
  using Done = std::function<void(nca::rpc::Status)>;
  virtual ~Channel() = default;
  // Thread-safe. Starts `op` of `iface` with the argument struct `args` on the runtime thread.
  // `args` must stay alive and untouched until `done` runs; `done` runs exactly once, on the
  // runtime thread, without the GIL. A timeout of 0 uses the channel's default.
  virtual void start(const nca::rpc::InterfaceSpec& iface, const nca::rpc::OperationSpec& op,
                     void* args, std::chrono::milliseconds timeout, Done done) = 0;
};

// What a registered Python service needs from the server it is registered with.
class ServiceHost {
 public:
  virtual ~ServiceHost() = default;
  // Thread-safe: runs `fn` on the runtime thread later (exactly once, unless the process exits).
  virtual void post(std::function<void()> fn) = 0;
  // The asyncio loop `async def` handlers run on (a Python object; needs the GIL).
  virtual void* asyncio_loop() = 0;  // a borrowed PyObject*

  // Context handles as Python objects (python/core/context_objects.h), on the runtime thread
  // with the GIL. contexts_in: the handler's arguments with every non-null policy_handle that
  // names a handle of this server replaced by the object it holds (appended to `received`); a
  // non-null handle the table refuses faults the call (nca_s_fault_context_mismatch) and gives
  // nullopt. contexts_out: the handler's result with every ncarpc.ContextHandle turned
  // into a new handle and every received object back into its handle; a null policy_handle among
  // the results closes the handles in `received`.
  using Received = std::vector<std::pair<pybind11::object, nca::ndr::ContextHandle>>;
  virtual std::optional<pybind11::tuple> contexts_in(nca::rpc::ServerCall& call,
                                                     pybind11::tuple ins, Received& received) = 0;
  virtual pybind11::object contexts_out(nca::rpc::ServerCall& call, pybind11::object result,
                                        const Received& received) = 0;
};

// A generated service adapter (one per interface): the server registers what it returns.
class Registrable {
 public:
  virtual ~Registrable() = default;
  virtual nca::rpc::ServerInterface server_interface() = 0;
  // Set by the server on registration, before any call arrives; cleared when it closes.
  ServiceHost* host = nullptr;
};

}  // namespace ncapy
