// EndpointResolver: fills in the endpoint of a binding that has none ("ncacn_ip_tcp:HOST",
// "ncalrpc:"), the abstract service a protocol engine's client handle asks before it connects.
// The engines know only this interface; the implementation that asks an endpoint mapper
// (ept_map) is nca::epm::MapperResolver, which makes its handles to the mapper through a factory
// it is given, so it serves any engine (nca/epm/mapper_resolver.h; nca/epm/cn_client.h sets it
// up for the cn engine). Tests substitute their own.
//
// Contract for implementations: resolve() runs `done` exactly once, later (never inside
// resolve()), on the thread of the executor the resolver was made for; the binding it gives has
// the same protocol sequence, host and object as the one asked about, with an endpoint. An
// implementation may cache answers; invalidate() tells it that an answer it gave for this
// binding did not work (a connect to it failed), and the next resolve() must ask afresh.
//
// Threading: one executor's thread, like the handles that use it.
#pragma once

#include "nca/rpc/binding.h"
#include "nca/rpc/function.h"
#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

namespace nca::rpc {

class EndpointResolver {
 public:
  virtual ~EndpointResolver() = default;

  // True for bindings a resolver completes: ncacn_ip_tcp and ncadg_ip_udp without a port,
  // ncalrpc without an endpoint name.
  static bool needs_endpoint(const Binding& binding);

  // `binding` with the endpoint at which `interface` is served. Errors: the resolver could not
  // find out (its Status), or it knows no endpoint (kind protocol; the code says why, e.g. the
  // mapper's 0x16c9a0d6 ept_s_not_registered).
  virtual void resolve(const Binding& binding, const SyntaxId& interface,
                       UniqueFunction<void(Result<Binding>)> done) = 0;

  // Forgets what was resolved for `binding` (its endpoint is ignored), for every interface.
  virtual void invalidate(const Binding& binding) = 0;
};

}  // namespace nca::rpc
