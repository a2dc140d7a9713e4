// The endpoint mapper for clients of the connection-oriented engine. The cn engine resolves a
// binding without an endpoint only through the rpc::EndpointResolver its ClientConfig is given
// (it does not know the mapper); these put the mapper there, so that "ncacn_ip_tcp:HOST" and
// "ncalrpc:" work as Windows and Samba clients make them work. Library: nca_epm_cn.
//
// Threading: the executor's loop thread, like the handles.
#pragma once

#include <memory>

#include "nca/epm/mapper_resolver.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/loop_executor.h"

namespace nca::epm {

// A MapperResolver whose ept_map calls go over cn::ClientHandles on `executor`, made with
// `mapper_client` (its ncalrpc_dir, limits and stats; NDR64 is not offered, and the mapper's
// binding always has its endpoint). Share one between handles to share its cache. The executor
// must outlive it.
std::shared_ptr<MapperResolver> make_cn_resolver(rpc::LoopExecutor& executor, rpc::cn::ClientConfig mapper_client = {},
                                                 MapperResolverConfig config = {});

// A cn::ClientHandle for `binding` that resolves a missing endpoint through the endpoint mapper
// of the binding's host: config.resolver when set, else a make_cn_resolver of its own (the
// mapper at the well-known endpoint, reached with config.ncalrpc_dir).
std::unique_ptr<rpc::cn::ClientHandle> make_client_handle(rpc::LoopExecutor& executor, rpc::Binding binding,
                                                          rpc::cn::ClientConfig config = {});

}  // namespace nca::epm
