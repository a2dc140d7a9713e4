// The summary generator (see summary_generator.h).
#include "backends/summary_generator.h"

#include <sstream>

namespace nca::idl::backends {

namespace {

std::string size_text(const std::optional<uint64_t>& s) { return s ? std::to_string(*s) : "-"; }

void type_line(std::ostringstream& o, const ir::Type& t, const char* indent) {
  const ir::Layout& l = t.layout;
  o << indent << ir::to_string(t.kind) << ' ' << t.name << ": ndr20 " << size_text(l.size20)
    << '/' << l.align20 << ", ndr64 " << size_text(l.size64) << '/' << l.align64;
  if (l.conformant) o << ", conformant";
  if (l.varying) o << ", varying";
  if (l.has_pointers) o << ", pointers";
  o << '\n';
}

std::string shape_text(const ir::Shape& s, const ir::Operation& op) {
  std::string out;
  for (size_t i : s.params) out += (out.empty() ? "" : ", ") + op.params[i].name;
  if (s.has_result) out += (out.empty() ? "" : ", ") + op.result->name;
  return "(" + out + ")";
}

}  // namespace

bool SummaryGenerator::generate(const ir::Program& program, const GeneratorOptions& options,
                                Output& out, DiagnosticEngine&) const {
  std::ostringstream o;
  for (const ir::File& f : program.files) {
    if (!f.is_root) continue;
    o << "file " << f.path << '\n';
    for (const ir::Type* t : f.types) type_line(o, *t, "  ");
    for (size_t i : f.interfaces) {
      const ir::Interface& itf = program.interfaces[i];
      o << "  interface " << itf.name << ' ' << itf.uuid.value_or("(no uuid)") << " v"
        << itf.version.major << '.' << itf.version.minor << ", pointer_default "
        << ir::to_string(itf.pointer_default) << ", " << itf.operations.size() << " operations\n";
      for (const ir::Type* t : itf.types) type_line(o, *t, "    ");
      for (const ir::Operation& op : itf.operations)
        o << "    " << op.opnum << ' ' << op.name << ": in " << shape_text(op.in, op) << ", out "
          << shape_text(op.out, op) << '\n';
    }
  }
  out.file(options.base_name + ".summary.txt") = o.str();
  return true;
}

}  // namespace nca::idl::backends
