// The server stub generator ("server"): for foo.idl, foo_server.h (and the shared foo_rpc.h).
//
// Per interface X:
//  - `X::Service`, the class a server implements. For every operation Op, two virtual forms:
//      RET Op(OpCall<Op>& call, T& param...)   synchronous: [in] values read, [out] values set
//                                               through the references; the stub completes the
//                                               call on return unless the handler faulted it
//      void Op_async(OpCall<Op> call)           asynchronous: the default runs the synchronous
//                                               form; override it to keep the call and complete
//                                               it later, in any order
//    The synchronous default faults nca_s_op_rng_error ("not implemented"). `on_call` is the
//    control hook: it runs before every operation and may refuse the call with a fault.
//  - `X::UserException` and `X::raise_<name>()` for each user exception (`exceptions(...)`).
//  - Context handle helpers (create/find/close) when the interface uses context handles.
//  - The operation stubs, `X::kDispatchTable` and `X::server_interface(service)` to register.
// Header-only.
#pragma once

#include "backends/generator.h"

namespace nca::idl::backends {

class ServerGenerator final : public Generator {
 public:
  std::string_view name() const override { return "server"; }
  bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                DiagnosticEngine& diags) const override;
};

}  // namespace nca::idl::backends
