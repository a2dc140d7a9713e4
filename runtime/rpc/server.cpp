#include "nca/rpc/server.h"

#include <algorithm>
#include <new>
#include <string>

#include "server_call_state.h"

namespace nca::rpc {

// ServerCall ---------------------------------------------------------------------------------

ServerCall::ServerCall(std::unique_ptr<detail::ServerCallState> state) : state_(std::move(state)) {}
ServerCall::ServerCall() = default;
ServerCall::ServerCall(ServerCall&&) noexcept = default;

ServerCall& ServerCall::operator=(ServerCall&& other) noexcept {
  if (this != &other) {
    // Assigning over a pending call drops it: it must still be answered.
    if (state_) fault(Fault(FaultCode::fault_unspec, "call dropped without a reply"));
    state_ = std::move(other.state_);
  }
  return *this;
}

ServerCall::~ServerCall() {
  if (state_) fault(Fault(FaultCode::fault_unspec, "call dropped without a reply"));
}

#define NCA_PENDING() NCA_REQUIRE(state_ != nullptr, "ServerCall used after it completed")

uint16_t ServerCall::opnum() const { NCA_PENDING(); return state_->opnum; }
const Uuid& ServerCall::object() const { NCA_PENDING(); return state_->object; }
const InterfaceSpec& ServerCall::interface() const { NCA_PENDING(); return *state_->interface; }
const OperationSpec& ServerCall::operation() const { NCA_PENDING(); return *state_->operation; }
const CallerContext& ServerCall::caller() const { NCA_PENDING(); return state_->caller; }
const std::optional<SyntaxId>& ServerCall::transfer_syntax() const { NCA_PENDING(); return state_->transfer; }
ServerCore& ServerCall::server() const { NCA_PENDING(); return *state_->server; }
void* ServerCall::args() const { NCA_PENDING(); return state_->args.get(); }
bool ServerCall::cancel_requested() const { NCA_PENDING(); return state_->cancel->requested(); }
void ServerCall::on_cancel(UniqueFunction<void()> fn) {
  NCA_PENDING();
  state_->cancel->on_request(std::move(fn));
}

// CallCancel ---------------------------------------------------------------------------------

void CallCancel::on_request(UniqueFunction<void()> fn) {
  if (requested_ && fn) return fn();
  fn_ = std::move(fn);
}

void CallCancel::request() {
  if (requested_) return;
  requested_ = true;
  if (auto fn = std::move(fn_)) fn();
}

void ServerCall::complete() {
  NCA_PENDING();
  ServerReply reply;
  if (!state_->transfer) {
    reply.args = std::move(state_->args);
  } else if (state_->operation->raw) {
    reply.stub = std::move(static_cast<RawArgs*>(state_->args.get())->out);
  } else {
    reply.stub = std::move(state_->reply_buffer);
    reply.stub.clear();
    Status st = state_->operation->push_out(state_->args.get(), *state_->transfer, reply.stub);
    if (!st.ok()) {
      fault(Fault(FaultCode::fault_ndr, "marshalling [out] of " +
                                            std::string(state_->operation->name) + ": " + to_string(st)));
      return;
    }
  }
  finish(std::move(reply));
}

void ServerCall::fault(Fault f) {
  NCA_PENDING();
  if (f.code == 0) f.code = static_cast<uint32_t>(FaultCode::fault_unspec);
  ServerReply reply;
  reply.fault = std::move(f);
  finish(std::move(reply));
}

#undef NCA_PENDING

void ServerCall::finish(ServerReply reply) {
  // Release the call before replying: the sink may start another call or destroy the server's
  // view of this one, and a ServerCall must read as finished by then. A cancel arriving later
  // must not reach a handler that is done.
  auto state = std::move(state_);
  state->cancel->on_request(nullptr);
  // The request's memory goes back with the reply; a raw handler is done with its RawArgs now.
  if (state->transfer && state->operation->raw) reply.spent = std::move(static_cast<RawArgs*>(state->args.get())->in);
  else reply.spent = std::move(state->spent);
  state->reply(std::move(reply));
}

// ServerCore ---------------------------------------------------------------------------------

ServerCore::ServerCore() = default;
ServerCore::~ServerCore() = default;

bool ServerCore::register_interface(const ServerInterface& iface) {
  NCA_REQUIRE(iface.spec != nullptr, "register_interface without an InterfaceSpec");
  NCA_REQUIRE(iface.handlers.size() == iface.spec->operations.size(),
                  "dispatch table and InterfaceSpec disagree on the number of operations");
  for (size_t i = 0; i < iface.spec->operations.size(); ++i)
    NCA_REQUIRE(iface.spec->operations[i].opnum == i && iface.spec->operations[i].args,
                    "InterfaceSpec operations must be indexed by opnum and have an ArgsType");
  return interfaces_.try_emplace({iface.spec->id.uuid, iface.spec->id.major}, iface).second;
}

bool ServerCore::unregister_interface(const SyntaxId& id) {
  return interfaces_.erase({id.uuid, id.major}) != 0;
}

const ServerInterface* ServerCore::find_interface(const SyntaxId& id) const {
  auto it = interfaces_.find({id.uuid, id.major});
  if (it == interfaces_.end() || it->second.spec->id.minor < id.minor) return nullptr;
  return &it->second;
}

std::vector<SyntaxId> ServerCore::interface_ids() const {
  std::vector<SyntaxId> ids;
  ids.reserve(interfaces_.size());
  for (const auto& [key, iface] : interfaces_) ids.push_back(iface.spec->id);
  return ids;
}

void ServerCore::add_interceptor(std::shared_ptr<CallInterceptor> interceptor) {
  interceptors_.add(std::move(interceptor));
}

namespace {

bool admits(const InterfaceSecurity& need, const CallerContext& caller) {
  if (need.min_level == auth::Level::none) return true;
  // call is served as packet (MS-RPCE 2.2.1.1.8).
  auto level = caller.auth_level == auth::Level::call ? auth::Level::packet : caller.auth_level;
  auto min = need.min_level == auth::Level::call ? auth::Level::packet : need.min_level;
  if (level < min) return false;
  return need.auth_types.empty() || std::find(need.auth_types.begin(), need.auth_types.end(),
                                              caller.auth_type) != need.auth_types.end();
}

}  // namespace

void ServerCore::dispatch(ServerRequest request, ReplySink reply) {
  CallStats::count(stats_.calls_in);
  if (interceptors_.empty()) return dispatch_call(std::move(request), std::move(reply), nullptr);
  // The reply sink ends the interception: every path out of dispatch_call, and a handler
  // completing much later, goes through it exactly once.
  auto ic = std::make_shared<detail::InterceptedCall>(interceptors_);
  CallInfo& info = ic->info;
  info.side = CallSide::server;
  info.interface_id = request.interface;
  info.opnum = request.opnum;
  info.object = request.object;
  ic->binding_text.reserve(request.caller.transport.size() + 1 + request.caller.peer.size());
  ic->binding_text.append(request.caller.transport).append(":").append(request.caller.peer);
  info.binding = ic->binding_text;
  info.request_bytes = request.stub.size();
  detail::InterceptedCall* raw = ic.get();
  dispatch_call(std::move(request),
                [ic = std::move(ic), reply = std::move(reply)](ServerReply r) mutable {
                  ic->info.response_bytes = r.stub.size();
                  ic->end(r.fault ? Status::fault(r.fault->code, r.fault->message) : Status{});
                  reply(std::move(r));
                },
                raw);
}

void ServerCore::dispatch_call(ServerRequest request, ReplySink reply,
                               detail::InterceptedCall* intercept) {
  auto fail = [&reply, &request](FaultCode code, std::string message) {
    ServerReply r;
    r.fault = Fault(code, std::move(message));
    r.spent = std::move(request.stub);
    reply(std::move(r));
  };
  const ServerInterface* iface = find_interface(request.interface);
  if (!iface) return fail(FaultCode::unk_if, "interface " + to_string(request.interface) + " not registered");
  const InterfaceSpec& spec = *iface->spec;
  if (intercept) intercept->info.interface = &spec;
  if (request.transfer && !admits(iface->security, request.caller))
    return fail(FaultCode::fault_access_denied,
                std::string(spec.name) + " needs security level " +
                    std::string(auth::to_string(iface->security.min_level)) +
                    " or above with an accepted provider; the caller has " +
                    std::string(auth::to_string(request.caller.auth_level)));
  if (request.opnum >= iface->handlers.size() || !iface->handlers[request.opnum])
    return fail(FaultCode::op_rng_error, "opnum " + std::to_string(request.opnum) + " not served by " +
                                             std::string(spec.name));
  const OperationSpec& op = spec.operations[request.opnum];

  auto state = std::make_unique<detail::ServerCallState>();
  state->args = ArgsBox(*op.args);
  if (request.transfer) {
    const auto& syntaxes = spec.transfer_syntaxes;
    if (std::find(syntaxes.begin(), syntaxes.end(), *request.transfer) == syntaxes.end())
      return fail(FaultCode::proto_error, "transfer syntax " + to_string(*request.transfer) +
                                              " not offered by " + std::string(spec.name));
    Status st;
    if (op.raw) {
      auto& raw = *static_cast<RawArgs*>(state->args.get());
      raw.in = std::move(request.stub);
      raw.out = std::move(request.reply_buffer);
    } else {
      st = op.pull_in(request.stub, *request.transfer, request.caller.little_endian, state->args.get());
      state->reply_buffer = std::move(request.reply_buffer);
      state->spent = std::move(request.stub);
    }
    if (!st.ok())
      return fail(FaultCode::fault_ndr, "unmarshalling [in] of " + std::string(op.name) + ": " + to_string(st));
  } else {
    // A local call: the client's stubs must be the very ones registered here, or moving its
    // argument struct would mix two types.
    if (request.direct_type != op.args || !request.direct_args)
      return fail(FaultCode::unsupported_type, "local call with another argument type for " + std::string(op.name));
    op.args->move_assign(state->args.get(), request.direct_args);
  }
  state->server = this;
  state->interface = &spec;
  state->operation = &op;
  state->opnum = request.opnum;
  state->object = request.object;
  state->caller = std::move(request.caller);
  state->transfer = request.transfer;
  state->reply = std::move(reply);
  state->cancel = request.cancel ? std::move(request.cancel) : std::make_shared<CallCancel>();
  if (intercept) {
    intercept->info.interface = &spec;
    intercept->info.operation = &op;
    if (!op.raw) intercept->info.args = state->args.get();
    intercept->begin();
  }

  // A handler that throws has dropped its call if it still held it (its ServerCall was destroyed
  // while unwinding, answering nca_s_fault_unspec); one that stored the call first keeps it.
  // Either way the exception stops here: a handler's failure is a fault, never a crash.
  try {
    iface->handlers[request.opnum](iface->impl, ServerCall(std::move(state)));
  } catch (...) {
  }
}

AssociationId ServerCore::open_association() {
  AssociationId id = next_association_++;
  context_handles_.association_opened(id);
  return id;
}

void ServerCore::close_association(AssociationId id) { context_handles_.rundown(id); }

}  // namespace nca::rpc
