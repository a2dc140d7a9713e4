// PythonGenerator ("python"): foo_python.cpp, a pybind11 module over the C++ types, NDR code and
// stubs the other back ends generate for foo.idl (it includes foo_types.h, foo_ndr.h and, when
// the file has interfaces with stubs, foo_server.h, so those generators must run too).
//
// The module (named after the file's stem, or the `python_module` parameter) holds a class per
// struct and union, the enum and bitmap values and constants as ints, a class per operation
// (pack_in/unpack_in/pack_out/unpack_out), and per interface a synchronous client, an asyncio
// client and a service adapter for ncarpc.Server. Runtime glue lives in python/include/ncarpc_py;
// the module imports ncarpc._core and, for each imported IDL file, `<python_package>.<stem>`.
#pragma once

#include "backends/generator.h"

namespace nca::idl::backends {

class PythonGenerator final : public Generator {
 public:
  std::string_view name() const override { return "python"; }
  bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                DiagnosticEngine& diags) const override;
};

}  // namespace nca::idl::backends
