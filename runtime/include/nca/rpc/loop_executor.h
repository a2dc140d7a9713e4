// LoopExecutor: nca::rpc's Executor on an nca::net::Loop, so the binding handles and servers of
// every protocol engine complete their calls on the loop that runs their sockets. It is the one
// piece of nca::rpc that knows nca::net, so it has a library of its own (nca_rpc_loop) and the
// rest of nca_rpc stays free of the transport layer.
// Threading: the loop's thread only. Destroying it cancels its timers; tasks already deferred
// still run (Loop::defer runs each exactly once), so they hold only a weak reference to it.
#pragma once

#include <map>
#include <memory>

#include "nca/net/loop.h"
#include "nca/rpc/executor.h"

namespace nca::rpc {

class LoopExecutor final : public Executor {
 public:
  explicit LoopExecutor(net::Loop& loop);
  ~LoopExecutor() override;

  void post(UniqueFunction<void()> task) override;
  TimerId start_timer(Duration delay, UniqueFunction<void()> task) override;
  void cancel_timer(TimerId id) override;
  // The loop's cached time (libuv's uv_now), the clock its timers run on.
  Duration now() const override { return Duration(loop_.now_ms()); }

  net::Loop& loop() const { return loop_; }

 private:
  struct State;
  net::Loop& loop_;
  std::shared_ptr<State> state_;
};

}  // namespace nca::rpc
