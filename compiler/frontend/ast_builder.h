// Turns ANTLR's parse tree of one unit into the AST. The only code that looks at the parse tree.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "frontend/ast.h"

namespace antlr4 { class ParserRuleContext; }

namespace nca::idl {
class DiagnosticEngine;
}

namespace nca::idl::detail {

// The deepest expression the builder follows; deeper ones get an error (hostile input: the AST's
// own destructor recurses, so the depth is bounded here).
inline constexpr int kMaxExprDepth = 256;

// Builds AST declarations from parse-tree pieces of one unit. The driver either hands it the
// whole `file` tree (`add_file`) or, to keep memory bounded on big inputs, one `definition` or
// `scopeOpen` at a time (the parse tree is discarded after each); both give the same AST.
// Token positions are byte offsets into `text`, the unit's preprocessed text (see parser.cpp's
// ByteStream). Problems that the grammar lets through (too-deep expressions, tolerated
// constructs) are reported to `diags`. `pragmas` are the unit's `#pragma` lines (which the
// grammar never sees), in order: `attach_pragmas` keeps those standing between declarations.
class AstBuilder {
 public:
  AstBuilder(uint32_t unit, std::string_view text, std::vector<SourceRange> pragmas, DiagnosticEngine& diags);
  ~AstBuilder();
  AstBuilder(const AstBuilder&) = delete;
  AstBuilder& operator=(const AstBuilder&) = delete;

  // `file`: the whole file; pragmas attached.
  void add_file(antlr4::ParserRuleContext* file, std::vector<ast::DeclPtr>& out);
  // `definition`: appends its declaration (if it declares anything) to `out`.
  void add_definition(antlr4::ParserRuleContext* definition, std::vector<ast::DeclPtr>& out);
  // `scopeOpen`: a scope without its body yet; the caller fills `body`, sets `range` to end at
  // the closing brace, and calls attach_pragmas on the body.
  std::unique_ptr<ast::ScopeDecl> open_scope(antlr4::ParserRuleContext* scope_open);
  // Inserts the pragma lines within [begin, end) that stand between `body`'s declarations.
  void attach_pragmas(std::vector<ast::DeclPtr>& body, uint32_t begin, uint32_t end);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nca::idl::detail
