// MapperResolver: endpoint resolution (rpc::EndpointResolver) by asking the endpoint mapper, as
// Windows and Samba clients do: ept_map at port 135 of the binding's host for ncacn_ip_tcp
// (MapperResolverConfig::epm_port), at ncalrpc:[EPMAPPER] for ncalrpc. Answers are cached per
// (binding without endpoint, interface); invalidate() drops a binding's answers (a client handle
// does when a connect to a cached endpoint fails, then resolves once more).
//
// The resolver knows no protocol engine: it makes its handle to the mapper with the HandleFactory
// it is given (a cn::ClientHandle today, cn_client.h; a datagram handle asking over UDP 135
// later), one per ept_map, destroyed once the answer is in.
//
// Threading: the executor's thread. The executor must outlive the resolver; an answer still
// pending when the resolver is destroyed completes with kind cancelled.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "nca/epm/mapper_binding.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/binding_handle.h"
#include "nca/rpc/endpoint_resolver.h"
#include "nca/rpc/executor.h"

namespace nca::epm {

struct MapperResolverConfig {
  uint16_t epm_port = kMapperPort;  // the mapper's port on the binding's host
  std::string ncalrpc_endpoint{kMapperNcalrpcEndpoint};
  std::chrono::milliseconds timeout{10000};  // per ept_map call
  // The mapper at `mapper` (its endpoint, or the well-known one when it names none).
  static MapperResolverConfig at(const rpc::Binding& mapper);
};

class MapperResolver final : public rpc::EndpointResolver {
 public:
  // Makes a handle to the endpoint mapper at `mapper` (a binding with an endpoint); null when it
  // cannot (the resolution then fails with kind transport).
  using HandleFactory = std::function<std::unique_ptr<rpc::BindingHandle>(const rpc::Binding& mapper)>;

  MapperResolver(rpc::Executor& executor, HandleFactory make_handle, MapperResolverConfig config = {});
  ~MapperResolver() override;
  MapperResolver(const MapperResolver&) = delete;
  MapperResolver& operator=(const MapperResolver&) = delete;

  // `binding` with the endpoint the mapper gives for `interface` (the first tower of its answer),
  // from the cache when known. Errors: the mapper could not be reached or failed (its Status), or
  // it knows no endpoint (kind protocol, code = the ept status, e.g. 0x16c9a0d6
  // ept_s_not_registered).
  void resolve(const rpc::Binding& binding, const rpc::SyntaxId& interface,
               rpc::UniqueFunction<void(rpc::Result<rpc::Binding>)> done) override;
  void invalidate(const rpc::Binding& binding) override;

  // The mapper asked for `binding`: the same host, the config's port or ncalrpc endpoint.
  rpc::Binding mapper_for(const rpc::Binding& binding) const;
  size_t cache_size() const;
  // ept_map calls made so far (cache misses).
  uint64_t map_calls() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace nca::epm
