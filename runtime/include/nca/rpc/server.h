// The server core: the interface registry, dispatch of a call to its operation handler, the
// ServerCall a handler completes (now or later, in any order), associations and context handles.
//
// The protocol engines (and the in-process handles) turn requests into ServerRequest and feed
// ServerCore::dispatch; the runtime unmarshals the [in]s, calls the handler with a ServerCall,
// and marshals the [out]s or a fault into the ReplySink when the handler completes the call.
//
// Threading: one thread (the loop's) for everything here. Lifetime: the ServerCore must outlive
// every ServerCall it dispatched.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "nca/rpc/auth/level.h"
#include "nca/rpc/auth/provider.h"
#include "nca/rpc/call_stats.h"
#include "nca/rpc/context_handle.h"
#include "nca/rpc/function.h"
#include "nca/rpc/interceptor.h"
#include "nca/rpc/interface.h"
#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

namespace nca::rpc {

class ServerCore;

// Who is calling: the same for every call on one association.
struct CallerContext {
  std::string transport;  // "ncacn_ip_tcp", "ncalrpc", ..., "local" or "loopback" in-process
  std::string peer;       // the peer's address in the transport's text form; "" if none
  AssociationId association = 0;  // from ServerCore::open_association; owns context handles
  // The byte order the client declared for this call's stub data (the PDU's drep[0]); hand-written
  // and generated stubs pull [in] data in this order. Local calls: true.
  bool little_endian = true;
  // The association's security, as the engine's security filter established it: level none
  // and type none for an unauthenticated one (and for local calls).
  auth::Level auth_level = auth::Level::none;
  auth::AuthType auth_type = auth::kAuthTypeNone;
  uint32_t auth_context_id = 0;
  auth::Identity identity{};  // the client's principal, from the provider
};

// A client's request to cancel a call being served (a co_cancel or orphaned PDU): the engine
// requests it, the handler asks or is told through its ServerCall. Cancels are advisory (C706):
// the call is still answered, early or not, by the handler. Threading: the loop's thread.
class CallCancel {
 public:
  bool requested() const { return requested_; }
  // Runs fn once when cancellation is requested, or at once if it already was. A later
  // on_request replaces an earlier callback that has not run.
  void on_request(UniqueFunction<void()> fn);
  // Marks the call cancelled and runs the callback (once; later requests do nothing).
  void request();

 private:
  bool requested_ = false;
  UniqueFunction<void()> fn_;
};

struct ServerRequest {
  SyntaxId interface;
  uint16_t opnum = 0;
  Uuid object;  // nil when the request has none
  CallerContext caller;
  // Marshalled calls: the negotiated transfer syntax and the request's stub data.
  std::optional<SyntaxId> transfer;
  Bytes stub;
  // Local calls (no transfer syntax): the caller's argument struct and its type. Its [in] values
  // are moved out during dispatch(); the caller's struct is not touched again by the server.
  void* direct_args = nullptr;
  const ArgsType* direct_type = nullptr;
  // Where the engine signals the client's cancel; null when it cannot (the ServerCall then
  // makes its own, never requested).
  std::shared_ptr<CallCancel> cancel;
  // Optional memory for the response: an empty buffer whose capacity the [out]s are marshalled
  // into (raw operations: RawArgs::out starts as it). Engines pass recycled stubs here.
  Bytes reply_buffer;
};

// How a call ended, for the engine to send: a fault, or the response.
struct ServerReply {
  std::optional<Fault> fault;
  Bytes stub;    // marshalled calls: the response stub data
  ArgsBox args;  // local calls: the argument struct holding the [out] values
  // Marshalled calls: the request's stub memory, no longer needed (unmarshalled, or the raw
  // handler is done with it), handed back so the engine can reuse it. May be empty.
  Bytes spent;
};
// Runs exactly once per dispatched request: possibly inside dispatch() (when the call fails early
// or the handler completes synchronously), possibly much later. An engine that must not reply
// inside dispatch() posts from here.
using ReplySink = UniqueFunction<void(ServerReply)>;

namespace detail {
struct ServerCallState;
}

// One call being served. Move-only; exactly one of complete() or fault() per call. A ServerCall
// destroyed without either (a handler that drops it, or throws) answers the client with
// nca_s_fault_unspec, so a forgotten call is a fault and never a hang.
class ServerCall {
 public:
  ServerCall();  // empty: not pending
  explicit ServerCall(std::unique_ptr<detail::ServerCallState> state);
  ServerCall(ServerCall&&) noexcept;
  ServerCall& operator=(ServerCall&&) noexcept;
  ~ServerCall();

  // Preconditions for everything below: the call is pending (not completed, not moved from).
  uint16_t opnum() const;
  const Uuid& object() const;
  const InterfaceSpec& interface() const;
  const OperationSpec& operation() const;
  const CallerContext& caller() const;
  // The negotiated transfer syntax; nullopt for a local (unmarshalled) call.
  const std::optional<SyntaxId>& transfer_syntax() const;
  ServerCore& server() const;
  // The operation's argument struct: [in] members set; the handler fills the [out] members.
  void* args() const;
  // Whether the client asked to cancel this call (co_cancel or orphaned). The call must still
  // be completed or faulted; a cancelled client drops the reply.
  bool cancel_requested() const;
  // Runs fn on the loop's thread when the client asks to cancel (at once if it already has);
  // never after the call completed. A later on_cancel replaces an earlier one.
  void on_cancel(UniqueFunction<void()> fn);

