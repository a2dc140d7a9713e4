// The client stub generator (see client_generator.h).
//
// The asynchronous form is the core: it moves the [in] values into a heap-allocated argument
// struct that the completion owns, so the caller keeps nothing alive. The synchronous form and
// the awaitable are built on it, which keeps one code path per operation.
#include "backends/client_generator.h"

#include <string>
#include <vector>

#include "backends/rpc_header.h"
#include "backends/stub_common.h"

namespace nca::idl::backends {

namespace {

using stubs::fill;

constexpr std::string_view kHead = R"(#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "$rpc_header$"
#include "nca/rpc/binding_handle.h"
#include "nca/base/require.h"
#include "nca/rpc/client_call.h"
)";

constexpr std::string_view kInterfaceHead = R"(
namespace $ns$ {

// A client of $idl_name$ over any binding handle (local, loopback, connection-oriented, ...).
// Not thread-safe: use it on the handle's executor thread. The handle must outlive the client
// and every call started through it.
class Client {
 public:
  // Runs the caller's event loop until `done()` is true, returning false if the loop ran out of
  // work first (nca::net::Loop::run_until has this shape). Only the synchronous calls use it.
  using Drive = std::function<bool(const std::function<bool()>& done)>;

  explicit Client(::nca::rpc::BindingHandle& handle, Drive drive = nullptr,
                  ::nca::rpc::CallOptions options = {})
      : handle_(&handle), drive_(std::move(drive)), options_(options) {}

  ::nca::rpc::BindingHandle& handle() const { return *handle_; }
  // Timeout and object UUID for the calls started after this.
  const ::nca::rpc::CallOptions& options() const { return options_; }
  void set_options(const ::nca::rpc::CallOptions& options) { options_ = options; }

  // The completion of an asynchronous call (`Op_async`): gets the call's result or its failure.
  template <class T>
  using Done = ::nca::rpc::UniqueFunction<void(T)>;
  // What `Op_co` returns: `co_await` it for the call's result or its failure.
  template <class Op, class T>
  using Awaitable = ::nca::rpc::CallAwaitable<Op, T>;
)";

constexpr std::string_view kOperation = R"(
  // ---- $idl_name$ (opnum $opnum$)
  $sync_decl$
    return run<$result$>([&](auto done_) {
      $forward$
    });
  }
  $async_decl$
    $start_call$
  }
  $co_decl$
    $awaitable_init$
  }
)";

constexpr std::string_view kPrivate = R"(
 private:
  template <class T, class Start>
  T run(Start start) {
    NCA_REQUIRE(drive_, "a synchronous call needs the Drive function given to the Client");
    std::optional<T> result;
    ::nca::rpc::CallId id = start([&result](T v) { result.emplace(std::move(v)); });
    auto finished = [&result] { return result.has_value(); };
    if (!drive_(finished)) {
      // The loop ran dry before the reply: end the call (its completion is posted) and collect it.
      handle_->cancel(id);
      drive_(finished);
    }
    NCA_REQUIRE(result.has_value(), "the Drive function stopped before the call ended");
    return std::move(*result);
  }
)";

constexpr std::string_view kHelpers = R"(
  $args_decl$
    auto r = std::make_unique<$args$>();
$assign$    return r;
  }
  $result_decl$
    return $extract$;
  }
)";

constexpr std::string_view kInterfaceTail = R"(
  ::nca::rpc::BindingHandle* handle_;
  Drive drive_;
  ::nca::rpc::CallOptions options_;
};

}  // namespace $ns$
)";

}  // namespace

bool ClientGenerator::generate(const ir::Program& program, const GeneratorOptions& options,
                               Output& out, DiagnosticEngine& diags) const {
  bool ok = stubs::write_rpc_header(program, options, out, diags);
  std::string text = stubs::banner("client stubs", options);
  text += fill(kHead, {{"rpc_header", stubs::rpc_header_name(options)}});
  CppModel model(program, options);
  for (const ir::File& f : program.files) {
    if (!f.is_root) continue;
    for (size_t index : f.interfaces) {
      const ir::Interface& itf = program.interfaces[index];
      if (!stubs::has_stubs(itf) || itf.first_opnum != 0) continue;
      std::string ns = stubs::interface_ns_decl(options, itf);
      text += fill(kInterfaceHead, {{"ns", ns}, {"idl_name", itf.name}});
      std::string helpers;
      for (const ir::Operation& op : itf.operations) {
        if (!stubs::is_callable(op)) continue;
        stubs::OpView v = stubs::view_of(model, options, itf, op);
        std::vector<std::string> params, moves;
        std::string assign;
        for (const stubs::Value& in : v.ins) {
          params.push_back(in.type + " " + in.name);
          moves.push_back("std::move(" + in.name + ")");
          assign += "    r->in." + in.name + " = std::move(" + in.name + ");\n";
        }
        std::string extract = v.outs.empty()          ? std::string("::nca::rpc::Status()")
                              : v.outs.size() == 1 ? "std::move(r.out." + v.outs.front().name + ")"
                                                   : std::string("std::move(r.out)");
        std::string opnum = std::to_string(op.opnum);
        const std::string& result = v.client_result;
        std::vector<std::string> async_params = params;
        async_params.push_back("Done<" + result + "> done_");
        std::vector<std::string> forward = moves;
        forward.push_back("std::move(done_)");
        std::string make_args = v.name + "_args(";
        for (size_t i = 0; i < moves.size(); ++i) make_args += (i ? ", " : "") + moves[i];
        make_args += ")";
        std::vector<std::string> call_args{"*handle_", "kInterface", "kOperations[" + opnum + "]",
                                           "options_", make_args, v.name + "_result"};
        std::string awaitable_init = stubs::wrap_list(4, "return {", call_args, "};");
        call_args.push_back("std::move(done_)");
        text += fill(kOperation,
                     {{"idl_name", op.name},
                      {"opnum", opnum},
                      {"result", result},
                      {"sync_decl", stubs::wrap_declaration(2, result, v.name + "(", params, ") {")},
                      {"forward", stubs::wrap_list(6, "return " + v.name + "_async(", forward, ");")},
                      {"async_decl", stubs::wrap_list(2, "::nca::rpc::CallId " + v.name + "_async(",
                                                      async_params, ") {")},
                      {"start_call", stubs::wrap_list(4, "return ::nca::rpc::start_call(", call_args, ");")},
                      {"co_decl", stubs::wrap_declaration(
                                      2, "Awaitable<" + v.args_type + ", " + result + ">",
                                      v.name + "_co(", params, ") {")},
                      {"awaitable_init", awaitable_init}});
        helpers += fill(kHelpers,
                        {{"args", v.args_type},
                         {"args_decl", stubs::wrap_list(2, "static std::unique_ptr<" + v.args_type + "> " +
                                                               v.name + "_args(",
                                                        params, ") {")},
                         {"assign", assign},
                         {"result_decl", stubs::wrap_declaration(2, "static " + result, v.name + "_result(",
                                                          {"[[maybe_unused]] " + v.args_type + "& r"}, ") {")},
                         {"extract", extract}});
      }
      text += kPrivate;
      text += helpers;
      text += fill(kInterfaceTail, {{"ns", ns}});
    }
  }
  out.file(options.base_name + "_client.h") = std::move(text);
  return ok;
}

}  // namespace nca::idl::backends
