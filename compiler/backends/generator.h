// The interface every back end implements: one class per output (IR JSON, summary, C++ types,
// NDR code, client stubs, server stubs, ...).
//
// Contract: a generator reads only the checked IR (never the AST or attributes), writes only
// through the Output it is handed, and reports problems to the DiagnosticEngine. `main` (or a
// test) builds the generators it wants and passes options as values; there is no registry.
// Generators are stateless: generate() may be called for several programs.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "backends/output.h"
#include "ir/ir.h"

namespace nca::idl {

class DiagnosticEngine;

namespace backends {

struct GeneratorOptions {
  // The stem output file names derive from: `rpcecho` for rpcecho.idl.
  std::string base_name;
  // Generator-specific settings (`namespace=...`), by name.
  std::map<std::string, std::string> params;
};

class Generator {
 public:
  virtual ~Generator() = default;
  // A short stable name: "ir-json", "summary", "cpp-types", ...
  virtual std::string_view name() const = 0;
  // Writes this generator's files for `program` into `out`. Returns false if it reported errors.
  virtual bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                        DiagnosticEngine& diags) const = 0;
};

}  // namespace backends
}  // namespace nca::idl
