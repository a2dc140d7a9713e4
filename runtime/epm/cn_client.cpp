#include "nca/epm/cn_client.h"

namespace nca::epm {

std::shared_ptr<MapperResolver> make_cn_resolver(rpc::LoopExecutor& executor, rpc::cn::ClientConfig mapper_client,
                                                 MapperResolverConfig config) {
  mapper_client.offer_ndr64 = false;
  mapper_client.resolver = nullptr;
  auto make_handle = [&executor, mapper_client](const rpc::Binding& mapper) -> std::unique_ptr<rpc::BindingHandle> {
    return std::make_unique<rpc::cn::ClientHandle>(executor, mapper, mapper_client);
  };
  return std::make_shared<MapperResolver>(executor, std::move(make_handle), std::move(config));
}

std::unique_ptr<rpc::cn::ClientHandle> make_client_handle(rpc::LoopExecutor& executor, rpc::Binding binding,
                                                          rpc::cn::ClientConfig config) {
  if (!config.resolver && rpc::EndpointResolver::needs_endpoint(binding)) {
    rpc::cn::ClientConfig mapper_client;
    mapper_client.ncalrpc_dir = config.ncalrpc_dir;
    config.resolver = make_cn_resolver(executor, std::move(mapper_client));
  }
  return std::make_unique<rpc::cn::ClientHandle>(executor, std::move(binding), std::move(config));
}

}  // namespace nca::epm
