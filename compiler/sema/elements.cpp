// Semantic analysis, elements side: an element's type, declarator and attributes become its
// levels (outermost first), and reference expressions (size_is, switch_is, ...) are resolved to
// the member or parameter they name.
//
// The declarator is read as C reads it: `long *a[10]` is an array of ten pointers, so array
// dimensions come before pointers; a typedef's own pointers and dimensions follow the element's.
// Attributes then address these positions: pointer attributes the outermost pointer, [string] the
// innermost position, and the n-th argument of size_is/length_is/... the n-th position.
#include <functional>
#include <algorithm>
#include <cctype>

#include "sema/analyzer.h"
#include "sema/const_eval.h"

namespace nca::idl::sema::detail {

namespace {

constexpr const char* kPointerAttrs[] = {"ref", "unique", "ptr", "full", "relative",
                                         "relative_short", "ignore"};
constexpr const char* kArrayAttrs[] = {"size_is", "max_is", "min_is",
                                       "length_is", "first_is", "last_is"};
constexpr uint64_t kMaxArrayCount = uint64_t{1} << 32;

const ast::Attribute* find_in(const std::vector<const ast::AttributeList*>& lists,
                              std::string_view name) {
  for (const ast::AttributeList* l : lists)
    if (const ast::Attribute* a = find_attr(*l, name)) return a;
  return nullptr;
}

ir::PointerKind pointer_kind_of(std::string_view attr) {
  if (attr == "ref") return ir::PointerKind::ref;
  if (attr == "ptr" || attr == "full") return ir::PointerKind::full;
  if (attr == "relative") return ir::PointerKind::relative;
  if (attr == "relative_short") return ir::PointerKind::relative_short;
  if (attr == "ignore") return ir::PointerKind::ignore;
  return ir::PointerKind::unique;
}

const ast::Expr* arg_expr(const ast::Attribute* a, size_t i) {
  if (!a || i >= a->args.size()) return nullptr;
  const ast::AttrArg& arg = a->args[i];
  return arg.kind == ast::AttrArg::Kind::expr ? arg.expr.get() : nullptr;
}

bool is_integer_like(const ir::Builtin* b) {
  return b && (b->kind == ir::ScalarKind::integer || b->kind == ir::ScalarKind::character ||
               b->kind == ir::ScalarKind::boolean);
}

// Whether `e` mentions one of `siblings` (then it is no constant).
bool names_sibling(const ast::Expr& e, const std::vector<Sibling>& siblings, int depth = 0) {
  if (depth > kMaxExprDepth) return false;
  if (e.kind == ast::ExprKind::identifier)
    return std::any_of(siblings.begin(), siblings.end(),
                       [&](const Sibling& s) { return s.name == e.text; });
  for (const ast::ExprPtr& o : e.operands)
    if (o && names_sibling(*o, siblings, depth + 1)) return true;
  return false;
}

}  // namespace

void read_flag_names(const ast::Expr& e, ir::NdrFlags& out, DiagnosticEngine& diags) {
  if (e.kind == ast::ExprKind::binary && e.text == "|") {
    for (const ast::ExprPtr& o : e.operands)
      if (o) read_flag_names(*o, out, diags);
    return;
  }
  if (e.kind == ast::ExprKind::integer && e.text == "0") return;
  if (e.kind == ast::ExprKind::identifier)
    if (std::optional<ir::NdrFlag> f = ir::parse_ndr_flag(e.text)) {
      out.set(*f);
      return;
    }
  // A flag computed at run time (pidl lets C code decide, e.g. ntprinting.idl's
  // `flag(ndr_ntprinting_string_flags(r->string_flags))`) has no fixed wire form to generate.
  if (e.kind == ast::ExprKind::call) {
    const ast::Expr* callee = e.operands.empty() ? nullptr : e.operands[0].get();
    std::string name = callee && callee->kind == ast::ExprKind::identifier ? callee->text : "...";
    diags.error(e.range, "a flag computed at run time ('" + name + "(...)') in flag() is not supported",
                "unknown-flag");
    return;
  }
  if (e.kind != ast::ExprKind::identifier && e.kind != ast::ExprKind::integer) {
    diags.error(e.range, "flag() takes flag names (and 0) joined by '|', not this expression",
                "unknown-flag");
    return;
  }
  diags.error(e.range, "unknown flag '" + e.text + "' in flag()", "unknown-flag");
}

// ---------------------------------------------------------------------------------------------

bool Analyzer::gather(const ast::TypeSpec& type, const ast::Declarator* decl,
                      std::vector<Slot>& slots, ir::DataLevel& data) {
  static const ir::Builtin* const kPlaceholder = ir::find_builtin("uint8");
  if (decl) {
    for (const ast::ArrayDim& dim : decl->dims) {
      Slot s;
      s.dim = &dim;
      slots.push_back(s);
    }
    for (size_t i = 0; i < decl->pointer_depth(); ++i) {
      Slot s;
      s.is_pointer = true;
      slots.push_back(s);
    }
  }
  auto r = resolve_type(type);
  if (!r) {
    data.builtin = kPlaceholder;
    return false;
  }
  if (r->builtin) {
    data.builtin = r->builtin;
    if (r->builtin->kind == ir::ScalarKind::interface_ptr) data.alias = type.name;  // which one
    return true;
  }
  TypeEntry& entry = *r->entry;
  if (entry.type->kind != ir::TypeKind::alias) {
    data.type = entry.type;
    return true;
  }
  ensure_built(entry);
  if (entry.state == BuildState::building || !entry.data) {
    if (entry.state == BuildState::building)
      diags_.error(type.range, "typedef '" + entry.type->name + "' refers to itself",
                   "typedef-cycle");
    data.builtin = kPlaceholder;
    return false;
  }
  slots.insert(slots.end(), entry.slots.begin(), entry.slots.end());
  data = *entry.data;
  data.alias = entry.type->name;
  return true;
}

void Analyzer::apply_shape_attrs(const std::vector<const ast::AttributeList*>& attrs,
                                 std::vector<Slot>& slots, ir::DataLevel& data,
                                 const std::string& name, SourceRange range) {
  for (const char* p : kPointerAttrs) {
    const ast::Attribute* a = find_in(attrs, p);
    if (!a) continue;
    auto first = std::find_if(slots.begin(), slots.end(), [](const Slot& s) { return s.is_pointer; });
    if (first == slots.end())
      diags_.error(a->name_range, "pointer attribute '" + a->name + "' on '" + name +
                                      "', which is not a pointer", "pointer-attribute-non-pointer");
    else
      first->kind = pointer_kind_of(a->name);
    break;  // conflicts among pointer attributes were reported by the attribute check
  }

  ir::ContextHandleKind ch = ir::ContextHandleKind::none;
  const ast::Attribute* ch_attr = nullptr;
  if ((ch_attr = find_in(attrs, "type_strict_context_handle")))
    ch = ir::ContextHandleKind::type_strict;
  else if ((ch_attr = find_in(attrs, "context_handle")))
    ch = ir::ContextHandleKind::plain;
  if (ch_attr) {
    if (data.context_handle != ir::ContextHandleKind::none) {
      data.context_handle = ch;
    } else if (!slots.empty() && slots.back().is_pointer) {
      // The pointer itself is the handle: on the wire it is the 20-byte context handle.
      slots.pop_back();
      data.builtin = &ir::builtin_context_handle();
      data.type = nullptr;
      data.context_handle = ch;
    } else {
      diags_.error(ch_attr->name_range, "'" + ch_attr->name + "' needs a pointer type such as "
                                            "'void *'", "context-handle-not-pointer");
    }
  }

  if (const ast::Attribute* a = find_in(attrs, "string")) {
    if (slots.empty()) {
      diags_.error(a->name_range, "'string' on '" + name + "', which is neither an array nor a "
                                      "pointer", "string-not-array");
    } else {
      slots.back().string = true;
      const ir::Builtin* b = data.builtin;
      bool chars = (b && (b->kind == ir::ScalarKind::character ||
                          (b->kind == ir::ScalarKind::integer && b->size20 <= 2))) ||
                   (data.type && data.type->kind == ir::TypeKind::struct_);
      if (!chars)
        diags_.error(a->name_range, "'string' needs a character type for '" + name + "'",
                     "string-not-char");
    }
  }
  if (const ast::Attribute* a = find_in(attrs, "charset"); a && !a->args.empty()) {
    const ast::AttrArg& arg = a->args[0];
    const std::string text = arg.expr ? arg.expr->text : arg.text;
    if (std::optional<ir::Charset> c = ir::parse_charset(text))
      data.charset = *c;
    else
      diags_.error(arg.range, "unknown charset '" + text + "' (DOS, UTF8 or UTF16)", "unknown-charset");
  }
  if (const ast::Attribute* a = find_in(attrs, "range"); a && a->args.size() == 2) {
    const ast::Expr* lo = arg_expr(a, 0);
    const ast::Expr* hi = arg_expr(a, 1);
    std::optional<ir::Int> l = lo ? eval_const(*lo) : std::nullopt;
    std::optional<ir::Int> h = hi ? eval_const(*hi) : std::nullopt;
    if (l && h) {
      if (*l > *h)
        diags_.error(a->range, "empty range: " + ir::to_string(*l) + " is greater than " +
                                   ir::to_string(*h), "invalid-range");
      else
        data.range = std::make_pair(*l, *h);
    }
  }
  for (const ast::AttributeList* l : attrs)
    for (const ast::Attribute& a : *l)
      if (a.name == "flag")
        for (const ast::AttrArg& arg : a.args)
          if (arg.expr) read_flag_names(*arg.expr, data.flags, diags_);
  (void)range;
}

std::vector<ir::Level> Analyzer::to_levels(const std::vector<const ast::AttributeList*>& attrs,
                                           const std::vector<Slot>& slots, ir::DataLevel data,
                                           const ElementScope& scope, const std::string& name,
                                           SourceRange range) {
  std::vector<ir::Level> levels;
  // pidl's value(expr): what push writes instead of the member. pidl's size functions of a
  // member (the strlen family, ndr_size_T(&m, flags)) become ir::Expr::Kind::call; an expression
  // calling anything else is kept opaque, as written (generators push the member as it is).
  if (const ast::Attribute* v = find_in(attrs, "value"); v && !v->args.empty() && v->args[0].expr) {
    std::function<bool(const ast::Expr&)> calls = [&](const ast::Expr& e) {
      if (e.kind == ast::ExprKind::call && !value_call(e, scope)) return true;
      for (const auto& o : e.operands)
        if (o && calls(*o)) return true;
      return false;
    };
    if (calls(*v->args[0].expr)) {
      ir::Expr e;
      e.kind = ir::Expr::Kind::opaque;
      e.text = v->args[0].text;
      data.value = std::move(e);
    } else {
      data.value = build_ref_expr(*v->args[0].expr, scope, "value");
    }
  }
  const ast::Attribute* arr[6];
  for (size_t k = 0; k < 6; ++k) {
    arr[k] = find_in(attrs, kArrayAttrs[k]);
    if (arr[k] && arr[k]->args.size() > slots.size())
      diags_.error(arr[k]->range, "'" + arr[k]->name + "' has " +
                                      std::to_string(arr[k]->args.size()) + " arguments, but '" +
                                      name + "' has " + std::to_string(slots.size()) +
                                      " pointer or array levels", "size-args");
  }
  const bool noterm = find_in(attrs, "noterm") != nullptr;
  const bool alias = scope.place == kAlias;

  for (size_t i = 0; i < slots.size(); ++i) {
    const Slot& s = slots[i];
    std::optional<ir::Expr> ex[6];
    for (size_t k = 0; k < 6; ++k)
      if (const ast::Expr* e = arg_expr(arr[k], i)) ex[k] = build_ref_expr(*e, scope, kArrayAttrs[k]);
    const bool sized = (arr[0] && arg_expr(arr[0], i)) || (arr[1] && arg_expr(arr[1], i));
    const bool varied = (arr[3] && arg_expr(arr[3], i)) || (arr[4] && arg_expr(arr[4], i)) ||
                        (arr[5] && arg_expr(arr[5], i));
    ir::ArrayLevel a;
    a.size_is = ex[0];
    a.max_is = ex[1];
    a.min_is = ex[2];
    // A lower bound other than 0 moves the array's first index (C706 14.3.3.2); no generator
    // honours it yet, so it is refused rather than marshalled as if it were 0.
    if (ex[2] && !(ex[2]->is_constant && ex[2]->value == 0))
      diags_.error(arr[2]->name_range, "'min_is' is not supported yet", "unsupported");
    a.length_is = ex[3];
    a.first_is = ex[4];
    a.last_is = ex[5];
    a.is_string = s.string;
    a.zero_terminated = !noterm;

    if (s.is_pointer) {
      ir::PointerLevel p;
      p.top_level = scope.top_level && i == 0;
      p.from_default = !s.kind;
      // A parameter's top-level pointer defaults to ref; every other pointer, including a
      // returned one, takes the interface's pointer_default.
      p.kind = s.kind                                ? *s.kind
               : p.top_level && scope.top_level_ref ? ir::PointerKind::ref
                                                     : scope.pointer_default;
      levels.emplace_back(p);
      if (!sized && !varied && !s.string) continue;
      if (varied && !sized && !s.string)
        diags_.error(range, "'" + name + "' has a length but no size: add 'size_is'",
                     "missing-size");
      a.kind = (varied || s.string) ? ir::ArrayKind::conformant_varying : ir::ArrayKind::conformant;
      levels.emplace_back(std::move(a));
      continue;
    }

    const ast::ArrayDim& dim = *s.dim;
    if (dim.kind == ast::ArrayDim::Kind::fixed && dim.size && !sized && scope.siblings &&
        names_sibling(*dim.size, *scope.siblings)) {
      // pidl's inline array: its count is another member or parameter.
      a.kind = ir::ArrayKind::inline_;
      a.size_is = build_ref_expr(*dim.size, scope, "array size");
      levels.emplace_back(std::move(a));
      continue;
    }
    if (dim.kind == ast::ArrayDim::Kind::fixed || dim.kind == ast::ArrayDim::Kind::range) {
      // The element count; `counted` is false when it is unknown or refused (and reported). Plain
      // variables rather than an optional<Int>, whose copies GCC's -Wmaybe-uninitialized
      // misreads.
      bool counted = false;
      ir::Int count = 0;
      if (std::optional<ir::Int> size = dim.size ? eval_const(*dim.size) : std::nullopt) {
        counted = true;
        count = *size;
      }
      if (counted && dim.kind == ast::ArrayDim::Kind::range) {
        std::optional<ir::Int> low = dim.low ? eval_const(*dim.low) : std::optional<ir::Int>(0);
        if (low) count = count - *low + 1;
        else counted = false;
      }
      if (counted && count <= 0) {
        diags_.error(dim.range, "array size " + ir::to_string(count) + " is not positive",
                     "array-size");
        counted = false;
      } else if (counted && count > static_cast<ir::Int>(kMaxArrayCount)) {
        diags_.error(dim.range, "array size " + ir::to_string(count) + " is too large",
                     "array-size");
        counted = false;
      }
      if (sized)
        diags_.error(range, "'size_is' and 'max_is' cannot apply to the fixed-size array '" +
                                name + "'", "size-on-fixed-array");
      a.kind = (varied || s.string) ? ir::ArrayKind::varying : ir::ArrayKind::fixed;
      a.fixed_count = counted ? static_cast<uint64_t>(count) : 0;
      a.size_is.reset();
      a.max_is.reset();
    } else {
      if (!sized && !s.string && !alias)
        diags_.error(range, "conformant array '" + name + "' needs 'size_is' or 'max_is'",
                     "missing-size");
      a.kind = (varied || s.string) ? ir::ArrayKind::conformant_varying : ir::ArrayKind::conformant;
    }
    levels.emplace_back(std::move(a));
  }

  if (const ast::Attribute* sc = find_in(attrs, "subcontext")) {
    ir::SubcontextLevel l;
    if (const ast::Expr* e = arg_expr(sc, 0)) {
      auto v = eval_const(*e);
      if (v && (*v == 0 || *v == 2 || *v == 4)) l.header_size = static_cast<uint32_t>(*v);
      else if (v && *v == 0xFFFFFC01)
        diags_.error(e->range, "subcontext(0xFFFFFC01) (a type serialization version 1 header, "
                               "MS-RPCE 2.2.6) is not supported yet", "invalid-subcontext");
      else if (v)
        diags_.error(e->range, "subcontext header size must be 0, 2 or 4", "invalid-subcontext");
    }
    if (const ast::Expr* e = arg_expr(find_in(attrs, "subcontext_size"), 0))
      l.size_is = build_ref_expr(*e, scope, "subcontext_size");
    levels.emplace_back(std::move(l));
  }

  const ir::Type* u = data.type;
  TypeEntry* u_entry = nullptr;
  if (u && u->kind == ir::TypeKind::union_) u_entry = entry_of_.at(u);
  const bool plain_union = u_entry && !u->encapsulated;
  const ast::Attribute* sw = find_in(attrs, "switch_is");
  if (sw) {
    if (!plain_union) {
      diags_.error(sw->name_range, "'switch_is' needs a non-encapsulated union, and '" + name +
                                       "' is not one", "switch-is-not-union");
    } else if (const ast::Expr* e = arg_expr(sw, 0)) {
      ir::SwitchLevel l;
      if (auto x = build_ref_expr(*e, scope, "switch_is")) l.switch_is = std::move(*x);
      // The discriminant's type: the element's [switch_type], the union's, what switch_is names.
      if (const ast::Attribute* st = find_in(attrs, "switch_type"); st && st->args.size() == 1)
        set_switch_type(switch_type_of(st->args[0]), st->args[0].range, l.switch_type,
                        l.switch_enum);
      if (!l.switch_type && !l.switch_enum) {
        ensure_built(*u_entry);
        l.switch_type = u->switch_type;
        l.switch_enum = u->switch_enum;
      }
      if (!l.switch_type && !l.switch_enum && scope.siblings) {
        const ast::Expr* ref = e;
        while (ref->kind == ast::ExprKind::unary && ref->text == "*" && !ref->operands.empty() &&
               ref->operands[0])
          ref = ref->operands[0].get();
        if (ref->kind == ast::ExprKind::identifier)
          for (const Sibling& sib : *scope.siblings)
            if (sib.name == ref->text && sib.type) {
              if (auto r = resolve_type(*sib.type, false)) {
                if (is_integer_like(r->builtin)) l.switch_type = r->builtin;
                else if (r->entry && r->entry->type->kind == ir::TypeKind::enum_)
                  l.switch_enum = r->entry->type;
              }
              break;
            }
      }
      if (!l.switch_type && !l.switch_enum) l.switch_type = &ir::builtin_uint32();
      levels.emplace_back(std::move(l));
    }
  } else if (plain_union && !alias) {
    diags_.error(range, "union '" + name + "' needs a 'switch_is' attribute", "missing-switch-is");
  }

  levels.emplace_back(std::move(data));
  return levels;
}

ir::Element Analyzer::build_element(const std::vector<const ast::AttributeList*>& attrs,
                                    const ast::TypeSpec& type, const ast::Declarator* decl,
                                    const std::string& name, SourceRange range,
                                    const ElementScope& scope) {
  for (const ast::AttributeList* l : attrs) check_attributes(*l, scope.place, diags_);
  std::vector<Slot> slots;
  ir::DataLevel data;
  gather(type, decl, slots, data);
  apply_shape_attrs(attrs, slots, data, name, range);
  ir::Element e;
  e.name = name;
  e.range = decl && decl->name_range.length ? decl->name_range : range;
  e.levels = to_levels(attrs, slots, std::move(data), scope, name, e.range);
  check_pidl_string_form(e);
  return e;
}

// pidl's `string` takes its wire form from its STR_ flags; the generators know the forms below
// (NULLTERM, LEN4, SIZE4, LEN4|SIZE4, none, each optionally with NOTERM). The others would fall back to
// a conformant-varying string silently, so they are refused by name.
void Analyzer::check_pidl_string_form(const ir::Element& e) {
  const ir::DataLevel& d = e.data();
  if (!d.builtin || d.builtin->wire != ir::WireKind::pidl_string) return;
  using F = ir::NdrFlag;
  for (F f : {F::str_size2, F::str_bytesize, F::str_charlen, F::str_conformant})
    if (d.flags.has(f))
      diags_.error(e.range, std::string("flag(") + ir::to_string(f) + ") on string '" + e.name +
                                "' is not supported yet", "unsupported");
  if (d.flags.has(F::str_noterm) && d.flags.has(F::remaining) && !d.flags.has(F::str_nullterm) &&
      !d.flags.has(F::str_len4) && !d.flags.has(F::str_size4))
    diags_.error(e.range, "flag(STR_NOTERM|NDR_REMAINING) on string '" + e.name +
                              "' is not supported yet", "unsupported");
}

void Analyzer::build_alias(TypeEntry& e) {
  ir::Type& t = *e.type;
  read_type_flags(e);
  ElementScope scope{kAlias, nullptr, pointer_default_for(e.scope), false, t.name};
  if (t.kind == ir::TypeKind::pipe) {
    check_type_attributes(e, kPipe);
    if (e.spec && e.spec->element) {
      t.target = build_element({}, *e.spec->element, nullptr, "element", t.range, scope);
      const ir::Level& first = t.target->levels.front();
      if (!std::holds_alternative<ir::DataLevel>(first))
        diags_.error(t.range, "pipe '" + t.name + "' must carry a type without pointers or "
                                  "arrays", "pipe-element");
    }
    e.slots.clear();
    e.data = ir::DataLevel{};
    e.data->type = &t;
    return;
  }
  check_type_attributes(e, kAlias);
  std::vector<Slot> slots;
  ir::DataLevel data;
  gather(*e.spec, e.declarator, slots, data);
  apply_shape_attrs(e.attrs, slots, data, t.name, t.range);
  e.slots = slots;
  e.data = data;
  ir::Element target;
  target.name = t.name;
  target.range = t.range;
  target.levels = to_levels(e.attrs, slots, data, scope, t.name, t.range);
  t.target = std::move(target);
}

// ---------------------------------------------------------------------------------------------
// Reference expressions

std::optional<ValueCall> value_call(const ast::Expr& e, const ElementScope& scope) {
  if (e.kind != ast::ExprKind::call || e.operands.empty() || !e.operands[0] ||
      e.operands[0]->kind != ast::ExprKind::identifier || !scope.siblings)
    return std::nullopt;
  const std::string& callee = e.operands[0]->text;
  ValueCall c;
  const ast::Expr* arg = e.operands.size() > 1 ? e.operands[1].get() : nullptr;
  if (callee == "strlen" || callee == "strlen_m" || callee == "strlen_m_term" ||
      callee == "strlen_m_term_null") {
    if (e.operands.size() != 2) return std::nullopt;
    c.function = callee;
  } else if (callee.rfind("ndr_size_", 0) == 0 && callee.size() > 9) {
    // ndr_size_T(&m, flags): the flags are the stream's own wherever the call is made.
    if (e.operands.size() != 3) return std::nullopt;
    c.function = "ndr_size";
    if (arg && arg->kind == ast::ExprKind::unary && arg->text == "&" && !arg->operands.empty())
      arg = arg->operands[0].get();
  } else {
    return std::nullopt;
  }
  if (!arg || arg->kind != ast::ExprKind::identifier) return std::nullopt;
  for (size_t i = 0; i < scope.siblings->size(); ++i)
    if ((*scope.siblings)[i].name == arg->text) {
      c.sibling = i;
      c.member = arg->text;
      return c;
    }
  return std::nullopt;
}

std::optional<ir::Expr> Analyzer::build_ref_expr(const ast::Expr& e, const ElementScope& scope,
                                                 const std::string& attr, int depth) {
  if (depth > kMaxExprDepth) {
    diags_.error(e.range, "expression is nested too deeply", "expression-too-deep");
    return std::nullopt;
  }
  ir::Expr out;
  auto sub = [&](size_t i) -> std::optional<ir::Expr> {
    if (i >= e.operands.size() || !e.operands[i]) return std::nullopt;
    return build_ref_expr(*e.operands[i], scope, attr, depth + 1);
  };
  auto find_sibling = [&](const std::string& n) -> std::optional<size_t> {
    if (!scope.siblings) return std::nullopt;
    for (size_t i = 0; i < scope.siblings->size(); ++i)
      if ((*scope.siblings)[i].name == n) return i;
    return std::nullopt;
  };
  auto sibling_ref = [&](size_t i) {
    ir::Expr r;
    r.kind = scope.place == kParam ? ir::Expr::Kind::param : ir::Expr::Kind::field;
    r.name = (*scope.siblings)[i].name;
    r.index = i;
    return r;
  };
  switch (e.kind) {
    case ast::ExprKind::integer:
    case ast::ExprKind::char_lit: {
      auto v = eval_const(e);
      if (!v) return std::nullopt;
      out.kind = ir::Expr::Kind::integer;
      out.value = *v;
      out.is_constant = true;
      return out;
    }
    case ast::ExprKind::string:
      out.kind = ir::Expr::Kind::string;
      out.text = e.text;
      return out;
    case ast::ExprKind::identifier: {
      if (auto i = find_sibling(e.text)) {
        const Sibling& sib = (*scope.siblings)[*i];
        // A size or a discriminant is a number: a struct or union cannot be one.
        if (sib.type && attr != "value" && sib.declarator && sib.declarator->pointer_depth() == 0)
          if (auto r = resolve_type(*sib.type, false); r && r->entry) {
            const ir::Type* t = r->entry->type;
            if (t->kind == ir::TypeKind::struct_ || t->kind == ir::TypeKind::union_)
              diags_.error(e.range, "'" + attr + "' refers to '" + e.text +
                                        "', which is not an integer", "reference-not-integer");
          }
        return sibling_ref(*i);
      }
      const Symbol* sym = lookup(e.text, e.range, true);
      if (sym && (sym->kind == Symbol::Kind::constant || sym->kind == Symbol::Kind::enumerator)) {
        auto v = eval_const(e);
        if (!v) return std::nullopt;
        out.kind = ir::Expr::Kind::constant;
        out.name = e.text;
        out.value = *v;
        out.is_constant = true;
        return out;
      }
      if (!sym && (e.text == "TRUE" || e.text == "FALSE" || e.text == "NULL")) {
        out.kind = ir::Expr::Kind::integer;
        out.value = e.text == "TRUE" ? 1 : 0;
        out.is_constant = true;
        return out;
      }
      // pidl passes switch_is()/value() through to C, so Samba's files name C-side macros there
      // (NDR_DCERPC_REQUEST_OBJECT_PRESENT, DCERPC_SEC_VT_MAGIC). An unresolved name spelled
      // like a macro is kept as written, with a warning; generators that cannot use it say so.
      if (!sym && (attr == "switch_is" || attr == "value") &&
          std::all_of(e.text.begin(), e.text.end(),
                      [](char c) { return std::isupper(static_cast<unsigned char>(c)) ||
                                          std::isdigit(static_cast<unsigned char>(c)) || c == '_'; }) &&
          std::any_of(e.text.begin(), e.text.end(),
                      [](char c) { return std::isupper(static_cast<unsigned char>(c)); })) {
        // A switch_is() name becomes a value the caller of push/pull supplies (externals.h).
        diags_.warning(e.range, "'" + attr + "' names '" + e.text + "', which IDL does not declare: " +
                                    (attr == "switch_is" ? "generated code asks the caller for its value"
                                                         : "kept as written for C-side code"),
                       "opaque-reference");
        out.kind = ir::Expr::Kind::opaque;
        out.text = e.text;
        return out;
      }
      Diagnostic d{Severity::error, e.range,
                   "'" + attr + "' refers to unknown '" + e.text + "'", "undeclared-identifier",
                   {}};
      if (scope.siblings) {
        std::string best;
        size_t best_d = std::max<size_t>(1, e.text.size() / 3) + 1;
        for (const Sibling& s : *scope.siblings) {
          size_t dist = 0;
          // Cheap similarity: a shared prefix or a case-insensitive match is enough to suggest.
          std::string a = s.name, b = e.text;
          std::transform(a.begin(), a.end(), a.begin(), ::tolower);
          std::transform(b.begin(), b.end(), b.begin(), ::tolower);
          dist = a == b ? 0 : (a.rfind(b, 0) == 0 || b.rfind(a, 0) == 0) ? 1 : best_d;
          if (dist < best_d) {
            best_d = dist;
            best = s.name;
          }
        }
        if (!best.empty()) d.notes.push_back({Severity::note, e.range,
                                              "did you mean '" + best + "'?", "", {}});
      }
      diags_.report(std::move(d));
      return std::nullopt;
    }
    case ast::ExprKind::unary:
    case ast::ExprKind::binary:
    case ast::ExprKind::ternary: {
      if (e.kind == ast::ExprKind::unary && e.text == "&") break;
      out.kind = e.kind == ast::ExprKind::unary    ? ir::Expr::Kind::unary
                 : e.kind == ast::ExprKind::binary ? ir::Expr::Kind::binary
                                                   : ir::Expr::Kind::ternary;
      out.op = e.text;
      // A dereference reads a run-time value: never a constant, whatever it points at.
      out.is_constant = !(e.kind == ast::ExprKind::unary && e.text == "*");
      for (size_t i = 0; i < e.operands.size(); ++i) {
        auto a = sub(i);
        if (!a) return std::nullopt;
        out.is_constant &= a->is_constant;
        out.operands.push_back(std::move(*a));
      }
      if (out.is_constant) {
        auto v = eval_const(e);
        if (!v) return std::nullopt;
        out.value = *v;
      }
      return out;
    }
    case ast::ExprKind::cast: return sub(0);
    case ast::ExprKind::member: {
      if (e.operands.empty() || !e.operands[0]) break;
      const ast::Expr& obj = *e.operands[0];
      // pidl's `r->x.length`: the member x of the structure described, then its member.
      const bool r_member = obj.kind == ast::ExprKind::member && obj.text == "->" &&
                            !obj.operands.empty() && obj.operands[0] &&
                            obj.operands[0]->kind == ast::ExprKind::identifier &&
                            obj.operands[0]->text == "r";
      if (obj.kind == ast::ExprKind::identifier || r_member) {
        const std::string& obj_name = r_member ? obj.member : obj.text;
        auto i = find_sibling(obj_name);
        if (!i && !r_member && obj.text == "r" && e.text == "->") {
          // pidl's `r->x` names the member x of the structure or call being described.
          if (auto j = find_sibling(e.member)) return sibling_ref(*j);
        }
        if (i) {
          const Sibling& sib = (*scope.siblings)[*i];
          auto r = sib.type ? resolve_type(*sib.type, false) : std::nullopt;
          if (!r) return std::nullopt;  // its unknown type was reported already
          const TypeEntry* te = r->entry;
          // C's `blob.length` of a DATA_BLOB member: its byte count (nbt.idl's value()).
          if (r->builtin && r->builtin->kind == ir::ScalarKind::blob && e.member == "length") {
            out.kind = ir::Expr::Kind::call;
            out.name = "blob_length";
            out.operands.push_back(sibling_ref(*i));
            return out;
          }
          if (te && te->decl && te->type->kind == ir::TypeKind::struct_) {
            size_t index = 0;
            for (const ast::Field& f : te->decl->fields)
              for (const ast::Declarator& d : f.declarators) {
                if (d.name == e.member) {
                  out.kind = ir::Expr::Kind::member;
                  out.op = e.text;
                  out.name = e.member;
                  out.index = index;
                  out.operands.push_back(sibling_ref(*i));
                  return out;
                }
                ++index;
              }
          }
          diags_.error(e.range, "'" + obj_name + "' has no member '" + e.member + "'",
                       "undeclared-identifier");
          return std::nullopt;
        }
      }
      break;
    }
    case ast::ExprKind::call:
      if (attr == "value") {
        if (std::optional<ValueCall> c = value_call(e, scope)) {
          out.kind = ir::Expr::Kind::call;
          out.name = c->function;
          out.text = c->member;
          out.operands.push_back(sibling_ref(c->sibling));
          return out;
        }
        out.kind = ir::Expr::Kind::opaque;
        out.text = e.operands.empty() || !e.operands[0] ? "call" : e.operands[0]->text;
        return out;
      }
      break;
    default: break;
  }
  diags_.error(e.range, "this expression is not allowed in '" + attr + "'", "invalid-reference");
  return std::nullopt;
}

}  // namespace nca::idl::sema::detail
