#include "nca/epm/mapper_resolver.h"

#include <map>
#include <tuple>

#include "nca/epm/epm_client.h"

namespace nca::epm {
namespace {

// The cache key: what identifies "this interface on this host over this protseq".
using Key = std::tuple<rpc::Protseq, std::string, std::string, rpc::SyntaxId>;  // protseq, host, object, interface

rpc::Binding without_endpoint(const rpc::Binding& b) {
  rpc::Binding out;
  out.set_protseq(b.protseq()).set_host(b.host()).set_object(b.object());
  return out;
}

Key key_of(const rpc::Binding& b, const rpc::SyntaxId& iface) {
  return {b.protseq(), b.host(), b.object().value_or(""), iface};
}

}  // namespace

MapperResolverConfig MapperResolverConfig::at(const rpc::Binding& mapper) {
  rpc::Binding m = mapper_binding(mapper);
  MapperResolverConfig c;
  if (m.protseq() == rpc::Protseq::kNcalrpc) c.ncalrpc_endpoint = m.endpoint().value_or(c.ncalrpc_endpoint);
  else c.epm_port = m.port().value_or(c.epm_port);
  return c;
}

struct MapperResolver::State {
  rpc::Executor& executor;
  HandleFactory make_handle;
  MapperResolverConfig config;
  std::map<Key, std::string> cache;
  uint64_t map_calls = 0;
};

MapperResolver::MapperResolver(rpc::Executor& executor, HandleFactory make_handle, MapperResolverConfig config)
    : state_(std::make_shared<State>(State{executor, std::move(make_handle), std::move(config), {}, 0})) {}

MapperResolver::~MapperResolver() = default;

rpc::Binding MapperResolver::mapper_for(const rpc::Binding& binding) const {
  rpc::Binding mapper;
  mapper.set_protseq(binding.protseq()).set_host(binding.host());
  mapper.set_endpoint(binding.protseq() == rpc::Protseq::kNcalrpc ? state_->config.ncalrpc_endpoint
                                                                  : std::to_string(state_->config.epm_port));
  return mapper;
}

void MapperResolver::resolve(const rpc::Binding& binding, const rpc::SyntaxId& interface,
                             rpc::UniqueFunction<void(rpc::Result<rpc::Binding>)> done) {
  State& s = *state_;
  auto found = s.cache.find(key_of(binding, interface));
  if (found != s.cache.end()) {
    rpc::Binding out = binding;
    out.set_endpoint(found->second);
    s.executor.post([done = std::move(done), out = std::move(out)]() mutable { done(std::move(out)); });
    return;
  }
  rpc::Binding mapper = mapper_for(binding);
  std::shared_ptr<rpc::BindingHandle> handle = s.make_handle ? s.make_handle(mapper) : nullptr;
  if (!handle) {
    s.executor.post([done = std::move(done), mapper]() mutable {
      done(rpc::Status::transport(0, "no handle to the endpoint mapper at " + mapper.to_string()));
    });
    return;
  }
  ++s.map_calls;
  std::weak_ptr<State> weak = state_;
  rpc::CallOptions options;
  options.timeout = std::chrono::duration_cast<rpc::Executor::Duration>(s.config.timeout);
  map_endpoints(*handle, without_endpoint(binding), interface, options,
                [weak, ex = &s.executor, handle, binding, interface,
                 done = std::move(done)](rpc::Result<MapAnswer> r) mutable {
                  // The handle is released by a posted task, never inside its own completion
                  // (the executor outlives the resolver).
                  ex->post([handle] {});
                  auto state = weak.lock();
                  if (!state) return done(rpc::Status::cancelled("the endpoint resolver is gone"));
                  if (!r) return done(std::move(r).take_error());
                  if (r->status != 0 || r->endpoints.empty()) {
                    uint32_t code = r->status != 0 ? r->status : kEptNoMoreEntries;
                    return done(rpc::Status::protocol(code, "the endpoint mapper at " + binding.host() +
                                                                " knows no endpoint for " + to_string(interface)));
                  }
                  state->cache[key_of(binding, interface)] = r->endpoints.front();
                  rpc::Binding out = binding;
                  out.set_endpoint(r->endpoints.front());
                  done(std::move(out));
                });
}

void MapperResolver::invalidate(const rpc::Binding& binding) {
  auto& cache = state_->cache;
  for (auto it = cache.begin(); it != cache.end();) {
    const auto& [p, host, object, iface] = it->first;
    if (p == binding.protseq() && host == binding.host() && object == binding.object().value_or(""))
      it = cache.erase(it);
    else
      ++it;
  }
}

size_t MapperResolver::cache_size() const { return state_->cache.size(); }
uint64_t MapperResolver::map_calls() const { return state_->map_calls; }

}  // namespace nca::epm
