// The endpoint mapper for clients of the datagram engine: a MapperResolver whose ept_map calls
// go over dg::ClientHandles to the mapper's UDP endpoint (ncadg_ip_udp:HOST[135], as Windows
// clients ask it), and dg handles that resolve "ncadg_ip_udp:HOST" through it. Library:
// nca_epm_dg. Threading: the executor's loop thread, like the handles.
#pragma once

#include <memory>

#include "nca/epm/mapper_resolver.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/dg/client.h"
#include "nca/rpc/loop_executor.h"

namespace nca::epm {

// A MapperResolver whose ept_map calls go over dg::ClientHandles on `executor`, made with
// `mapper_client`. The executor must outlive it.
std::shared_ptr<MapperResolver> make_dg_resolver(rpc::LoopExecutor& executor, rpc::dg::ClientConfig mapper_client = {},
                                                 MapperResolverConfig config = {});

// A dg::ClientHandle for `binding` that resolves a missing port through the endpoint mapper of
// the binding's host: config.resolver when set, else a make_dg_resolver of its own.
std::unique_ptr<rpc::dg::ClientHandle> make_dg_client_handle(rpc::LoopExecutor& executor, rpc::Binding binding,
                                                             rpc::dg::ClientConfig config = {});

}  // namespace nca::epm
