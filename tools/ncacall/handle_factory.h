// The binding handle ncacall calls through, chosen by the binding's protocol sequence: the
// engine that carries it in this build, with the endpoint mapper resolving a binding without an
// endpoint. One place to add an engine when the runtime gains one.
#pragma once

#include <memory>
#include <string>

#include "nca/rpc/binding.h"
#include "nca/rpc/binding_handle.h"
#include "nca/rpc/loop_executor.h"

namespace ncacall {

struct HandleOptions {
  std::string ncalrpc_dir = "/tmp";  // where ncalrpc:[NAME] sockets live
  uint16_t epm_port = 135;           // the endpoint mapper's port on the binding's host
  bool offer_ndr64 = true;
};

// A handle for `binding`, or null with `error` saying why (a protocol sequence no engine of
// this build carries).
std::unique_ptr<nca::rpc::BindingHandle> make_handle(nca::rpc::LoopExecutor& executor,
                                                     const nca::rpc::Binding& binding,
                                                     const HandleOptions& options, std::string& error);

}  // namespace ncacall
