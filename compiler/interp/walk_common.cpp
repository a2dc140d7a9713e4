#include "interp/walk_common.h"

#include <set>

#include "nca/ndr/charset.h"
#include "nca/ndr/data_rep.h"
#include "nca/ndr/json.h"

namespace nca::interp {

std::optional<ir::Int> find_enumerator(const ir::Program& program, std::string_view name) {
  for (const auto& t : program.types) {
    if (t->kind != ir::TypeKind::enum_ && t->kind != ir::TypeKind::bitmap) continue;
    for (const auto& v : t->values)
      if (v.name == name) return v.value;
  }
  for (const auto& c : program.constants)
    if (!c->is_string && c->name == name) return c->value;
  return std::nullopt;
}

namespace detail {

using F = ir::NdrFlag;

WalkBase::WalkBase(const ir::Program& program)
    : program_(program), model_(program, options_) {}

std::string WalkBase::path() const {
  std::string s;
  for (const auto& p : path_) {
    if (!s.empty() && p[0] != '[') s += '.';
    s += p;
  }
  return s.empty() ? "(top)" : s;
}

void WalkBase::unsupported(const std::string& what) const {
  throw Unsupported(path() + ": " + what + " not supported by the interpreter yet");
}

void WalkBase::bad_value(const std::string& what) const { throw BadValue(path() + ": " + what); }

ir::Int WalkBase::to_int(const json& v, const std::string& what) const {
  if (v.is_number_unsigned()) return ir::Int(v.get<uint64_t>());
  if (v.is_number_integer()) return ir::Int(v.get<int64_t>());
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_string()) {
    if (auto e = find_enumerator(program_, v.get<std::string>())) return *e;
    bad_value(what + ": '" + v.get<std::string>() + "' is not an enumerator or constant");
  }
  if (v.is_null()) return 0;  // a null pointer counts 0, as generated code's boxes convert
  bad_value(what + ": expected an integer, got " + v.dump());
}

const json* WalkBase::resolve(const ir::Expr& e, const Scope& s, const ir::Element** el) {
  using K = ir::Expr::Kind;
  *el = nullptr;
  auto member_of = [&](const json* obj, const std::string& name) -> const json* {
    if (!obj || !obj->is_object()) return nullptr;
    auto it = obj->find(name);
    return it == obj->end() ? nullptr : &*it;
  };
  if (e.kind == K::field && s.strukt && e.index < s.strukt->members.size()) {
    *el = &s.strukt->members[e.index];
    return member_of(s.obj, e.name);
  }
  if (e.kind == K::param && s.op && e.index < s.op->params.size()) {
    const ir::Param& p = s.op->params[e.index];
    *el = &p.element;
    bool from_out = s.out_shape && p.direction != ir::Direction::in;
    return member_of(from_out ? s.out : s.in, p.name);
  }
  if (e.kind == K::member && !e.operands.empty()) {
    const ir::Element* inner = nullptr;
    const json* base = resolve(e.operands[0], s, &inner);
    if (inner) {
      const ir::DataLevel& d = inner->data();
      const ir::Type* t = d.type;
      while (t && t->kind == ir::TypeKind::alias && t->target) t = t->target->data().type;
      if (t && t->kind == ir::TypeKind::struct_ && e.index < t->members.size()) *el = &t->members[e.index];
    }
    return member_of(base, e.name);
  }
  if (e.kind == K::unary && e.op == "*" && !e.operands.empty()) return resolve(e.operands[0], s, el);
  return nullptr;
}

ir::Int WalkBase::eval(const ir::Expr& e, const Scope& s, SizeOracle* sizes) {
  using K = ir::Expr::Kind;
  if (e.is_constant) return e.value;
  switch (e.kind) {
    case K::integer:
    case K::constant:
      return e.value;
    case K::field:
    case K::param:
    case K::member: {
      const ir::Element* el = nullptr;
      const json* v = resolve(e, s, &el);
      // What push writes for a member with value() is the computed value (ndr_generator.cpp).
      if (s.push && e.kind == K::field && el && el->levels.size() == 1 && el->data().value &&
          el->data().value->kind != K::opaque)
        return eval(*el->data().value, s, sizes);
      if (!v) bad_value("'" + e.name + "' is missing (a size or switch names it)");
      return to_int(*v, "'" + e.name + "'");
    }
    case K::unary: {
      if (e.op == "*") {
        const ir::Element* el = nullptr;
        const json* v = resolve(e, s, &el);
        if (!v) bad_value("'" + e.operands.at(0).name + "' is missing (a size or switch names it)");
        return to_int(*v, e.operands.at(0).name);
      }
      // Generated code computes in int64.
      int64_t a = static_cast<int64_t>(eval(e.operands.at(0), s, sizes));
      if (e.op == "-") return ir::Int(-a);
      if (e.op == "+") return a;
      if (e.op == "~") return ir::Int(~a);
      if (e.op == "!") return !a;
      break;
    }
    case K::binary: {
      int64_t a = static_cast<int64_t>(eval(e.operands.at(0), s, sizes));
      int64_t b = static_cast<int64_t>(eval(e.operands.at(1), s, sizes));
      const std::string& o = e.op;
      if (o == "+") return ir::Int(a + b);
      if (o == "-") return ir::Int(a - b);
      if (o == "*") return ir::Int(a * b);
      if (o == "/" || o == "%") {
        if (b == 0) bad_value("division by zero in a size expression");
        return o == "/" ? ir::Int(a / b) : ir::Int(a % b);
      }
      if (o == "<<") return ir::Int(a << b);
      if (o == ">>") return ir::Int(a >> b);
      if (o == "&") return ir::Int(a & b);
      if (o == "|") return ir::Int(a | b);
      if (o == "^") return ir::Int(a ^ b);
      if (o == "&&") return a && b;
      if (o == "||") return a || b;
      if (o == "==") return a == b;
      if (o == "!=") return a != b;
      if (o == "<") return a < b;
      if (o == ">") return a > b;
      if (o == "<=") return a <= b;
      if (o == ">=") return a >= b;
      break;
    }
    case K::ternary:
      return static_cast<int64_t>(eval(e.operands.at(0), s, sizes)) ? eval(e.operands.at(1), s, sizes)
                                                                     : eval(e.operands.at(2), s, sizes);
    case K::call: {
      if (!s.strukt || e.operands.empty()) break;
      const ir::Expr& arg = e.operands[0];
      const ir::Element* el = nullptr;
      const json* v = resolve(arg, s, &el);
      if (!el) break;
      if (e.name == "ndr_size") {
        if (!sizes) break;
        if (!v) bad_value("'" + arg.name + "' is missing (value() measures it)");
        return ir::Int(sizes->ndr_size(*el, *v, s));
      }
      // pidl's strlen family (nca::ndr::gen): text counts UTF-16 units, byte strings bytes.
      if (!v || v->is_null()) return 0;
      uint64_t n = 0;
      const auto* d = std::get_if<ir::DataLevel>(&el->levels.back());
      bool bytes = d && d->builtin && d->builtin->size20 == 1 && d->charset != ir::Charset::utf16;
      if (bytes) {
        n = ndr::bytes_from_json(*v).size();
      } else if (d && d->builtin && d->builtin->wire == ir::WireKind::char16 && d->charset == ir::Charset::none) {
        n = ndr::u16_from_json(*v).size();
      } else {
        std::string t = ndr::text_from_json(*v);
        n = ndr::utf16_length(t).value_or(t.size());
      }
      if (e.name == "strlen" || e.name == "strlen_m") return n;
      if (e.name == "strlen_m_term") return n + 1;
      if (e.name == "strlen_m_term_null") return n ? n + 1 : 0;
      break;
    }
    case K::opaque:
      unsupported("expression '" + e.text + "' (a C-side name)");
    default:
      break;
  }
  unsupported("expression '" + e.text + e.op + e.name + "'");
}

WalkBase::Counts WalkBase::counts(const ir::ArrayLevel& a, const Scope& s, SizeOracle* sizes) {
  Counts c;
  if (a.size_is) c.has_size = true, c.size = static_cast<uint64_t>(eval64(*a.size_is, s, sizes));
  else if (a.max_is) c.has_size = true, c.size = static_cast<uint64_t>(eval64(*a.max_is, s, sizes) + 1);
  else if (a.fixed_count) c.has_size = true, c.size = *a.fixed_count;
  if (varying(a)) {
    if (a.first_is) c.has_offset = true, c.offset = static_cast<uint64_t>(eval64(*a.first_is, s, sizes));
    if (a.length_is) {
      c.has_length = true, c.length = static_cast<uint64_t>(eval64(*a.length_is, s, sizes));
    } else if (a.last_is) {
      c.has_length = true;
      c.length = static_cast<uint64_t>(eval64(*a.last_is, s, sizes) - static_cast<int64_t>(c.offset) + 1);
    }
  }
  return c;
}

WalkBase::Chars WalkBase::chars_of(const std::vector<ir::Level>& L, size_t i) const {
  const auto& d = std::get<ir::DataLevel>(L.at(i + 1));
  if (d.charset == ir::Charset::utf16) return Chars::text;
  if (d.builtin->wire == ir::WireKind::char16 && d.charset == ir::Charset::none) return Chars::units;
  return Chars::bytes;
}

uint8_t WalkBase::str_form(const ir::ArrayLevel& a, bool with_size) {
  uint8_t f = with_size ? ndr::kStrConformantVarying : ndr::kStrVarying;
  if (!a.zero_terminated) f |= ndr::kStrNoterm;
  return f;
}

uint64_t WalkBase::string_count(const std::vector<ir::Level>& L, size_t i, const json& v) {
  const auto& a = std::get<ir::ArrayLevel>(L[i]);
  uint64_t term = a.zero_terminated ? 1 : 0;
  switch (chars_of(L, i)) {
    case Chars::text: return ndr::utf16_length(ndr::text_from_json(v)).value_or(0) + term;
    case Chars::units: return ndr::u16_from_json(v).size() + term;
    case Chars::bytes: return ndr::bytes_from_json(v).size() + term;
  }
  return 0;
}

bool WalkBase::engine_flags(const ir::NdrFlags& f, uint32_t cur, uint32_t& out) {
  uint32_t set = 0, clear = 0;
  bool any = false;
  if (f.has(F::noalign)) set |= ndr::kFlagNoAlign, any = true;
  if (f.has(F::big_endian)) set |= ndr::kFlagBigEndian, clear = ndr::kFlagLittleEndian, any = true;
  if (f.has(F::little_endian)) set |= ndr::kFlagLittleEndian, clear = ndr::kFlagBigEndian, any = true;
  out = (cur & ~clear) | set;
  return any;
}

bool WalkBase::pidl_string_bytes(const ir::DataLevel& d) {
  return d.flags.has(F::str_ascii) || d.flags.has(F::str_utf8) || d.flags.has(F::str_raw8);
}

uint8_t WalkBase::pidl_string_form(const ir::DataLevel& d) {
  uint8_t form;
  if (d.flags.has(F::str_nullterm)) form = ndr::kStrNullterm;
  else if (d.flags.has(F::str_len4) && !d.flags.has(F::str_size4)) form = ndr::kStrLen;
  else if (d.flags.has(F::str_size4) && !d.flags.has(F::str_len4)) form = ndr::kStrSize;
  else form = ndr::kStrConformantVarying;
  if (d.flags.has(F::str_noterm)) form |= ndr::kStrNoterm;
  return form;
}

int WalkBase::blob_align(const ir::NdrFlags& f) {
  if (f.has(F::align2)) return 2;
  if (f.has(F::align4)) return 4;
  if (f.has(F::align8)) return 8;
  return 0;
}

WalkBase::Disc WalkBase::disc_form(const ir::Type& u) {
  if (u.switch_enum) {
    const ir::Type& e = *u.switch_enum;
    if (e.wire_bits == 8) return Disc::u8;
    if (e.wire_bits == 16) return e.layout.size64 == 4 ? Disc::enum16 : Disc::u16;
    return Disc::u32;
  }
  const ir::Builtin* b = u.switch_type ? u.switch_type : &ir::builtin_uint32();
  if (b->wire == ir::WireKind::uint3264 || b->wire == ir::WireKind::int3264) return Disc::u3264;
  switch (b->size20) {
    case 1: return b->is_signed ? Disc::i8 : Disc::u8;
    case 2: return b->is_signed ? Disc::i16 : Disc::u16;
    case 8: return b->is_signed ? Disc::i64 : Disc::u64;
    default: return b->is_signed ? Disc::i32 : Disc::u32;
  }
}

const ir::UnionArm* WalkBase::arm_for(const ir::Type& u, int64_t value) {
  // A C++ switch: the value is compared as the generated case labels (int64 literals) are.
  const ir::UnionArm* def = nullptr;
  for (const auto& a : u.arms) {
    if (a.is_default) def = &a;
    for (ir::Int c : a.cases)
      if (static_cast<int64_t>(c) == value) return &a;
  }
  return def;
}

const ir::UnionArm* WalkBase::arm_held(const ir::Type& u, const json& v) {
  if (!v.is_object()) return nullptr;
  for (const auto& a : u.arms)
    if (v.contains(idl::backends::arm_name(a))) return &a;
  return nullptr;
}

WalkBase::TypeWalk WalkBase::type_walk(const ir::Type& t) const {
  if (model_.well_known(t) != idl::backends::WellKnown::none || t.kind == ir::TypeKind::alias ||
      t.kind == ir::TypeKind::enum_ || t.kind == ir::TypeKind::bitmap)
    return TypeWalk::data;
  if (t.relative_base) unsupported("pidl [relative_base]");
  if (t.flags.has(F::relative_reverse)) unsupported("flag(NDR_RELATIVE_REVERSE)");
  switch (t.kind) {
    case ir::TypeKind::struct_: return TypeWalk::struct_;
    case ir::TypeKind::union_: return TypeWalk::union_;
    case ir::TypeKind::pipe: unsupported("pipes");
    default: unsupported(std::string("type kind ") + ir::to_string(t.kind));
  }
}

// ---- static checks ----

namespace {

struct Checker {
  std::set<const ir::Type*> seen;

