// The server stub generator (see server_generator.h).
//
// The operation stub is one template instantiated per opnum: it runs the control hook and hands
// the call to the asynchronous form. Unmarshalling and marshalling (and their faults) happen in
// ServerCore::dispatch and ServerCall::complete, so a stub cannot get them wrong.
#include "backends/server_generator.h"

#include <map>

#include "backends/rpc_header.h"
#include "backends/stub_common.h"

namespace nca::idl::backends {

namespace {

using stubs::fill;

constexpr std::string_view kHead = R"(#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "$rpc_header$"
#include "nca/rpc/server.h"
)";

constexpr std::string_view kInterfaceHead = R"(
namespace $ns$ {
)";

constexpr std::string_view kUserException = R"(
// Thrown by a synchronous handler to raise a user exception of $idl_name$: the client's call
// fails with nca_s_fault_user_defined and exception_of(status) == which(). An asynchronous
// handler calls OpCall::raise(Exception::...) instead.
class UserException : public std::exception {
 public:
  explicit UserException(Exception which, std::string message = {})
      : which_(which), message_(std::move(message)) {
    if (message_.empty()) message_ = std::string(to_string(which_));
  }
  Exception which() const noexcept { return which_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  Exception which_;
  std::string message_;
};
)";

constexpr std::string_view kRaise = R"([[noreturn]] inline void raise_$name$(std::string message = {}) {
  throw UserException(Exception::$name$, std::move(message));
}
)";

constexpr std::string_view kServiceHead = R"(
// The implementation of $idl_name$ a server registers (server_interface()). Override the
// synchronous or the asynchronous form of each operation. Handlers run on the server's executor
// thread; the service must outlive its registration.
class Service {
 public:
  virtual ~Service() = default;

  // The control hook: runs before every operation of $idl_name$ with the decoded call (caller,
  // opnum, object UUID), before the handler. A fault refuses the call (for example
  // nca::rpc::FaultCode::fault_access_denied); nullopt lets it through.
  virtual std::optional<::nca::rpc::Fault> on_call(
      [[maybe_unused]] const ::nca::rpc::ServerCall& call) {
    return std::nullopt;
  }
)";

constexpr std::string_view kOperation = R"(
  // ---- $idl_name$ (opnum $opnum$)
  // Synchronous form: read the [in] values, set the [out] values$returns$.
  // To fail: call.fault(...)$raise_doc$; the stub sends that instead.
  // A faulted call frees the argument struct: touch no parameter after call.fault()/raise().
  $signature$
    call.fault(::nca::rpc::Fault(::nca::rpc::FaultCode::op_rng_error,
                                 "$idl_name$ is not implemented"));$default_return$
  }
  // Asynchronous form: complete `call` (complete(), fault() or raise()) now or later.
  $async_decl$
    [[maybe_unused]] auto& r = call.args();
$in_out_moves$$try_open$$call_sync$$try_close$  }
)";

constexpr std::string_view kContextHelpers = R"(
 protected:
  // Context handles: the argument structs hold nca::ndr::ContextHandle, the server's table
  // (nca::rpc::ContextHandleTable) keys nca::rpc::WireContextHandle; these bridge the two.
  // A handle belongs to the association of the call that creates it; `rundown` runs once if that
  // association ends before close_context().
  template <class T>
  static ::nca::ndr::ContextHandle create_context(
      const ::nca::rpc::ServerCall& call, std::shared_ptr<T> state,
      ::nca::rpc::UniqueFunction<void(T&)> rundown = nullptr) {
    auto& table = call.server().context_handles();
    return to_ndr(table.create<T>(call, std::move(state), std::move(rundown)));
  }
  // The state behind `h`, or the fault nca_s_fault_context_mismatch to answer with.
  template <class T>
  static ::nca::rpc::Result<std::shared_ptr<T>, ::nca::rpc::Fault> find_context(
      const ::nca::rpc::ServerCall& call, const ::nca::ndr::ContextHandle& h) {
    return call.server().context_handles().lookup<T>(call, to_wire(h));
  }
  // Closes `h` (no rundown) and gives the null handle to send back, or the lookup fault.
  static ::nca::rpc::Result<::nca::ndr::ContextHandle, ::nca::rpc::Fault> close_context(
      const ::nca::rpc::ServerCall& call, const ::nca::ndr::ContextHandle& h) {
    auto closed = call.server().context_handles().destroy(call, to_wire(h));
    if (!closed) return std::move(closed).take_error();
    return to_ndr(*closed);
  }
  // rpc's and ndr's context handles hold the same nca::base::Guid; only the structs differ.
  static ::nca::rpc::WireContextHandle to_wire(const ::nca::ndr::ContextHandle& h) { return {h.attributes, h.uuid}; }
  static ::nca::ndr::ContextHandle to_ndr(const ::nca::rpc::WireContextHandle& w) { return {w.attributes, w.uuid}; }
)";

