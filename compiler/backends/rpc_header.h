// foo_rpc.h: the nca::rpc constants of each interface of foo.idl, shared by its client and server
// stubs: the OperationSpec table (indexed by opnum), the InterfaceSpec, and the user exceptions
// (`exceptions(...)` attribute) as an enum with their names.
//
// Both the client and the server generator write it (identically), so either alone is complete.
#pragma once

#include "backends/generator.h"

namespace nca::idl::backends::stubs {

// The name of the file for `options.base_name`: "rpcecho_rpc.h".
std::string rpc_header_name(const GeneratorOptions& options);

// Writes foo_rpc.h into `out`. Returns false (after reporting) if an interface cannot get stubs.
bool write_rpc_header(const ir::Program& program, const GeneratorOptions& options, Output& out,
                      DiagnosticEngine& diags);

}  // namespace nca::idl::backends::stubs
