// Call interceptors: code that sees every call a client binding handle makes or a ServerCore
// serves, before it starts and after it ends, with what it was (interface, operation, binding),
// how it went (status, time taken) and how big it was (stub bytes each way). Logging
// (log_interceptor.h), the `print` binding option (print_interceptor.h), metrics and tracing are
// interceptors. They live in the engine-independent layer: MarshallingHandle (every engine's
// client handle) and ServerCore::dispatch (every engine's server) run them, so a protocol engine
// gets them without code of its own.
//
// Tracing: before() may return a CallSpan, the interceptor's own state for that call (an
// OpenTelemetry span, say); the runtime keeps it for the call and hands it back to after(), then
// destroys it. Interceptors run in the order they were added before the call and in reverse
// order after it, so spans nest.
//
// Threading: on the thread of the handle's executor (client) or of the server's loop (server).
// An interceptor shared by several handles on several threads must be thread-safe itself.
// Cost: nothing when no interceptor is added; otherwise one allocation and two clock reads per
// call plus what the interceptors do.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nca/rpc/interface.h"
#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

namespace nca::rpc {

enum class CallSide : uint8_t { client, server };
std::string_view to_string(CallSide side);

// One call as interceptors see it. Fields marked "after" are set only when after() runs.
struct CallInfo {
  using Clock = std::chrono::steady_clock;

  CallSide side = CallSide::client;
  // The interface and operation; on the server null when the request names an interface or an
  // opnum that is not served (then `interface_id` and `opnum` still say what was asked for).
  const InterfaceSpec* interface = nullptr;
  const OperationSpec* operation = nullptr;
  SyntaxId interface_id;
  uint16_t opnum = 0;
  Uuid object;
  // Client: the binding the handle reaches ("ncacn_ip_tcp:127.0.0.1[5000]"; "" when the handle
  // was not told, e.g. a handle over a given stream). Server: "TRANSPORT:PEER" of the caller.
  std::string_view binding;
  // The operation's argument struct (an R for `operation->args`): client: the caller's, [in]s set
  // in before(), [out]s set in after() when the call succeeded. Server: [in]s set in before() and
  // [out]s in after() when the call succeeded; null when the request did not decode or the
  // interface or operation is unknown.
  const void* args = nullptr;

  Clock::time_point start;        // when before() ran
  Clock::duration elapsed{};      // after: from before() to after()
  Status status;                  // after: ok, or the failure (server: the fault answered)
  size_t request_bytes = 0;       // request stub data (client: after; server: before and after)
  size_t response_bytes = 0;      // after: response stub data (0 for a fault or a local call)
};

// An interceptor's state for one call (a span): made by before(), given to after(), then
// destroyed.
class CallSpan {
 public:
  virtual ~CallSpan() = default;
};

class CallInterceptor {
 public:
  virtual ~CallInterceptor() = default;
  // The call starts (client: before its request is marshalled; server: once its [in]s are
  // unmarshalled, before the handler runs). May return the call's span, or null.
  virtual std::unique_ptr<CallSpan> before(const CallInfo& call) = 0;
  // The call ended: client, when its completion is queued (the caller's `done` runs after this);
  // server, when its reply (or fault) goes to the engine. `span` is what before() returned.
  virtual void after(const CallInfo& call, CallSpan* span) = 0;
};

// An ordered list of interceptors (a handle's or a server's). Adding one affects the calls that
// start afterwards; a call keeps the list it started with.
class Interceptors {
 public:
  using List = std::vector<std::shared_ptr<CallInterceptor>>;
  void add(std::shared_ptr<CallInterceptor> interceptor);
  bool empty() const { return !list_; }
  const std::shared_ptr<const List>& list() const { return list_; }

 private:
  std::shared_ptr<const List> list_;  // null: none (the common case costs one test)
};

namespace detail {
// One intercepted call: its CallInfo and the spans. Runs before() once (begin) and after() once
// (end), whichever of the runtime's paths the call takes.
class InterceptedCall {
 public:
  explicit InterceptedCall(const Interceptors& interceptors) : list_(interceptors.list()) {}
  InterceptedCall(const InterceptedCall&) = delete;
  InterceptedCall& operator=(const InterceptedCall&) = delete;

  CallInfo info;
  std::string binding_text;  // what info.binding views when the runtime composed it

  void begin();
  void end(Status status);

 private:
  std::shared_ptr<const Interceptors::List> list_;
  std::vector<std::unique_ptr<CallSpan>> spans_;
  bool begun_ = false, ended_ = false;
};
}  // namespace detail

}  // namespace nca::rpc
