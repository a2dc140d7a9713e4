#include "nca/epm/dg_client.h"

namespace nca::epm {

std::shared_ptr<MapperResolver> make_dg_resolver(rpc::LoopExecutor& executor, rpc::dg::ClientConfig mapper_client,
                                                 MapperResolverConfig config) {
  mapper_client.resolver = nullptr;  // the mapper's own binding always has its endpoint
  auto make_handle = [&executor, mapper_client](const rpc::Binding& mapper) -> std::unique_ptr<rpc::BindingHandle> {
    return std::make_unique<rpc::dg::ClientHandle>(executor, mapper, mapper_client);
  };
  return std::make_shared<MapperResolver>(executor, std::move(make_handle), std::move(config));
}

std::unique_ptr<rpc::dg::ClientHandle> make_dg_client_handle(rpc::LoopExecutor& executor, rpc::Binding binding,
                                                             rpc::dg::ClientConfig config) {
  if (!config.resolver && rpc::EndpointResolver::needs_endpoint(binding))
    config.resolver = make_dg_resolver(executor);
  return std::make_unique<rpc::dg::ClientHandle>(executor, std::move(binding), std::move(config));
}

}  // namespace nca::epm
