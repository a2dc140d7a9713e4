// IDL expressions (size_is, switch_is, value(), ...) as C++ text in the NDR code.
//
// Contract: an ExprWriter records an expression it cannot express in the string given to it
// (the walker's "unsupported" note) and returns "0" for it, so the caller still emits valid text
// and the generator reports the construct.
#pragma once

#include <map>
#include <string>

#include "ir/ir.h"

namespace nca::idl::backends::ndr {

// Where an expression's names come from.
struct Scope {
  const ir::Type* strukt = nullptr;  // field references: obj + "." + member
  std::string obj = "v";
  const ir::Operation* op = nullptr;  // parameter references
  bool out = false;                   // in an out shape: in_out parameters come from r.out
  bool push = false;                  // push: a member with value() counts as its computed value
};

class ExprWriter {
 public:
  explicit ExprWriter(std::string& unsupported) : unsupported_(unsupported) {}

  // The expression as a std::int64_t-valued C++ expression.
  std::string expr(const ir::Expr& e, const Scope& s);
  // pidl's value(): what push writes instead of the member. "" if it cannot be computed (an
  // opaque C expression): then the member is pushed as it is.
  std::string value_expr(const ir::Expr& e, const Scope& s);
  // A size function of a member in value() (ir::Expr::Kind::call) as a call of nca::ndr::gen on
  // the member, or the local it was hoisted into.
  std::string value_call(const ir::Expr& e, const Scope& s);

  // A struct's push makes each distinct value() call once, into a local: `hoist` names the local
  // of a call's text until `clear_hoisted`.
  void hoist(const std::string& call, const std::string& local) { hoisted_.emplace(call, local); }
  size_t hoisted_count() const { return hoisted_.size(); }
  void clear_hoisted() { hoisted_.clear(); }

  // Whether the C++ value of an element is a box (its first non-ref pointer).
  static bool deref_needed(const ir::Element& el);

 private:
  // An lvalue for a field/param reference and the element it names (for pointer-ness).
  std::string ref(const ir::Expr& e, const Scope& s, const ir::Element** el);
  static bool is_byte_string(const Scope& s, const std::string& name);

  std::string& unsupported_;
  std::map<std::string, std::string> hoisted_;  // call text -> local, while a struct's push is written
};

}  // namespace nca::idl::backends::ndr
