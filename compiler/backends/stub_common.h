// What the client, server and template generators share: which interfaces get stubs, the C++
// names generated code uses for an interface's operations and parameters, and a small `$var$`
// template filler.
//
// Types are named through the argument structs of the types back end (GENERATED_CODE.md,
// "Operations"): a parameter's C++ type is `decltype(Op::In::name)` / `decltype(Op::Out::name)`,
// so the stubs can never disagree with the types back end about a type mapping.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backends/cpp_model.h"
#include "backends/generator.h"
#include "ir/ir.h"

namespace nca::idl::backends::stubs {

// Interfaces with a UUID that are neither [local] nor [object] get stubs.
bool has_stubs(const ir::Interface& itf);
// The operations a stub serves: every operation with an opnum (pidl's [noopnum] ones are not).
bool is_callable(const ir::Operation& op);

// The identifier generated C++ uses for an IDL name: the types back end's spelling.
using ::nca::idl::backends::cpp_ident;

// `::a::b::rpcecho` for interface rpcecho under generator option namespace=a::b.
std::string interface_ns(const GeneratorOptions& options, const ir::Interface& itf);
// The same without the leading `::`, for `namespace ... {` lines.
std::string interface_ns_decl(const GeneratorOptions& options, const ir::Interface& itf);

// An operation seen from a stub: its [in] values and its [out] values (the return value last,
// named `result`), as the argument struct holds them.
struct Value {
  std::string name;  // the member of Op::In / Op::Out
  std::string type;  // `decltype(::ns::X::Op::In::name)`
  bool in_out = false;
  std::string member;  // `in.name` or `out.name` ([in,out]: `out.name`): where a handler finds it
};
struct OpView {
  const ir::Operation* op = nullptr;
  std::string name;        // C++ identifier of the operation and of its argument struct
  std::string args_type;   // `::ns::X::Op`
  std::vector<Value> ins;  // [in] and [in,out], declaration order
  std::vector<Value> outs; // [out] and [in,out], declaration order, then `result`
  std::vector<Value> params;  // every marshalled parameter once, declaration order
  bool has_result = false;
  std::string result_type;    // `decltype(Op::Out::result)`, or `void`
  // What the client gets back: `nca::rpc::Status` (no [out]s), `nca::rpc::Result<T>` (one), or
  // `nca::rpc::Result<Op::Out>` (several).
  std::string client_result;
};
OpView view_of(const GeneratorOptions& options, const ir::Interface& itf, const ir::Operation& op);

// The synchronous server handler of `v`: `RET name(::nca::rpc::OpCall<Op>& call, T& p...)`, each
// parameter a reference into the argument struct (`final_specifier` is "" or " override").
std::string handler_signature(const OpView& v, std::string_view final_specifier, bool maybe_unused);

// `tmpl` with each `$name$` replaced by its value (CodeWriter's rules, at indentation 0), as a
// string the stub generators assemble into files.
std::string fill(std::string_view tmpl,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> vars);

// The banner every generated stub file starts with.
std::string banner(std::string_view what, const GeneratorOptions& options);

}  // namespace nca::idl::backends::stubs
