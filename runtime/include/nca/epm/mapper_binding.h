// Where clients find an endpoint mapper: its well-known endpoints and the binding of the mapper
// at a host. The one definition the resolver, the registration and the tools share.
#pragma once

#include <cstdint>
#include <string_view>

#include "nca/rpc/binding.h"

namespace nca::epm {

// TCP (and UDP) port 135 (C706 appendix I), and the ncalrpc endpoint name Samba and ncaepmd
// listen on.
inline constexpr uint16_t kMapperPort = 135;
inline constexpr std::string_view kMapperNcalrpcEndpoint = "EPMAPPER";

// The binding of the endpoint mapper at `where`: `where` itself when it names an endpoint, else
// the well-known one for its protocol sequence (ncacn_ip_tcp:HOST[135], ncalrpc:[EPMAPPER]).
// Other protocol sequences come back as given.
rpc::Binding mapper_binding(rpc::Binding where);

}  // namespace nca::epm
