// Compiles IDL files at run time into the checked IR (the compiler's front end and sema, no code
// generation), for ncacall and its tests.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "ir/ir.h"

namespace ncacall {

namespace ir = nca::idl::ir;

// The program of `files` (and their imports, searched in `include_dirs`), or null after printing
// the compiler's diagnostics to `err`.
std::shared_ptr<const ir::Program> load_idl(const std::vector<std::string>& files,
                                            const std::vector<std::string>& include_dirs, std::ostream& err);

// Lookups by IDL name over the interfaces of the files named on the command line first.
const ir::Interface* find_interface(const ir::Program& p, const std::string& name);
// An operation by name ("echo_AddOne") or "interface.operation"; `iface` gets its interface.
const ir::Operation* find_operation(const ir::Program& p, const std::string& name, const ir::Interface** iface);
const ir::Type* find_type(const ir::Program& p, const std::string& name);

}  // namespace ncacall
