// Context handles as Python objects in Python servers: a handler returns
// ncarpc.ContextHandle(obj, rundown=None) to hand out a new handle, later calls with that handle
// receive `obj`, and a handler that answers with a null policy_handle closes the handles its call
// received. The handles live in the server's nca::rpc::ContextHandleTable, so they belong to the
// creating association and `rundown(obj)` runs (once) when that association ends unclosed.
#pragma once

#include <optional>

#include "ncarpc_py/runtime_api.h"

namespace ncapy {

std::optional<pybind11::tuple> python_contexts_in(nca::rpc::ServerCall& call, pybind11::tuple ins,
                                                  ServiceHost::Received& received);
pybind11::object python_contexts_out(nca::rpc::ServerCall& call, pybind11::object result,
                                     const ServiceHost::Received& received);

}  // namespace ncapy
