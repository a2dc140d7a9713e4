// What the client, server and template generators share: which interfaces get stubs, the C++
// names generated code uses for an interface's operations and parameters, and a small `$var$`
// template filler.
//
// Types are spelled by CppModel::cpp_type, the function the types back end declares the argument
// structs' members with (GENERATED_CODE.md, "Operations"), so a stub's parameter and the member
// it binds to are the same type by construction (and the C++ compiler checks it: a handler's
// `T&` binds to the member itself).
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
  std::string type;  // the member's C++ type, e.g. `std::uint32_t`
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
  std::string result_type;    // the type of Op::Out::result, or `void`
  // What the client gets back: `nca::rpc::Status` (no [out]s), `nca::rpc::Result<T>` (one), or
  // `nca::rpc::Result<Op::Out>` (several).
  std::string client_result;
};
OpView view_of(const CppModel& model, const GeneratorOptions& options, const ir::Interface& itf,
               const ir::Operation& op);

// A declaration or call `head` + items joined by ", " + `tail`, on one line when it fits in
// kLineWidth columns at `indent`; otherwise broken after `head` with the items filled onto
// continuation lines indented four more. `head` ends with the opening parenthesis (or `<`).
inline constexpr size_t kLineWidth = 100;
std::string wrap_list(size_t indent, std::string_view head, const std::vector<std::string>& items,
                      std::string_view tail);

// A function declaration `ret head items... tail` as wrap_list lays it out; when even the first
// line is too long, the return type goes on a line of its own (at `indent`).
std::string wrap_declaration(size_t indent, std::string_view ret, std::string_view head,
                             const std::vector<std::string>& items, std::string_view tail);

// `head` + items joined by ", " + `tail`, filling each line up to kLineWidth; the first items
// follow `head` on its line, later lines are indented to `continuation` columns (for braced
// table rows: `{a, b,` / ` c, d},`).
std::string fill_list(size_t indent, std::string_view head, const std::vector<std::string>& items,
                      std::string_view tail, size_t continuation);

// The synchronous server handler of `v`, to be written at `indent`:
// `RET name(::nca::rpc::OpCall<Op>& call, T& p...)`, each parameter a reference into the argument
// struct, preceded by `prefix` ("virtual " or "") and followed by `tail` (" {" or " override {").
std::string handler_signature(const OpView& v, size_t indent, std::string_view prefix,
                              std::string_view tail, bool maybe_unused);

// `tmpl` with each `$name$` replaced by its value (CodeWriter's rules, at indentation 0), as a
// string the stub generators assemble into files.
std::string fill(std::string_view tmpl,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> vars);

// The banner every generated stub file starts with.
std::string banner(std::string_view what, const GeneratorOptions& options);

}  // namespace nca::idl::backends::stubs
