// `ncaidl --summary`: one readable line per interface, type and operation of the files named on
// the command line, as the front end understood them (semantic analysis may print more).
#pragma once

#include <iosfwd>

#include "frontend/frontend.h"

namespace nca::idl {

void print_summary(const ParsedProgram& program, std::ostream& out);

// The type as written, for messages and summaries: `unsigned long`, `struct foo`, `pipe char`.
std::string type_spelling(const ast::TypeSpec& type);

}  // namespace nca::idl
