// The pending calls of one client binding handle: exactly-once completion, per-call deadlines,
// cancellation. Shared by LocalHandle and MarshallingHandle. Private to nca::rpc.
#pragma once

#include <map>
#include <memory>

#include "nca/rpc/binding_handle.h"
#include "nca/rpc/interceptor.h"

namespace nca::rpc::detail {

struct PendingCall {
  const InterfaceSpec* interface = nullptr;
  const OperationSpec* op = nullptr;
  void* args = nullptr;
  BindingHandle::Done done;
  Executor::TimerId timer = 0;
  std::unique_ptr<InterceptedCall> intercept;  // null unless the handle has interceptors
};

// Owned by a handle through a shared_ptr; what outlives the handle (server replies, engine
// callbacks) holds a weak_ptr and finds the handle gone.
struct HandleState {
  explicit HandleState(Executor& ex) : executor(ex) {}
  ~HandleState();

  // Registers a call and arms its deadline. `on_abandon` (may be empty) is told about calls that
  // end by timeout, so an engine can forget them.
  CallId add(const InterfaceSpec& iface, const OperationSpec& op, void* args,
             Executor::Duration timeout, BindingHandle::Done done);
  PendingCall* find(CallId id);
  // Runs the interceptors' before() for call `id` (just added) if there are any: `opnum` is the
  // one sent (a raw call's op is a stand-in), `object` the request's object UUID.
  void intercept(CallId id, uint16_t opnum, const Uuid& object);
  // Ends the call: disarms its deadline and posts `done(status)`. False if it already ended.
  bool finish(CallId id, Status status);
  // Ends every pending call with `status` (the handle is closing).
  void finish_all(const Status& status);

  Executor& executor;
  UniqueFunction<void(CallId)> on_abandon;
  Interceptors interceptors;
  std::string binding;  // what interceptors see as CallInfo::binding
  CallId next_id = 1;
  std::map<CallId, PendingCall> calls;
};

}  // namespace nca::rpc::detail
