#include "nca/rpc/binding_handle.h"

#include "handle_state.h"
#include "nca/rpc/print_interceptor.h"

namespace nca::rpc {

MarshallingHandle::MarshallingHandle(Executor& executor)
    : state_(std::make_shared<detail::HandleState>(executor)) {
  state_->on_abandon = [this](CallId id) { abandon(id); };
}

MarshallingHandle::~MarshallingHandle() {
  // abandon() is virtual and the derived part is gone: engines abandon their own calls when they
  // close, so only the completions are left to deliver.
  state_->on_abandon = nullptr;
  state_->finish_all(Status::cancelled("binding handle closed"));
}

Executor& MarshallingHandle::executor() const { return state_->executor; }

void MarshallingHandle::abandon(CallId) {}

void MarshallingHandle::add_interceptor(std::shared_ptr<CallInterceptor> interceptor) {
  state_->interceptors.add(std::move(interceptor));
}

void MarshallingHandle::set_binding(const Binding& binding) {
  state_->binding = binding.to_string();
  if (binding.has(BindingFlag::kPrint)) add_interceptor(std::make_shared<PrintInterceptor>());
}

CallId MarshallingHandle::call(const InterfaceSpec& iface, const OperationSpec& op, void* args,
                               const CallOptions& options, Done done) {
  return start(iface, op.opnum, op, args, options, std::move(done));
}

void MarshallingHandle::cancel(CallId id) { state_->finish(id, Status::cancelled("cancelled by the caller")); }

CallId MarshallingHandle::call_raw(const InterfaceSpec& iface, uint16_t opnum, Bytes stub,
                                   const CallOptions& options,
                                   UniqueFunction<void(Result<Bytes>)> done) {
  // The raw operation's codec ignores the opnum; `opnum` travels in the Request.
  static constexpr OperationSpec kRaw = raw_operation("raw", 0);
  auto args = std::make_unique<RawArgs>();
  args->in = std::move(stub);
  RawArgs* p = args.get();
  return start(iface, opnum, kRaw, p, options,
               [args = std::move(args), done = std::move(done)](Status st) mutable {
                 if (st.ok()) done(std::move(args->out));
                 else done(std::move(st));
               });
}

CallId MarshallingHandle::start(const InterfaceSpec& iface, uint16_t opnum, const OperationSpec& op,
                                void* args, const CallOptions& options, Done done) {
  CallId id = state_->add(iface, op, args, options.timeout, std::move(done));
  state_->intercept(id, opnum, options.object);
  std::weak_ptr<detail::HandleState> weak = state_;

  Request request;
  request.id = id;
  request.interface = &iface;
  request.opnum = opnum;
  request.object = options.object;
  // The engine may marshal only after a bind, by which time the call may have ended and the
  // caller's struct be gone: look the call up again instead of capturing `args`.
  request.marshal = [weak, id](const SyntaxId& ts) -> Result<Bytes> {
    auto state = weak.lock();
    detail::PendingCall* call = state ? state->find(id) : nullptr;
    if (!call) return Status::cancelled("call ended before it was marshalled");
    // Raw stub data is the caller's to give: marshal runs at most once per call.
    Bytes stub;
    if (call->op->raw) {
      stub = std::move(static_cast<RawArgs*>(call->args)->in);
    } else {
      Status st = call->op->push_in(call->args, ts, stub);
      if (!st.ok()) return st;
    }
    if (call->intercept) call->intercept->info.request_bytes = stub.size();
    return stub;
  };
  transact(std::move(request), [weak, id](Result<Response> response) {
    auto state = weak.lock();
    detail::PendingCall* call = state ? state->find(id) : nullptr;
    if (!call) return;  // ended already (timeout, cancel, handle closed)
    if (!response) {
      state->finish(id, std::move(response).take_error());
      return;
    }
    if (call->intercept) call->intercept->info.response_bytes = response->stub.size();
    if (call->op->raw) {
      static_cast<RawArgs*>(call->args)->out = std::move(response->stub);
      state->finish(id, Status());
      return;
    }
    state->finish(id, call->op->pull_out(response->stub, response->transfer, response->little_endian, call->args));
  });
  return id;
}

}  // namespace nca::rpc
