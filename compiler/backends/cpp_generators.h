// The C++ back ends (GENERATED_CODE.md is their contract):
//  - TypesGenerator ("types"): foo_types.h, the value types, argument structs and declarations;
//  - NdrGenerator ("ndr"): foo_ndr.h and foo_ndr.cpp, push/pull/print/JSON and nca::rpc entries;
//  - DumpGenerator ("dump"): foo_dump.cpp, the table ncadump decodes with.
// Each writes only the root files of the program (imports are generated on their own).
#pragma once

#include "backends/generator.h"

namespace nca::idl::backends {

class TypesGenerator final : public Generator {
 public:
  std::string_view name() const override { return "types"; }
  bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                DiagnosticEngine& diags) const override;
};

class NdrGenerator final : public Generator {
 public:
  std::string_view name() const override { return "ndr"; }
  bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                DiagnosticEngine& diags) const override;
};

class DumpGenerator final : public Generator {
 public:
  std::string_view name() const override { return "dump"; }
  bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                DiagnosticEngine& diags) const override;
};

}  // namespace nca::idl::backends
