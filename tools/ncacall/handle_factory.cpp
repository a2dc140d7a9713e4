#include "handle_factory.h"

#include "nca/epm/cn_client.h"
#include "nca/epm/dg_client.h"
#include "nca/rpc/cn/client.h"

namespace ncacall {

std::unique_ptr<nca::rpc::BindingHandle> make_handle(nca::rpc::LoopExecutor& executor,
                                                     const nca::rpc::Binding& binding,
                                                     const HandleOptions& options, std::string& error) {
  using nca::rpc::Protseq;
  switch (binding.protseq()) {
    case Protseq::kNcacnIpTcp:
    case Protseq::kNcalrpc:
    case Protseq::kUnspecified: {
      // The connection-oriented engine, resolving through the endpoint mapper.
      nca::rpc::cn::ClientConfig config;
      config.ncalrpc_dir = options.ncalrpc_dir;
      config.offer_ndr64 = options.offer_ndr64;
      nca::epm::MapperResolverConfig rc;
      rc.epm_port = options.epm_port;
      nca::rpc::cn::ClientConfig mapper_client;
      mapper_client.ncalrpc_dir = options.ncalrpc_dir;
      config.resolver = nca::epm::make_cn_resolver(executor, mapper_client, rc);
      return nca::epm::make_client_handle(executor, binding, config);
    }
    case Protseq::kNcadgIpUdp: {
      // The connectionless engine, resolving through the endpoint mapper's UDP endpoint. NDR64
      // is never offered over datagrams (no bind negotiates it) and ncalrpc_dir does not apply.
      nca::epm::MapperResolverConfig rc;
      rc.epm_port = options.epm_port;
      nca::rpc::dg::ClientConfig config;
      config.resolver = nca::epm::make_dg_resolver(executor, {}, rc);
      return nca::epm::make_dg_client_handle(executor, binding, config);
    }
    default:
      error = std::string(nca::rpc::protseq_name(binding.protseq())) + ": no engine of this build carries it";
      return nullptr;
  }
}

}  // namespace ncacall
