// What every generated client stub shares: starting a call with a heap-allocated argument struct
// that the completion owns, and the awaitable behind the `Op_co()` coroutine form.
//
// Generated code (foo_client.h) calls these with its interface's kInterface / kOperations entry;
// keeping them here means each generated header carries only its per-operation code.
#pragma once

#include <coroutine>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "nca/rpc/binding_handle.h"
#include "nca/rpc/interface.h"

namespace nca::rpc {

template <class R, class T>
using ExtractResult = T (*)(R&);

// Starts `op` of `iface` with the argument struct `r`, which the completion owns; `done` gets
// extract(r) on success, the failure otherwise. Returns the handle's call id (for cancel()).
template <class R, class T>
CallId start_call(BindingHandle& handle, const InterfaceSpec& iface, const OperationSpec& op,
                  const CallOptions& options, std::unique_ptr<R> r, ExtractResult<R, T> extract,
                  UniqueFunction<void(T)> done) {
  R* args = r.get();
  return handle.call(iface, op, args, options,
                     [r = std::move(r), extract, done = std::move(done)](Status st) mutable {
                       if (!st.ok()) return done(T(std::move(st)));
                       done(extract(*r));
                     });
}

// `co_await` starts the call and resumes the coroutine from the handle's executor when it ends.
// The coroutine must not be destroyed while it waits here. `iface` and `op` are static tables.
template <class R, class T>
class [[nodiscard]] CallAwaitable {
 public:
  CallAwaitable(BindingHandle& handle, const InterfaceSpec& iface, const OperationSpec& op,
                const CallOptions& options, std::unique_ptr<R> r, ExtractResult<R, T> extract)
      : handle_(handle), iface_(iface), op_(op), options_(options), r_(std::move(r)),
        extract_(extract) {}
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> co) {
    start_call<R, T>(handle_, iface_, op_, options_, std::move(r_), extract_,
                     [this, co](T v) mutable {
                       result_.emplace(std::move(v));
                       co.resume();
                     });
  }
  T await_resume() { return std::move(*result_); }

 private:
  BindingHandle& handle_;
  const InterfaceSpec& iface_;
  const OperationSpec& op_;
  CallOptions options_;
  std::unique_ptr<R> r_;
  ExtractResult<R, T> extract_;
  std::optional<T> result_;
};

}  // namespace nca::rpc