  // The [out] members are final: marshal them (or hand them back, for a local call) and reply.
  // A marshalling failure becomes a fault nca_s_fault_ndr.
  void complete();
  // Answer with a fault. Code 0 (which MS-RPCE 3.3.3.5.1 forbids on the wire) becomes
  // nca_s_fault_unspec.
  void fault(Fault f);

  bool pending() const { return state_ != nullptr; }

 private:
  void finish(ServerReply reply);
  std::unique_ptr<detail::ServerCallState> state_;
};

// The typed view of a ServerCall that generated handler signatures use: R is the operation's
// argument struct. Exception enums are generated per interface; their values are the indexes in
// the interface's `exceptions` list.
template <class R>
class OpCall {
 public:
  explicit OpCall(ServerCall call) : call_(std::move(call)) {}

  R& args() { return *static_cast<R*>(call_.args()); }
  const CallerContext& caller() const { return call_.caller(); }
  ServerCall& call() { return call_; }

  void complete() { call_.complete(); }
  void fault(Fault f) { call_.fault(std::move(f)); }
  template <class E>
    requires std::is_enum_v<E>
  void raise(E exception, std::string message = {}) {
    call_.fault(Fault::exception(static_cast<uint32_t>(exception), std::move(message)));
  }
  bool pending() const { return call_.pending(); }

 private:
  ServerCall call_;
};

// An operation stub: hands the call to the user's implementation object `impl`. Generated ones
// are one line: static_cast<Impl*>(impl)->op(OpCall<R>(std::move(call))).
using HandlerFn = void (*)(void* impl, ServerCall call);

// A registration: the generated InterfaceSpec, the generated dispatch table (indexed by opnum,
// the same length as spec->operations; a null entry answers nca_s_op_rng_error) and the user's
// implementation. All three must outlive the registration.
// Who may call an interface: at least `min_level`, with one of `auth_types` (empty: any
// provider; ignored while min_level is none). A remote call that does not meet it is refused
// with fault access_denied before its handler runs, as Samba refuses a call below an
// interface's minimum auth level; in-process calls are not checked.
struct InterfaceSecurity {
  auth::Level min_level = auth::Level::none;
  std::vector<auth::AuthType> auth_types;
};

struct ServerInterface {
  const InterfaceSpec* spec = nullptr;
  std::span<const HandlerFn> handlers;
  void* impl = nullptr;
  InterfaceSecurity security{};
};

class ServerCore {
 public:
  ServerCore();
  ~ServerCore();
  ServerCore(const ServerCore&) = delete;
  ServerCore& operator=(const ServerCore&) = delete;

  // False if an interface with the same UUID and major version is already registered.
  bool register_interface(const ServerInterface& iface);
  bool unregister_interface(const SyntaxId& id);
  // The registration serving `id` as C706 matches versions: same UUID, same major version, and a
  // registered minor version at least the requested one. nullptr if none.
  const ServerInterface* find_interface(const SyntaxId& id) const;
  // The abstract syntax of every registered interface, ordered by UUID then major version (what
  // the management interface's inq_if_ids reports).
  std::vector<SyntaxId> interface_ids() const;

  // Serves one call; `reply` runs exactly once. Failures before the handler runs become faults:
  // unknown interface nca_s_unk_if, opnum out of range nca_s_op_rng_error, stub data that does not
  // decode nca_s_fault_ndr, a transfer syntax the interface lacks nca_s_proto_error. A handler that
  // throws is treated as one that dropped its call.
  void dispatch(ServerRequest request, ReplySink reply);

  // Associations own context handles: closing one runs the rundown of each handle it still owns.
  // Every CallerContext::association must come from open_association().
  AssociationId open_association();
  void close_association(AssociationId id);

  ContextHandleTable& context_handles() { return context_handles_; }

  // The management interface's counters: dispatch() counts calls_in; the protocol engines
  // serving this core count packets; client handles configured with it count calls_out.
  CallStats& stats() { return stats_; }
  const CallStats& stats() const { return stats_; }

  // Interceptors of the calls dispatched from now on (interceptor.h): before() once the [in]s
  // are unmarshalled, after() when the reply or fault goes to the engine. A request that fails
  // before its handler runs (unknown interface, bad stub data) is seen too, with its fault.
  void add_interceptor(std::shared_ptr<CallInterceptor> interceptor);

 private:
  void dispatch_call(ServerRequest request, ReplySink reply, detail::InterceptedCall* intercept);

  CallStats stats_;
  Interceptors interceptors_;
  std::map<std::pair<Uuid, uint16_t>, ServerInterface> interfaces_;  // key: uuid, major
  AssociationId next_association_ = 1;
  ContextHandleTable context_handles_;
};

}  // namespace nca::rpc
