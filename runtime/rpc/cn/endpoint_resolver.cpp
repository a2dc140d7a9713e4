#include "nca/rpc/cn/endpoint_resolver.h"

#include <map>
#include <tuple>

#include "nca/epm/epm_client.h"
#include "nca/rpc/cn/client.h"

namespace nca::rpc::cn {
namespace {

// The cache key: what identifies "this interface on this host over this protseq".
using Key = std::tuple<Protseq, std::string, std::string, SyntaxId>;  // protseq, host, object, interface

Binding without_endpoint(const Binding& b) {
  Binding out;
  out.set_protseq(b.protseq()).set_host(b.host()).set_object(b.object());
  return out;
}

Key key_of(const Binding& b, const SyntaxId& iface) {
  return {b.protseq(), b.host(), b.object().value_or(""), iface};
}

}  // namespace

struct EndpointResolver::State {
  LoopExecutor& executor;
  ResolverConfig config;
  std::map<Key, std::string> cache;
  uint64_t map_calls = 0;
};

EndpointResolver::EndpointResolver(LoopExecutor& executor, ResolverConfig config)
    : state_(std::make_shared<State>(State{executor, std::move(config), {}, 0})) {}

EndpointResolver::~EndpointResolver() = default;

bool EndpointResolver::needs_endpoint(const Binding& b) {
  if (b.protseq() == Protseq::kNcacnIpTcp) return !b.port();
  if (b.protseq() == Protseq::kNcalrpc) return !b.endpoint() || b.endpoint()->empty();
  return false;
}

void EndpointResolver::resolve(const Binding& binding, const SyntaxId& interface,
                               UniqueFunction<void(Result<Binding>)> done) {
  State& s = *state_;
  auto found = s.cache.find(key_of(binding, interface));
  if (found != s.cache.end()) {
    Binding out = binding;
    out.set_endpoint(found->second);
    s.executor.post([done = std::move(done), out = std::move(out)]() mutable { done(std::move(out)); });
    return;
  }
  // The mapper's own binding: the same host (or the ncalrpc mapper socket).
  Binding mapper;
  mapper.set_protseq(binding.protseq()).set_host(binding.host());
  mapper.set_endpoint(binding.protseq() == Protseq::kNcalrpc ? s.config.ncalrpc_endpoint
                                                             : std::to_string(s.config.epm_port));
  ClientConfig cc;
  cc.ncalrpc_dir = s.config.ncalrpc_dir;
  cc.offer_ndr64 = false;
  // The handle lives until the answer is in; it is released from a posted task, never inside its
  // own completion.
  auto handle = std::make_shared<ClientHandle>(s.executor, mapper, cc);
  ++s.map_calls;
  std::weak_ptr<State> weak = state_;
  CallOptions options;
  options.timeout = std::chrono::duration_cast<Executor::Duration>(s.config.timeout);
  epm::map_endpoints(*handle, without_endpoint(binding), interface, options,
                     [weak, ex = &s.executor, handle, binding, interface,
                      done = std::move(done)](Result<epm::MapAnswer> r) mutable {
                       // The handle is released by a posted task, never inside its own completion
                       // (the executor outlives the resolver).
                       ex->post([handle] {});
                       auto state = weak.lock();
                       if (!state) return done(Status::cancelled("the endpoint resolver is gone"));
                       if (!r) return done(std::move(r).take_error());
                       if (r->status != 0 || r->endpoints.empty()) {
                         uint32_t code = r->status != 0 ? r->status : epm::kEptNoMoreEntries;
                         return done(Status::protocol(code, "the endpoint mapper at " + binding.host() +
                                                                " knows no endpoint for " + to_string(interface)));
                       }
                       state->cache[key_of(binding, interface)] = r->endpoints.front();
                       Binding out = binding;
                       out.set_endpoint(r->endpoints.front());
                       done(std::move(out));
                     });
}

void EndpointResolver::invalidate(const Binding& binding) {
  auto& cache = state_->cache;
  for (auto it = cache.begin(); it != cache.end();) {
    const auto& [p, host, object, iface] = it->first;
    if (p == binding.protseq() && host == binding.host() && object == binding.object().value_or(""))
      it = cache.erase(it);
    else
      ++it;
  }
}

size_t EndpointResolver::cache_size() const { return state_->cache.size(); }
uint64_t EndpointResolver::map_calls() const { return state_->map_calls; }

}  // namespace nca::rpc::cn
