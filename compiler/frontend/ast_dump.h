// `ncaidl --dump-ast`: the AST as indented text, one node per line, for golden tests and for
// reading what the parser made of a file. Positions are printed as original `line:col`.
#pragma once

#include <iosfwd>

#include "frontend/ast.h"

namespace nca::idl {

class SourceManager;

void dump_ast(const ast::File& file, const SourceManager& sources, std::ostream& out);

}  // namespace nca::idl
