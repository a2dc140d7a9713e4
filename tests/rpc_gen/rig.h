// A server core with one registered service, an executor driven by a fake clock, and binding
// handles to it by name ("local" or "loopback"), for the generated-stub tests.
#pragma once

#include <coroutine>
#include <exception>
#include <functional>
#include <memory>
#include <string>

#include "in_process.h"
#include "nca/rpc/in_process_handle.h"

namespace rpcgen_test {

struct Rig {
  nca::rpc::ManualExecutor executor;
  nca::rpc::ServerCore server;
  std::function<bool(const std::function<bool()>&)> drive = ncaecho::drive(executor, ncaecho::Clock::fake);

  // A new association to `server` through the handle called `kind`.
  std::unique_ptr<nca::rpc::BindingHandle> handle(const std::string& kind) {
    if (kind == "local") return std::make_unique<nca::rpc::LocalHandle>(executor, server);
    return std::make_unique<nca::rpc::LoopbackHandle>(executor, server);
  }
};

// The smallest eager coroutine, for the awaitable forms: runs to its first co_await, then on from
// the completions; the frame frees itself at the end.
struct Detached {
  struct promise_type {
    Detached get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
};

}  // namespace rpcgen_test
