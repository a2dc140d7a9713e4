// Binding handles to a ServerCore in the same process, no socket.
//
// LocalHandle is the MSRPC2 "local case": the server handler receives the caller's [in] values
// (moved, not copied or marshalled) and the caller receives the [out] values back the same way.
// LoopbackHandle marshals both ways, faults included, exactly as a remote handle would, and
// dispatches through the server core: the path generated code takes over a network, minus PDUs.
//
// Each handle is one association of the server: destroying the handle closes it, which runs the
// rundown of the context handles it still owns. Both the executor and the server must outlive
// the handle; a server call still held by a handler after the handle is gone completes harmlessly.
#pragma once

#include <memory>

#include "nca/rpc/binding_handle.h"
#include "nca/rpc/server.h"

namespace nca::rpc {

class LocalHandle final : public BindingHandle {
 public:
  LocalHandle(Executor& executor, ServerCore& server);
  ~LocalHandle() override;

  CallId call(const InterfaceSpec& iface, const OperationSpec& op, void* args,
              const CallOptions& options, Done done) override;
  void cancel(CallId id) override;

  AssociationId association() const { return association_; }

 private:
  ServerCore& server_;
  AssociationId association_;
  std::shared_ptr<detail::HandleState> state_;
};

class LoopbackHandle final : public MarshallingHandle {
 public:
  LoopbackHandle(Executor& executor, ServerCore& server);
  ~LoopbackHandle() override;

  AssociationId association() const { return association_; }

 protected:
  void transact(Request request, Reply reply) override;

 private:
  ServerCore& server_;
  AssociationId association_;
};

}  // namespace nca::rpc
