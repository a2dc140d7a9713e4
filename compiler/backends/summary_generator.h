// `--summary`: BASE.summary.txt, one line per interface, type and operation of the root files,
// with what analysis decided (opnums, wire sizes and alignments, in/out shapes).
#pragma once

#include "backends/generator.h"

namespace nca::idl::backends {

class SummaryGenerator final : public Generator {
 public:
  std::string_view name() const override { return "summary"; }
  bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                DiagnosticEngine& diags) const override;
};

}  // namespace nca::idl::backends
