#include "handle_state.h"

#include <string>
#include <utility>

namespace nca::rpc::detail {

HandleState::~HandleState() {
  // Timers capture `this`: none may fire after we are gone.
  for (auto& [id, call] : calls)
    if (call.timer) executor.cancel_timer(call.timer);
}

CallId HandleState::add(const InterfaceSpec& iface, const OperationSpec& op, void* args,
                        Executor::Duration timeout, BindingHandle::Done done) {
  CallId id = next_id++;
  PendingCall& call = calls[id];
  call.interface = &iface;
  call.op = &op;
  call.args = args;
  call.done = std::move(done);
  if (timeout.count() > 0) {
    call.timer = executor.start_timer(timeout, [this, id, timeout] {
      auto it = calls.find(id);
      if (it == calls.end()) return;
      it->second.timer = 0;  // fired: nothing to cancel
      finish(id, Status::timeout("no reply within " + std::to_string(timeout.count()) + " ms"));
    });
  }
  return id;
}

PendingCall* HandleState::find(CallId id) {
  auto it = calls.find(id);
  return it == calls.end() ? nullptr : &it->second;
}

void HandleState::intercept(CallId id, uint16_t opnum, const Uuid& object) {
  if (interceptors.empty()) return;
  PendingCall& call = calls.at(id);
  auto ic = std::make_unique<InterceptedCall>(interceptors);
  CallInfo& info = ic->info;
  info.side = CallSide::client;
  info.interface = call.interface;
  info.interface_id = call.interface->id;
  info.opnum = opnum;
  info.object = object;
  info.binding = binding;
  if (!call.op->raw) {
    info.operation = call.op;
    info.args = call.args;
  } else if (opnum < call.interface->operations.size()) {
    info.operation = &call.interface->operations[opnum];  // named, but its args are raw bytes
  }
  ic->begin();
  call.intercept = std::move(ic);
}

bool HandleState::finish(CallId id, Status status) {
  auto it = calls.find(id);
  if (it == calls.end()) return false;
  PendingCall call = std::move(it->second);
  calls.erase(it);
  if (call.timer) executor.cancel_timer(call.timer);
  // The caller's struct is still whole (its `done` has not run): after() may read the [out]s.
  if (call.intercept) call.intercept->end(status);
  bool abandoned = status.kind == StatusKind::timeout || status.kind == StatusKind::cancelled;
  // Posting keeps the rule that a completion never runs inside the call that caused it (call(),
  // cancel(), or a server completing synchronously inside dispatch).
  executor.post([done = std::move(call.done), status = std::move(status)]() mutable {
    done(std::move(status));
  });
  if (abandoned && on_abandon) on_abandon(id);
  return true;
}

void HandleState::finish_all(const Status& status) {
  while (!calls.empty()) finish(calls.begin()->first, status);
}

}  // namespace nca::rpc::detail
