#include "backends/ndr_expr.h"

#include "backends/cpp_model.h"
#include "backends/ndr_naming.h"

namespace nca::idl::backends::ndr {

std::string ExprWriter::ref(const ir::Expr& e, const Scope& s, const ir::Element** el) {
  if (e.kind == ir::Expr::Kind::field && s.strukt && e.index < s.strukt->members.size()) {
    *el = &s.strukt->members[e.index];
    return s.obj + "." + cpp_ident(e.name);
  }
  if (e.kind == ir::Expr::Kind::param && s.op && e.index < s.op->params.size()) {
    const ir::Param& p = s.op->params[e.index];
    *el = &p.element;
    bool from_out = s.out && p.direction != ir::Direction::in;
    return std::string(from_out ? "r.out." : "r.in.") + cpp_ident(p.name);
  }
  if (e.kind == ir::Expr::Kind::member && !e.operands.empty()) {
    const ir::Element* inner = nullptr;
    std::string base = ref(e.operands[0], s, &inner);
    *el = nullptr;
    if (inner) {
      const ir::DataLevel& d = inner->data();
      if (d.type && d.type->kind == ir::TypeKind::struct_ && e.index < d.type->members.size())
        *el = &d.type->members[e.index];
      if (deref_needed(*inner)) base = "(*" + base + ")";
    }
    return base + "." + cpp_ident(e.name);
  }
  if (e.kind == ir::Expr::Kind::unary && e.op == "*" && !e.operands.empty()) {
    const ir::Element* inner = nullptr;
    std::string base = ref(e.operands[0], s, &inner);
    *el = inner;
    return inner && deref_needed(*inner) ? "(*" + base + ")" : base;
  }
  *el = nullptr;
  return "";
}

bool ExprWriter::deref_needed(const ir::Element& el) {
  for (const auto& l : el.levels) {
    const auto* p = std::get_if<ir::PointerLevel>(&l);
    if (!p) return false;
    if (p->kind != ir::PointerKind::ref) return true;
  }
  return false;
}

std::string ExprWriter::expr(const ir::Expr& e, const Scope& s) {
  using K = ir::Expr::Kind;
  if (e.is_constant) return int_lit(e.value);
  switch (e.kind) {
    case K::integer:
    case K::constant:
      return int_lit(e.value);
    case K::field:
    case K::param:
    case K::member: {
      const ir::Element* el = nullptr;
      std::string r = ref(e, s, &el);
      if (r.empty()) break;
      // What push writes for a member with value() is the computed value, so sizes that name
      // it must use the same value (epm_entry_t's annotation length).
      if (s.push && e.kind == K::field && el && el->levels.size() == 1 && el->data().value) {
        std::string ve = value_expr(*el->data().value, s);
        if (!ve.empty()) return "static_cast<std::int64_t>(" + ve + ")";
      }
      return "static_cast<std::int64_t>(" + r + ")";
    }
    case K::unary:
      if (e.op == "*") {
        const ir::Element* el = nullptr;
        std::string r = ref(e, s, &el);
        if (r.empty()) break;
        return "static_cast<std::int64_t>(" + r + ")";
      }
      return "(" + e.op + expr(e.operands.at(0), s) + ")";
    case K::binary:
      return "(" + expr(e.operands.at(0), s) + " " + e.op + " " + expr(e.operands.at(1), s) + ")";
    case K::ternary:
      return "(" + expr(e.operands.at(0), s) + " ? " + expr(e.operands.at(1), s) + " : " +
             expr(e.operands.at(2), s) + ")";
    case K::call:
      if (s.strukt && !e.operands.empty()) return value_call(e, s);
      break;
    case K::opaque:
      // A name IDL does not declare (pidl's C-side macro, e.g. NDR_DCERPC_REQUEST_OBJECT_PRESENT):
      // the caller supplies its value through the Push/Pull (nca/ndr/externals.h).
      if (is_external_name(e.text)) return "nca::ndr::gen::external(p, \"" + e.text + "\")";
      break;
    default:
      break;
  }
  unsupported_ = "expression '" + e.text + "'";
  return "0";
}

std::string ExprWriter::value_expr(const ir::Expr& e, const Scope& s) {
  if (e.kind == ir::Expr::Kind::opaque) return "";
  return expr(e, s);
}

std::string ExprWriter::value_call(const ir::Expr& e, const Scope& s) {
  const ir::Expr& arg = e.operands.at(0);
  std::string member = s.obj + "." + cpp_ident(arg.name);
  std::string text = e.name == "ndr_size"
                         ? "nca::ndr::gen::ndr_size(p, " + member + ")"
                         : "nca::ndr::gen::" + e.name + (is_byte_string(s, arg.name) ? "_bytes" : "") +
                               "(" + member + ")";
  if (auto it = hoisted_.find(text); it != hoisted_.end()) return it->second;
  return text;
}

// A member held as the bytes sent (a char/uint8 string that is not [charset(UTF16)]): the
// strlen family counts its bytes, so that the size pushed matches the bytes pushed whatever
// they are (a UTF-16 count disagrees with them for non-ASCII bytes; the fuzzer found that).
bool ExprWriter::is_byte_string(const Scope& s, const std::string& name) {
  if (!s.strukt) return false;
  for (const auto& m : s.strukt->members) {
    if (m.name != name) continue;
    const auto* d = std::get_if<ir::DataLevel>(&m.levels.back());
    return d && d->builtin && d->builtin->size20 == 1 && d->charset != ir::Charset::utf16;
  }
  return false;
}

}  // namespace nca::idl::backends::ndr
