// The template generator ("template", like pidl's --template): for foo.idl, foo_template.h, a
// class per interface deriving from X::Service with every synchronous handler written out and
// faulting "not implemented", to copy and fill in. It compiles as it is; it is never built into
// the stubs library.
#pragma once

#include "backends/generator.h"

namespace nca::idl::backends {

class TemplateGenerator final : public Generator {
 public:
  std::string_view name() const override { return "template"; }
  bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                DiagnosticEngine& diags) const override;
};

}  // namespace nca::idl::backends