constexpr std::string_view kDispatchHead = R"(};

namespace server_detail {
// The operation stub of every opnum: the control hook, then the asynchronous form.
template <class R, void (Service::*Method)(::nca::rpc::OpCall<R>)>
void stub(void* impl, ::nca::rpc::ServerCall call) {
  auto* service = static_cast<Service*>(impl);
  if (std::optional<::nca::rpc::Fault> refused = service->on_call(call))
    return call.fault(std::move(*refused));
  (service->*Method)(::nca::rpc::OpCall<R>(std::move(call)));
}
}  // namespace server_detail

// The dispatch table, indexed by opnum (a null entry answers nca_s_op_rng_error).
inline constexpr ::nca::rpc::HandlerFn kDispatchTable[] = {
)";

constexpr std::string_view kInterfaceTail = R"(};

// What ServerCore::register_interface takes; `service` must outlive the registration.
inline ::nca::rpc::ServerInterface server_interface(Service& service) {
  return {&kInterface, kDispatchTable, static_cast<Service*>(&service)};
}

}  // namespace $ns$
)";

}  // namespace

bool ServerGenerator::generate(const ir::Program& program, const GeneratorOptions& options,
                               Output& out, DiagnosticEngine& diags) const {
  bool ok = stubs::write_rpc_header(program, options, out, diags);
  std::string text = stubs::banner("server stubs", options);
  text += fill(kHead, {{"rpc_header", stubs::rpc_header_name(options)}});
  CppModel model(program, options);
  for (const ir::File& f : program.files) {
    if (!f.is_root) continue;
    for (size_t index : f.interfaces) {
      const ir::Interface& itf = program.interfaces[index];
      if (!stubs::has_stubs(itf) || itf.first_opnum != 0) continue;
      std::string ns = stubs::interface_ns_decl(options, itf);
      bool exceptions = !itf.exceptions.empty();
      text += fill(kInterfaceHead, {{"ns", ns}});
      if (exceptions) {
        text += fill(kUserException, {{"idl_name", itf.name}});
        for (const std::string& e : itf.exceptions) text += fill(kRaise, {{"name", stubs::cpp_ident(e)}});
      }
      text += fill(kServiceHead, {{"idl_name", itf.name}});
      std::map<uint32_t, std::string> table;
      for (const ir::Operation& op : itf.operations) {
        if (!stubs::is_callable(op)) continue;
        stubs::OpView v = stubs::view_of(model, options, itf, op);
        std::string moves, args;
        for (const stubs::Value& p : v.params) {
          if (p.in_out) moves += "    r.out." + p.name + " = std::move(r.in." + p.name + ");\n";
          args += ", r." + p.member;
        }
        // The result is held in a local until the call is known to be still pending: a handler
        // that faulted has freed the argument struct along with the call.
        std::string ind = exceptions ? "      " : "    ";
        std::string call_sync = (v.has_result ? "auto result = " : "") + v.name + "(call" + args + ");\n" +
                                ind + "if (call.pending()) {\n" +
                                (v.has_result ? ind + "  r.out.result = std::move(result);\n" : "") +
                                ind + "  call.complete();\n" + ind + "}\n";
        text += fill(kOperation,
                     {{"idl_name", op.name},
                      {"opnum", std::to_string(op.opnum)},
                      {"name", v.name},
                      {"args", v.args_type},
                      {"signature", stubs::handler_signature(v, 2, "virtual ", " {", true)},
                      {"async_decl", stubs::wrap_list(2, "virtual void " + v.name + "_async(",
                                                      {"::nca::rpc::OpCall<" + v.args_type + "> call"}, ") {")},
                      {"returns", v.has_result ? " and return the result" : ""},
                      {"raise_doc", exceptions ? ", call.raise(Exception::x)\n  // or throw UserException" : ""},
                      {"default_return", v.has_result ? "\n    return {};" : ""},
                      {"in_out_moves", moves},
                      {"try_open", exceptions ? "    try {\n" : ""},
                      {"call_sync", ind + call_sync},
                      {"try_close", exceptions ? "    } catch (const UserException& e) {\n"
                                                 "      if (call.pending()) call.raise(e.which(), e.what());\n"
                                                 "      return;\n    }\n"
                                               : ""}});
        table[op.opnum] = "server_detail::stub<" + v.args_type + ", &Service::" + v.name + "_async>";
      }
      if (itf.uses_context_handles) text += kContextHelpers;
      text += kDispatchHead;
      uint32_t next = 0;
      for (const auto& [opnum, entry] : table) {
        for (; next < opnum; ++next) text += "    nullptr,\n";
        text += "    " + entry + ",\n";
        next = opnum + 1;
      }
      text += fill(kInterfaceTail, {{"ns", ns}});
    }
  }
  out.file(options.base_name + "_server.h") = std::move(text);
  return ok;
}

}  // namespace nca::idl::backends
