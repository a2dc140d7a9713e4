// The template generator (see template_generator.h).
#include "backends/template_generator.h"

#include "backends/stub_common.h"

namespace nca::idl::backends {

namespace {

using stubs::fill;

constexpr std::string_view kHead = R"(// A starting point for a server: copy this file, rename the classes and fill in the handlers.
// Register an instance with server.register_interface(X::server_interface(impl)).
#pragma once

#include "$base$_server.h"
)";

constexpr std::string_view kInterfaceHead = R"(
namespace $ns$ {

class ServiceImpl final : public Service {
 public:
)";

constexpr std::string_view kOperation = R"(  // $idl_name$ (opnum $opnum$).$outs$ For an asynchronous handler,
  // override $name$_async(OpCall) instead.
  $signature$
    call.fault(::nca::rpc::Fault(::nca::rpc::FaultCode::op_rng_error,
                                 "$idl_name$ is not implemented yet"));$ret$
  }

)";

constexpr std::string_view kInterfaceTail = R"(};

}  // namespace $ns$
)";

}  // namespace

bool TemplateGenerator::generate(const ir::Program& program, const GeneratorOptions& options,
                                 Output& out, DiagnosticEngine&) const {
  std::string text = stubs::banner("a template implementation", options);
  text += fill(kHead, {{"base", options.base_name}});
  CppModel model(program, options);
  for (const ir::File& f : program.files) {
    if (!f.is_root) continue;
    for (size_t index : f.interfaces) {
      const ir::Interface& itf = program.interfaces[index];
      if (!stubs::has_stubs(itf) || itf.first_opnum != 0) continue;
      std::string ns = stubs::interface_ns_decl(options, itf);
      text += fill(kInterfaceHead, {{"ns", ns}});
      for (const ir::Operation& op : itf.operations) {
        if (!stubs::is_callable(op)) continue;
        stubs::OpView v = stubs::view_of(model, options, itf, op);
        std::string outs;
        for (const stubs::Value& o : v.outs)
          if (o.name != "result" || !v.has_result) outs += (outs.empty() ? " Set " : ", ") + o.name;
        if (!outs.empty()) outs += ".";
        if (v.has_result) outs += " Return the result.";
        text += fill(kOperation, {{"idl_name", op.name},
                                  {"opnum", std::to_string(op.opnum)},
                                  {"name", v.name},
                                  {"outs", outs},
                                  {"signature", stubs::handler_signature(v, 2, "", " override {", true)},
                                  {"ret", v.has_result ? "\n    return {};" : ""}});
      }
      text += fill(kInterfaceTail, {{"ns", ns}});
    }
  }
  out.file(options.base_name + "_template.h") = std::move(text);
  return true;
}

}  // namespace nca::idl::backends
