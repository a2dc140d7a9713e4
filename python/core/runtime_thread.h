// The process's runtime thread: one nca::net::Loop and its LoopExecutor, on a thread of their
// own, where every binding handle and server of ncarpc._core lives (nca::rpc is single-threaded).
// Python threads hand work over with post() or run(); the asyncio loop is never blocked by it.
//
// Lifetime: started on first use and never stopped (the process exit ends it); nothing is
// destroyed at interpreter shutdown, so no nca::net object outlives its loop.
#pragma once

#include <functional>
#include <thread>

#include "nca/net/loop.h"
#include "nca/rpc/loop_executor.h"

namespace ncapy {

class RuntimeThread {
 public:
  static RuntimeThread& get();

  // Thread-safe: runs fn on the runtime thread later, exactly once.
  void post(std::function<void()> fn);
  // Runs fn on the runtime thread and waits for it (releasing the GIL when the caller holds it).
  // Called on the runtime thread itself, runs fn at once.
  void run(const std::function<void()>& fn);
  bool on_runtime_thread() const { return std::this_thread::get_id() == id_; }

  nca::net::Loop& loop() { return loop_; }
  nca::rpc::LoopExecutor& executor() { return executor_; }

 private:
  RuntimeThread();
  nca::net::Loop loop_;
  nca::rpc::LoopExecutor executor_{loop_};
  std::thread::id id_;
};

}  // namespace ncapy
