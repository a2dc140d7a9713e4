#include "nca/rpc/endpoint_resolver.h"

namespace nca::rpc {

bool EndpointResolver::needs_endpoint(const Binding& b) {
  if (b.protseq() == Protseq::kNcacnIpTcp || b.protseq() == Protseq::kNcadgIpUdp) return !b.port();
  if (b.protseq() == Protseq::kNcalrpc) return !b.endpoint() || b.endpoint()->empty();
  return false;
}

}  // namespace nca::rpc
