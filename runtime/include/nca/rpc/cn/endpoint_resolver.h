// EndpointResolver: fills in the endpoint of a binding that has none ("ncacn_ip_tcp:HOST",
// "ncalrpc:") by asking the endpoint mapper, as Windows and Samba clients do: ept_map over
// ncacn_ip_tcp to port 135 of the same host (ResolverConfig::epm_port), or over
// ncalrpc:[EPMAPPER] for ncalrpc. Answers are cached per (binding without endpoint, interface);
// invalidate() drops a binding's answers (the client does when a connect to a cached endpoint
// fails, then resolves once more).
//
// ClientHandle resolves through ClientConfig::resolver, or through a resolver of its own when
// none is given; share one resolver between handles to share its cache.
//
// Threading: the executor's loop thread. The executor must outlive the resolver; an answer
// still pending when the resolver is destroyed completes with kind cancelled.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "nca/rpc/binding.h"
#include "nca/rpc/cn/loop_executor.h"
#include "nca/rpc/function.h"
#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

namespace nca::rpc::cn {

struct ResolverConfig {
  uint16_t epm_port = 135;                 // the mapper's port on the binding's host
  std::string ncalrpc_endpoint = "EPMAPPER";
  std::string ncalrpc_dir = "/tmp";        // where ncalrpc sockets live
  std::chrono::milliseconds timeout{10000};  // per ept_map call
};

class EndpointResolver {
 public:
  explicit EndpointResolver(LoopExecutor& executor, ResolverConfig config = {});
  ~EndpointResolver();
  EndpointResolver(const EndpointResolver&) = delete;
  EndpointResolver& operator=(const EndpointResolver&) = delete;

  // True for bindings this resolver completes: ncacn_ip_tcp without a port, ncalrpc without an
  // endpoint name.
  static bool needs_endpoint(const Binding& binding);

  // `binding` with the endpoint the mapper gives for `interface` (the first tower of its answer),
  // from the cache when known. `done` runs exactly once, later, on the loop thread. Errors: the
  // mapper could not be reached or failed (its Status), or it knows no endpoint (kind protocol,
  // code = the ept status, e.g. 0x16c9a0d6 ept_s_not_registered).
  void resolve(const Binding& binding, const SyntaxId& interface, UniqueFunction<void(Result<Binding>)> done);

  // Forgets every cached answer for `binding` (its endpoint is ignored).
  void invalidate(const Binding& binding);

  size_t cache_size() const;
  // ept_map calls made so far (cache misses).
  uint64_t map_calls() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace nca::rpc::cn