  [[noreturn]] static void refuse(const std::string& where, const std::string& what) {
    throw Unsupported(where + ": " + what + " not supported by the interpreter yet");
  }
  static void expr(const ir::Expr& e, const std::string& where) {
    if (e.kind == ir::Expr::Kind::opaque)
      refuse(where, "expression '" + e.text + "' (a C-side name, nca/ndr/externals.h)");
    for (const auto& o : e.operands) expr(o, where);
  }
  void element(const ir::Element& e, const std::string& where) {
    for (const auto& l : e.levels) {
      if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
        if (p->kind == ir::PointerKind::relative || p->kind == ir::PointerKind::relative_short)
          refuse(where, "pidl [relative] pointers");
      } else if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) {
        for (const auto* x : {&a->size_is, &a->max_is, &a->length_is, &a->first_is, &a->last_is})
          if (*x) expr(**x, where);
      } else if (const auto* sw = std::get_if<ir::SwitchLevel>(&l)) {
        expr(sw->switch_is, where);
      } else if (const auto* sc = std::get_if<ir::SubcontextLevel>(&l)) {
        if (sc->size_is) expr(*sc->size_is, where);
      } else if (const auto* d = std::get_if<ir::DataLevel>(&l)) {
        if (d->flags.has(F::relative_reverse)) refuse(where, "flag(NDR_RELATIVE_REVERSE)");
        if (d->builtin && d->builtin->kind == ir::ScalarKind::interface_ptr)
          refuse(where, "COM interface pointers");
        if (d->type) type(*d->type);
      }
    }
  }
  void type(const ir::Type& t) {
    if (!seen.insert(&t).second) return;
    if (t.relative_base) refuse(t.name, "pidl [relative_base]");
    if (t.flags.has(F::relative_reverse)) refuse(t.name, "flag(NDR_RELATIVE_REVERSE)");
    if (t.kind == ir::TypeKind::pipe) refuse(t.name, "pipes");
    for (const auto& m : t.members) element(m, t.name + "." + m.name);
    for (const auto& a : t.arms)
      if (a.element) element(*a.element, t.name + "." + a.element->name);
    if (t.target) element(*t.target, t.name);
  }
};

}  // namespace

void check_element(const ir::Element& e, const std::string& where) { Checker().element(e, where); }
void check_type(const ir::Type& t) { Checker().type(t); }

}  // namespace detail
}  // namespace nca::interp
