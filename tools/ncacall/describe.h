// What `ncacall ... list` and `ncacall ... describe NAME` print: interfaces and operations of
// the IDL files, and one type or operation in IDL-like text with the JSON its value takes.
#pragma once

#include <iosfwd>
#include <string>

#include "ir/ir.h"

namespace ncacall {

namespace ir = nca::idl::ir;

// Every interface of the root files: its UUID and version, then one line per operation (opnum,
// signature).
void list_interfaces(const ir::Program& p, std::ostream& out);
// A type, an operation or an interface by name; false when nothing has that name.
bool describe(const ir::Program& p, const std::string& name, std::ostream& out);
// The signature of an operation: "uint32 echo_TestSleep([in] uint32 seconds)".
std::string signature(const ir::Operation& op);

}  // namespace ncacall
