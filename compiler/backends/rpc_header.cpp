// The shared interface constants (see rpc_header.h).
#include "backends/rpc_header.h"

#include <map>

#include "backends/stub_common.h"
#include "diag/diagnostics.h"

namespace nca::idl::backends::stubs {

std::string rpc_header_name(const GeneratorOptions& options) { return options.base_name + "_rpc.h"; }

namespace {

constexpr std::string_view kHead = R"(#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>

#include "$base$_ndr.h"
#include "$base$_types.h"
#include "nca/ndr/print.h"
#include "nca/rpc/interface.h"
#include "nca/rpc/status.h"
)";

constexpr std::string_view kInterfaceHead = R"(
namespace $ns$ {

// The transfer syntaxes the generated NDR code supports, preferred first.
inline constexpr ::nca::rpc::SyntaxId kTransferSyntaxes[] = {::nca::rpc::kNdr20,
                                                             ::nca::rpc::kNdr64};

// One entry per opnum: the argument struct, its four marshalling entries and its printers.
inline constexpr ::nca::rpc::OperationSpec kOperations[] = {
)";


constexpr std::string_view kGap = R"(    {"", $opnum$},  // no operation with this opnum
)";

constexpr std::string_view kExceptionsHead = R"(};

// The user exceptions of the `exceptions(...)` attribute; a value is the exception's index on
// the wire (the fault stub data of nca_s_fault_user_defined). A server raises one with
// OpCall::raise(Exception::...) or by throwing UserException (X_server.h); a client reads it from
// a failed call's Status with exception_of().
enum class Exception : uint32_t {
)";

constexpr std::string_view kExceptionsTail = R"(};
inline constexpr std::string_view kExceptions[] = {$names$};

// The exception's IDL name; "" for a value the IDL does not declare.
inline std::string_view to_string(Exception e) {
  auto i = static_cast<uint32_t>(e);
  return i < std::size(kExceptions) ? kExceptions[i] : std::string_view();
}

// The user exception of this interface a failed call carries, if any: the Status must come from
// a call through this interface (its index is this interface's).
inline std::optional<Exception> exception_of(const ::nca::rpc::Status& s) {
  if (s.kind != ::nca::rpc::StatusKind::fault || !s.user_exception ||
      *s.user_exception >= std::size(kExceptions))
    return std::nullopt;
  return static_cast<Exception>(*s.user_exception);
}
)";

constexpr std::string_view kNoExceptions = R"(};

// No `exceptions(...)` attribute: no user exceptions.
enum class Exception : uint32_t {};
inline constexpr std::span<const std::string_view> kExceptions{};
inline std::optional<Exception> exception_of(const ::nca::rpc::Status&) { return std::nullopt; }
)";

constexpr std::string_view kInterfaceTail = R"(
inline constexpr ::nca::rpc::InterfaceSpec kInterface{
    "$idl_name$",
    {::nca::rpc::Uuid::from_literal("$uuid$"), $major$, $minor$},
    kTransferSyntaxes,
    kOperations,
    kExceptions,
    /*strict_context_handles=*/$strict$,
};

}  // namespace $ns$
)";

}  // namespace

bool write_rpc_header(const ir::Program& program, const GeneratorOptions& options, Output& out,
                      DiagnosticEngine& diags) {
  bool ok = true;
  std::string text = banner("nca::rpc interface constants", options);
  text += fill(kHead, {{"base", options.base_name}});
  for (const ir::File& f : program.files) {
    if (!f.is_root) continue;
    for (size_t index : f.interfaces) {
      const ir::Interface& itf = program.interfaces[index];
      if (!has_stubs(itf)) continue;
      if (itf.first_opnum != 0) {
        diags.error(itf.range, "stubs for interface '" + itf.name +
                                   "', derived from '" + itf.base + "', are not supported yet");
        ok = false;
        continue;
      }
      std::string ns = interface_ns_decl(options, itf);
      text += fill(kInterfaceHead, {{"ns", ns}});
      std::map<uint32_t, const ir::Operation*> by_opnum;
      for (const ir::Operation& op : itf.operations)
        if (is_callable(op)) by_opnum[op.opnum] = &op;
      uint32_t next = 0;
      for (const auto& [opnum, op] : by_opnum) {
        for (; next < opnum; ++next) text += fill(kGap, {{"opnum", std::to_string(next)}});
        // {"name", opnum, &kArgsType<Op>, Op_push_in, Op_pull_in, Op_push_out, Op_pull_out,
        //  raw, the [in] and [out] printers},
        std::string name = cpp_ident(op->name);
        std::vector<std::string> fields{"\"" + op->name + "\"", std::to_string(opnum),
                                        "&::nca::rpc::kArgsType<" + name + ">", name + "_push_in",
                                        name + "_pull_in", name + "_push_out", name + "_pull_out",
                                        "false", "::nca::ndr::print_in_text<" + name + ">",
                                        "::nca::ndr::print_out_text<" + name + ">"};
        // The call semantics the datagram engine honours ([idempotent], [maybe], [broadcast]),
        // written only when one is set so that other operations' text stays as it was.
        if (op->idempotent || op->maybe || op->broadcast) {
          auto b = [](bool v) { return std::string(v ? "true" : "false"); };
          fields.insert(fields.end(), {b(op->idempotent), b(op->maybe), b(op->broadcast)});
        }
        text += "    " + fill_list(4, "{", fields, "},", 5) + "\n";
        next = opnum + 1;
      }
      if (itf.exceptions.empty()) {
        text += kNoExceptions;
      } else {
        text += kExceptionsHead;
        std::string names;
        for (size_t i = 0; i < itf.exceptions.size(); ++i) {
          text += fill("  $name$ = $i$,\n", {{"name", cpp_ident(itf.exceptions[i])}, {"i", std::to_string(i)}});
          names += (i ? ", \"" : "\"") + itf.exceptions[i] + "\"";
        }
        text += fill(kExceptionsTail, {{"names", names}});
      }
      text += fill(kInterfaceTail, {{"ns", ns},
                                    {"idl_name", itf.name},
                                    {"uuid", *itf.uuid},
                                    {"major", std::to_string(itf.version.major)},
                                    {"minor", std::to_string(itf.version.minor)},
                                    {"strict", itf.strict_context_handle ? "true" : "false"}});
    }
  }
  out.file(rpc_header_name(options)) = std::move(text);
  return ok;
}

}  // namespace nca::idl::backends::stubs
