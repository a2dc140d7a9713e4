// ServerPool: one endpoint served by N threads, each running its own net::Loop, LoopExecutor,
// ServerCore and cn::Server (the "one event loop per thread, one loop per core" model).
//
// Every thread calls the user's setup callback on its own thread to register its interfaces on
// its own ServerCore (and to make the services they need, kept in Thread::state). All the
// Servers share one AssociationGroups, so a client's second connection may land on any thread
// and still join the group of its first (MS-RPCE 3.3.1.3).
//
// Bindings:
//  - ncacn_ip_tcp: every thread listens on the same address and port with SO_REUSEPORT (when
//    there is more than one thread; ServerConfig::reuse_port) and Linux spreads new connections
//    by a hash of the 4-tuple. Port 0: thread 0 picks the port, the others bind that port. While
//    the pool runs, another process of the same user that sets SO_REUSEPORT could bind the port
//    too (the kernel's rule); one without it cannot.
//  - ncalrpc: only thread 0 listens (SO_REUSEPORT does not spread unix-socket connections, and a
//    path is bound once); its connections are served by thread 0. TODO(perf): hand accepted
//    fds to the other loops if ncalrpc load ever matters.
//
// Threading: start(), close(), join() and the destructor are for the thread that owns the pool
// (close() and post() may be called from any thread). Everything a Thread holds (loop, executor,
// core, server, state) belongs to that thread: use it only in setup or in post()'s callbacks.
// Context handles stay with the thread (Server, ServerCore) whose call created them; a call on
// another thread's connection of the same association group does not see them.
//
// Lifetime: on each thread, after close(), the Server closes (listeners stop, connections are
// disconnected), the loop runs until nothing is left (e.g. handlers' pending timers), then the
// Server, the ServerCore, Thread::state, the executor and the loop are destroyed in that order
// on that thread. join() waits for every thread; the destructor does close() and join().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "nca/net/address.h"
#include "nca/net/callback.h"
#include "nca/net/loop.h"
#include "nca/net/status.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/loop_executor.h"
#include "nca/rpc/cn/server.h"
#include "nca/rpc/server.h"

namespace nca::rpc::cn {

struct ServerPoolConfig {
  // Threads (each one loop and one Server); 0: one per core (std::thread::hardware_concurrency).
  size_t threads = 1;
  // Each thread's Server configuration; the pool sets `groups` (one shared AssociationGroups,
  // unless one is given) and `reuse_port` (true when more than one thread).
  ServerConfig server;
};

class ServerPool {
 public:
  // One serving thread's objects, owned by that thread.
  struct Thread {
    size_t index;  // 0..size()-1
    net::Loop& loop;
    LoopExecutor& executor;
    ServerCore& core;
    Server* server = nullptr;  // null during setup
    // What setup keeps alive for this thread (its services); destroyed on the thread after the
    // ServerCore.
    std::shared_ptr<void> state;
  };
  // Runs on each new thread before its Server exists: register interfaces on t.core. Returning
  // false fails start().
  using Setup = std::function<bool(Thread& t)>;

  ServerPool(ServerPoolConfig config, Setup setup);
  ~ServerPool();
  ServerPool(const ServerPool&) = delete;
  ServerPool& operator=(const ServerPool&) = delete;

  // Starts the threads and listens on every binding (forms as Server::listen), once; blocks
  // until every thread listens. Returns the bound address of each binding, as thread 0 bound it
  // (a TCP port 0 replaced by the chosen one). On failure no thread is left running and the
  // status says what failed (Errc::invalid_argument with detail "setup failed" when a setup
  // callback returned false).
  net::Result<std::vector<net::Address>> start(const std::vector<Binding>& bindings);

  // Asks every thread to close its Server and finish; returns at once. Thread-safe, idempotent.
  void close();
  // Waits until every thread has finished: they run until close() (mgmt's remote
  // stop_server_listening, when allowed, closes only the Server of the thread it arrived on).
  // Returns the first thread's loop-close error (Errc::busy: something was left open), else ok.
  net::Status join();

  // Runs fn(thread) on thread i's loop, later, exactly once while the thread runs; a post after
  // the thread has finished its loop is dropped. Thread-safe.
  void post(size_t i, std::function<void(Thread&)> fn);

  size_t size() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace nca::rpc::cn
