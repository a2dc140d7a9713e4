// BindingHandle: the one interface generated client stubs call through. The connection-oriented
// handle (nca::rpc::cn), the local (in-process, unmarshalled) and loopback handles implement it;
// so do test doubles. The datagram engine's client handle (nca::rpc::dg) is another.
//
// A generated client stub passes the operation's argument struct R, not stub bytes: the handle
// marshals it with the OperationSpec's entries once it knows the transfer syntax (negotiated at
// bind time, possibly after the call started), and the local handle hands R to the server without
// marshalling at all. See runtime/rpc/README.md for the worked example.
#pragma once

#include <cstdint>
#include <memory>

#include "nca/rpc/binding.h"
#include "nca/rpc/executor.h"
#include "nca/rpc/function.h"
#include "nca/rpc/interceptor.h"
#include "nca/rpc/interface.h"
#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

namespace nca::rpc {

using CallId = uint64_t;  // unique per handle, never 0

struct CallOptions {
  Executor::Duration timeout{0};  // 0: no deadline; otherwise the call ends with kind timeout
  Uuid object;                    // the request's object UUID; nil: none
};

class BindingHandle {
 public:
  using Done = UniqueFunction<void(Status)>;

  virtual ~BindingHandle() = default;

  // Starts operation `op` of `iface` with the argument struct `args` (an R for op.args).
  //  - `args` stays owned by the caller, who must keep it alive and leave it alone until `done`
  //    runs; the handle reads the [in] members and, on success, writes the [out] members. After a
  //    failure the [out] members are unspecified and the [in] members may have been moved from.
  //  - `done` runs exactly once, never inside call(), on the handle's executor: with an ok Status
  //    when the [out] members are set, otherwise with the failure (fault, transport, ndr,
  //    timeout, cancelled, protocol).
  //  - `iface` and `op` (generated constants) must outlive the call.
  //  - Destroying the handle ends its pending calls with kind cancelled.
  virtual CallId call(const InterfaceSpec& iface, const OperationSpec& op, void* args,
                      const CallOptions& options, Done done) = 0;

  // Ends the call with kind cancelled unless its completion is already queued; unknown or finished
  // ids are ignored. The server may still run the operation (C706 cancel semantics are advisory).
  virtual void cancel(CallId id) = 0;
};

namespace detail {
struct HandleState;
}

// One call as a marshalling handle asks its engine to carry it (MarshallingHandle::transact):
// engines keep it as it is while the call waits for a connection or a context.
struct CallRequest {
  CallId id = 0;
  const InterfaceSpec* interface = nullptr;
  uint16_t opnum = 0;
  Uuid object;
  // Produces the request stub data for the transfer syntax the engine negotiated. Call it at
  // most once; it fails with kind cancelled if the call ended meanwhile (the caller's
  // argument struct may be gone), or kind ndr if marshalling failed.
  UniqueFunction<Result<Bytes>(const SyntaxId&)> marshal;
};

// The base of every handle that marshals: it runs the generated push/pull entries, the per-call
// timeout and cancellation, and exactly-once completion, so an engine (or a test double) only
// implements transact(): carry stub bytes to the server and bring stub bytes (or a failure) back.
class MarshallingHandle : public BindingHandle {
 public:
  explicit MarshallingHandle(Executor& executor);
  ~MarshallingHandle() override;

  CallId call(const InterfaceSpec& iface, const OperationSpec& op, void* args,
              const CallOptions& options, Done done) final;
  void cancel(CallId id) final;

  // For clients without generated stubs: the request stub as it is, the response stub as it is.
  CallId call_raw(const InterfaceSpec& iface, uint16_t opnum, Bytes stub,
                  const CallOptions& options, UniqueFunction<void(Result<Bytes>)> done);

  Executor& executor() const;

  // Interceptors of the calls started through this handle from now on (interceptor.h).
  void add_interceptor(std::shared_ptr<CallInterceptor> interceptor);
  // The binding this handle reaches, as interceptors see it (CallInfo::binding). Its `print`
  // flag (Samba's binding option) adds a PrintInterceptor writing each call's decoded [in] and
  // [out] arguments to standard error. Engines call it with the binding they were given.
  void set_binding(const Binding& binding);

 protected:
  using Request = CallRequest;
  struct Response {
    SyntaxId transfer;  // the syntax the request was marshalled with
    Bytes stub;
    bool little_endian = true;  // the byte order the server declared for `stub`
  };
  using Reply = UniqueFunction<void(Result<Response>)>;

  // Carry `request` to the server. Call `reply` at most once, on the executor's thread, inside
  // transact() or later; calling it after the call ended (or after the handle is gone) is harmless.
  virtual void transact(Request request, Reply reply) = 0;
  // The call `id` ended on this side (timeout, cancel, handle closing) before its reply: an engine
  // tells the peer (orphaned/cancel PDU) and may drop its state. Default: nothing.
  virtual void abandon(CallId id);

 private:
  CallId start(const InterfaceSpec& iface, uint16_t opnum, const OperationSpec& op, void* args,
               const CallOptions& options, Done done);
  std::shared_ptr<detail::HandleState> state_;
};

}  // namespace nca::rpc
