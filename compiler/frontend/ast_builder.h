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

// `tree` is the `file` rule's context of a parse of `text` (the unit's preprocessed text, whose
// byte offsets the token positions are: see parser.cpp's ByteStream). Declarations are appended
// to `out.decls`. Problems that the grammar lets through (too-deep expressions) are reported.
// `pragmas` are the `#pragma` lines of the unit (which the grammar never sees), in order: those
// standing between declarations become pragma declarations of the enclosing scope, those inside
// a declaration are dropped.
void build_ast(antlr4::ParserRuleContext* tree, uint32_t unit, std::string_view text,
               const std::vector<SourceRange>& pragmas, DiagnosticEngine& diags, ast::File& out);

}  // namespace nca::idl::detail
