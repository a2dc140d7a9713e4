// Semantic analysis: the parsed program (AST, one per file) in, the checked immutable IR out.
//
// Contract: reads the AST only (never changes it); reports every problem found to `diags` and
// carries on, so one run shows many errors; returns the model even when errors were reported
// (then it is incomplete and only fit for diagnostics: callers check `diags.had_errors()` before
// generating anything). Never throws for bad input and never aborts.
#pragma once

#include <memory>

#include "frontend/frontend.h"
#include "ir/ir.h"

namespace nca::idl {

class DiagnosticEngine;

struct SemaOptions {
  // The pointer kind of embedded pointers in an interface without [pointer_default]
  // (MIDL's default mode and pidl use unique; MIDL's /osf mode uses ptr).
  ir::PointerKind default_pointer_default = ir::PointerKind::unique;
};

std::shared_ptr<const ir::Program> analyze(const ParsedProgram& program, DiagnosticEngine& diags,
                                           const SemaOptions& options = {});

}  // namespace nca::idl
