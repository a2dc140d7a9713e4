// The IR as JSON (`--dump-ir`): BASE.ir.json, the whole checked model in declaration order.
#pragma once

#include "backends/generator.h"

namespace nca::idl::backends {

class IrJsonGenerator final : public Generator {
 public:
  std::string_view name() const override { return "ir-json"; }
  bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                DiagnosticEngine& diags) const override;
};

}  // namespace nca::idl::backends
