#include "idl_loader.h"

#include <ostream>

#include "diag/diagnostics.h"
#include "diag/source_manager.h"
#include "frontend/frontend.h"
#include "sema/analyze.h"

namespace ncacall {

std::shared_ptr<const ir::Program> load_idl(const std::vector<std::string>& files,
                                            const std::vector<std::string>& include_dirs, std::ostream& err) {
  nca::idl::SourceManager sources;
  nca::idl::DiagnosticEngine diags(sources, err);
  nca::idl::FrontendOptions options;
  options.include_dirs = include_dirs;
  auto parsed = nca::idl::load_program(files, options, sources, diags);
  if (parsed.io_error || diags.had_errors()) return nullptr;
  auto program = nca::idl::analyze(parsed, diags);
  if (!program || diags.had_errors()) return nullptr;
  return program;
}

namespace {
// Root files' interfaces first: a name in an imported file is found only if no root file has it.
template <class F>
void each_interface(const ir::Program& p, F f) {
  for (int root = 1; root >= 0; --root)
    for (const auto& i : p.interfaces)
      if (p.files.at(i.file).is_root == (root == 1) && f(i)) return;
}
}  // namespace

const ir::Interface* find_interface(const ir::Program& p, const std::string& name) {
  const ir::Interface* found = nullptr;
  each_interface(p, [&](const ir::Interface& i) { return (found = i.name == name ? &i : nullptr) != nullptr; });
  return found;
}

const ir::Operation* find_operation(const ir::Program& p, const std::string& name, const ir::Interface** iface) {
  std::string want_iface, want_op = name;
  if (auto dot = name.find('.'); dot != std::string::npos) {
    want_iface = name.substr(0, dot);
    want_op = name.substr(dot + 1);
  }
  const ir::Operation* found = nullptr;
  each_interface(p, [&](const ir::Interface& i) {
    if (!want_iface.empty() && i.name != want_iface) return false;
    for (const auto& op : i.operations)
      if (op.name == want_op) {
        found = &op;
        *iface = &i;
        return true;
      }
    return false;
  });
  return found;
}

const ir::Type* find_type(const ir::Program& p, const std::string& name) {
  for (const auto& t : p.types)
    if (t->name == name || t->cpp_name == name) return t.get();
  return nullptr;
}

}  // namespace ncacall
