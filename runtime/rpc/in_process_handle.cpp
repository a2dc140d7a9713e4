#include "nca/rpc/in_process_handle.h"

#include "handle_state.h"

namespace nca::rpc {

// LocalHandle --------------------------------------------------------------------------------

LocalHandle::LocalHandle(Executor& executor, ServerCore& server)
    : server_(server),
      association_(server.open_association()),
      state_(std::make_shared<detail::HandleState>(executor)) {}

LocalHandle::~LocalHandle() {
  state_->finish_all(Status::cancelled("binding handle closed"));
  server_.close_association(association_);
}

CallId LocalHandle::call(const InterfaceSpec& iface, const OperationSpec& op, void* args,
                         const CallOptions& options, Done done) {
  CallId id = state_->add(iface, op, args, options.timeout, std::move(done));
  std::weak_ptr<detail::HandleState> weak = state_;

  ServerRequest request;
  request.interface = iface.id;
  request.opnum = op.opnum;
  request.object = options.object;
  request.caller = CallerContext{"local", "", association_};
  request.direct_args = args;
  request.direct_type = op.args;
  // dispatch() moves the [in] values out of `args` before it returns; from then on the server
  // works on its own struct, so a call that times out leaves nothing of the caller's in use.
  server_.dispatch(std::move(request), [weak, id](ServerReply reply) {
    auto state = weak.lock();
    detail::PendingCall* call = state ? state->find(id) : nullptr;
    if (!call) return;
    if (reply.fault) {
      state->finish(id, Status::from_fault(*reply.fault, call->interface->exceptions));
      return;
    }
    call->op->args->move_assign(call->args, reply.args.get());
    state->finish(id, Status{});
  });
  return id;
}

void LocalHandle::cancel(CallId id) { state_->finish(id, Status::cancelled("cancelled by the caller")); }

// LoopbackHandle -----------------------------------------------------------------------------

LoopbackHandle::LoopbackHandle(Executor& executor, ServerCore& server)
    : MarshallingHandle(executor), server_(server), association_(server.open_association()) {}

LoopbackHandle::~LoopbackHandle() { server_.close_association(association_); }

void LoopbackHandle::transact(Request request, Reply reply) {
  // Negotiate as a bind would: the first of the client's transfer syntaxes the server offers.
  // An unknown interface still goes through dispatch so that it faults nca_s_unk_if there,
  // marshalled with the client's preferred syntax.
  const auto& offered = request.interface->transfer_syntaxes;
  SyntaxId ts = offered.empty() ? kNdr20 : offered.front();
  if (const ServerInterface* served = server_.find_interface(request.interface->id)) {
    const SyntaxId* chosen = choose_transfer_syntax(*request.interface, served->spec->transfer_syntaxes);
    if (!chosen) {
      reply(Status::protocol(static_cast<uint32_t>(FaultCode::proto_error),
                             "no transfer syntax in common with the server"));
      return;
    }
    ts = *chosen;
  }
  Result<Bytes> stub = request.marshal(ts);
  if (!stub) {
    reply(std::move(stub).take_error());
    return;
  }

  ServerRequest sr;
  sr.interface = request.interface->id;
  sr.opnum = request.opnum;
  sr.object = request.object;
  sr.caller = CallerContext{"loopback", "", association_};
  sr.transfer = ts;
  sr.stub = std::move(stub).value();
  const InterfaceSpec* iface = request.interface;
  server_.dispatch(std::move(sr), [reply = std::move(reply), ts, iface](ServerReply r) mutable {
    if (r.fault) {
      // Through the bytes a fault PDU would carry, so user exceptions take the wire's path.
      Bytes body = encode_fault_body(*r.fault);
      reply(Status::from_fault(decode_fault(r.fault->code, body), iface->exceptions));
      return;
    }
    reply(Response{ts, std::move(r.stub)});
  });
}

}  // namespace nca::rpc
