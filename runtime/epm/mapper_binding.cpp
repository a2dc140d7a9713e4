#include "nca/epm/mapper_binding.h"

#include <string>

#include "nca/rpc/endpoint_resolver.h"

namespace nca::epm {

rpc::Binding mapper_binding(rpc::Binding where) {
  if (rpc::EndpointResolver::needs_endpoint(where))
    where.set_endpoint(where.protseq() == rpc::Protseq::kNcalrpc ? std::string(kMapperNcalrpcEndpoint)
                                                                 : std::to_string(kMapperPort));
  return where;
}

}  // namespace nca::epm
