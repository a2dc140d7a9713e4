// Parses one preprocessed unit into its AST.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "frontend/ast.h"

namespace nca::idl {
class SourceManager;
class DiagnosticEngine;
}

namespace nca::idl::detail {

struct ParseLimits {
  size_t max_nesting = 256;         // (, [, { and prefix operators (`- - x`, `pipe pipe T`) deep
  size_t max_errors_per_file = 20;  // syntax errors reported before giving up on a file
};

// Lexes and parses unit `unit` of `sources`, reporting problems to `diags`. Returns the file's
// AST; after a syntax error the AST is empty (nothing half-parsed reaches later stages), so a
// caller that follows imports finds none. Never throws for bad input.
std::unique_ptr<ast::File> parse_unit(const SourceManager& sources, uint32_t unit,
                                      std::string path, DiagnosticEngine& diags,
                                      const ParseLimits& limits = {});

}  // namespace nca::idl::detail
