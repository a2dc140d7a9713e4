// The IR JSON generator (see ir_json_generator.h).
#include "backends/ir_json_generator.h"

#include "ir/ir_json.h"

namespace nca::idl::backends {

bool IrJsonGenerator::generate(const ir::Program& program, const GeneratorOptions& options,
                               Output& out, DiagnosticEngine&) const {
  out.file(options.base_name + ".ir.json") = ir::to_json(program).dump(2) + "\n";
  return true;
}

}  // namespace nca::idl::backends
