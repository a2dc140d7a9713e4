// The NDR code: push, pull, print and JSON per type and per operation, and the nca::rpc entries.
//
// Marshalling an element is a walk over its levels (ARCHITECTURE.md). Each walk below emits
// straight-line calls into nca::ndr for one element in one mode: the scalars pass (the fixed part,
// referent ids), the buffers pass (deferred pointees) or both (a pointee or a top-level parameter).
#include <cstdio>
#include <functional>
#include <map>
#include <algorithm>
#include <set>

#include "backends/code_writer.h"
#include "backends/cpp_generators.h"
#include "backends/cpp_model.h"
#include "diag/diagnostics.h"

namespace nca::idl::backends {

namespace {

enum Mode { kScalars = 1, kBuffers = 2, kBoth = 3 };

using F = ir::NdrFlag;

// The engine flags (nca::ndr::Flag) a pidl flag list asks for, as C++ text applied to `cur`.
std::string engine_flags(const ir::NdrFlags& flags, const std::string& cur) {
  std::string set, clear;
  if (flags.has(F::noalign)) set += " | nca::ndr::kFlagNoAlign";
  if (flags.has(F::big_endian)) {
    set += " | nca::ndr::kFlagBigEndian";
    clear = " & ~std::uint32_t{nca::ndr::kFlagLittleEndian}";
  }
  if (flags.has(F::little_endian)) {
    set += " | nca::ndr::kFlagLittleEndian";
    clear = " & ~std::uint32_t{nca::ndr::kFlagBigEndian}";
  }
  if (set.empty() && clear.empty()) return "";
  return "(" + cur + clear + ")" + set;
}

std::string int_lit(ir::Int v) {
  if (v < 0) return "(" + ir::to_string(v + 1) + "LL - 1)";
  if (v > ir::Int(INT64_MAX)) return "static_cast<std::int64_t>(" + ir::to_string(v) + "ULL)";
  return ir::to_string(v) + "LL";
}

// Where an expression's names come from.
struct Scope {
  const ir::Type* strukt = nullptr;  // field references: obj + "." + member
  std::string obj = "v";
  const ir::Operation* op = nullptr;  // parameter references
  bool out = false;                   // in an out shape: in_out parameters come from r.out
  bool push = false;                  // push: a member with value() counts as its computed value
};

class NdrWriter {
 public:
  NdrWriter(const CppModel& m, std::string& out, DiagnosticEngine& diags)
      : m_(m), w_(out), diags_(diags) {}

  CodeWriter& w() { return w_; }

  // ---- expressions ------------------------------------------------------------------------
  // An lvalue for a field/param reference and the element it names (for pointer-ness).
  std::string ref(const ir::Expr& e, const Scope& s, const ir::Element** el) {
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
  // Whether the C++ value of an element is a box (its first non-ref pointer).
  static bool deref_needed(const ir::Element& el) {
    for (const auto& l : el.levels) {
      const auto* p = std::get_if<ir::PointerLevel>(&l);
      if (!p) return false;
      if (p->kind != ir::PointerKind::ref) return true;
    }
    return false;
  }

  std::string expr(const ir::Expr& e, const Scope& s) {
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

  // pidl's value(): what push writes instead of the member. Returns "" if it cannot be computed
  // (an opaque C expression), then the member is pushed as it is.
  std::string value_expr(const ir::Expr& e, const Scope& s) {
    if (e.kind == ir::Expr::Kind::opaque) return "";
    return expr(e, s);
  }

  // A size function of a member in value() (ir::Expr::Kind::call), as a call of nca::ndr::gen
  // on the member; the struct's push computes each distinct one once (hoist_value_calls).
  std::string value_call(const ir::Expr& e, const Scope& s) {
    const ir::Expr& arg = e.operands.at(0);
    std::string member = s.obj + "." + cpp_ident(arg.name);
    std::string text = e.name == "ndr_size"
                           ? "nca::ndr::gen::ndr_size(p, " + member + ")"
                           : "nca::ndr::gen::" + e.name + (is_byte_string(s, arg.name) ? "_bytes" : "") +
                                 "(" + member + ")";
    if (auto it = cse_.find(text); it != cse_.end()) return it->second;
    return text;
  }

  // A member held as the bytes sent (a char/uint8 string that is not [charset(UTF16)]): the
  // strlen family counts its bytes, so that the size pushed matches the bytes pushed whatever
  // they are (a UTF-16 count disagrees with them for non-ASCII bytes; the fuzzer found that).
  static bool is_byte_string(const Scope& s, const std::string& name) {
    if (!s.strukt) return false;
    for (const auto& m : s.strukt->members) {
      if (m.name != name) continue;
      const auto* d = std::get_if<ir::DataLevel>(&m.levels.back());
      return d && d->builtin && d->builtin->size20 == 1 && d->charset != ir::Charset::utf16;
    }
    return false;
  }

  // A struct's value() members may call the strlen family or ndr_size on a member, and the sizes
  // that name those members repeat the call: each distinct call is made once per push call, into
  // a local (a string's length is otherwise scanned four times per pass for lsa_String).
  void hoist_value_calls(const ir::Type& t, const Scope& ps) {
    cse_.clear();
    std::vector<std::string> calls;
    std::function<void(const ir::Expr&)> collect = [&](const ir::Expr& e) {
      if (e.kind == ir::Expr::Kind::call) {
        std::string c = value_call(e, ps);
        if (std::find(calls.begin(), calls.end(), c) == calls.end()) calls.push_back(c);
        return;
      }
      for (const ir::Expr& o : e.operands) collect(o);
    };
    for (const auto& m : t.members)
      if (m.data().value) collect(*m.data().value);
    for (const auto& c : calls) {
      std::string local = "value_call" + std::to_string(cse_.size());
      w_.emit("const auto $l$ = $c$;\n", {{"l", local}, {"c", c}});
      cse_.emplace(c, local);
    }
  }

  // ---- push -------------------------------------------------------------------------------
  void push_levels(const std::vector<ir::Level>& L, size_t i, const std::string& v, int mode,
                   const Scope& s) {
    const ir::Level& l = L[i];
    if (m_.is_interface_pointer(L, i)) return interface_pointer(true, v, mode);
    if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
      bool null_ok = p->kind != ir::PointerKind::ref;
      std::string pointee = null_ok ? "(*" + v + ")" : v;
      if (p->kind == ir::PointerKind::relative || p->kind == ir::PointerKind::relative_short) {
        // pidl's [relative]: a 32-bit offset from the relative base (the innermost
        // [relative_base] value's start, else the stream's or the subcontext's) to the pointee,
        // which travels in the buffers pass; the placeholder is patched when the pointee is
        // written (Samba's ndr_push_relative_ptr1/2). [relative_short]: a 16-bit offset.
        if (mode & kScalars)
          w_.emit("p.$f$(&$v$, static_cast<bool>($v$));\n",
                  {{"v", v}, {"f", p->kind == ir::PointerKind::relative ? "relative_ptr" : "short_relative_ptr"}});
        if (mode & kBuffers) {
          w_.emit("if ($v$) {\n", {{"v", v}});
          w_.indent();
          w_.emit("p.relative_ptr_target(&$v$);\n", {{"v", v}});
          push_levels(L, i + 1, pointee, kBoth, s);
          w_.outdent();
          w_.emit("}\n");
        }
        return;
      }
      if (mode & kScalars) {
        if (p->kind == ir::PointerKind::ref && !p->top_level)
          w_.emit("p.referent(true);\n");
        else if (p->kind == ir::PointerKind::full)
          w_.emit("p.full_pointer($v$.get());\n", {{"v", v}});
        else if (null_ok)
          w_.emit("p.referent(static_cast<bool>($v$));\n", {{"v", v}});
      }
      if (mode & kBuffers) {
        if (p->kind == ir::PointerKind::full)
          w_.emit("if (p.full_pointee_pending($v$.get())) {\n", {{"v", v}});
        else if (null_ok)
          w_.emit("if ($v$) {\n", {{"v", v}});
        else
          w_.emit("{\n");
        w_.indent();
        push_levels(L, i + 1, pointee, kBoth, s);
        w_.outdent();
        w_.emit("}\n");
      }
      return;
    }
    if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) return push_array(L, i, *a, v, mode, s);
    if (const auto* sw = std::get_if<ir::SwitchLevel>(&l)) {
      const auto& d = std::get<ir::DataLevel>(L.at(i + 1));
      if (!(mode & kScalars) && !m_.needs_buffers(L, i + 1)) return;
      w_.emit("push(p, $pass$, $v$, $d$);\n",
              {{"pass", pass_text(mode)}, {"v", v}, {"d", expr(sw->switch_is, s)}});
      (void)d;
      return;
    }
    if (const auto* sc = std::get_if<ir::SubcontextLevel>(&l)) {
      if (!(mode & kScalars)) return;
      int n = ++tmp_;
      w_.emit("{\n");
      w_.indent();
      w_.emit("auto sc$n$ = p.subcontext_begin($h$);\n",
              {{"n", std::to_string(n)}, {"h", std::to_string(sc->header_size)}});
      push_levels(L, i + 1, v, kBoth, s);
      w_.emit("p.subcontext_end(sc$n$);\n", {{"n", std::to_string(n)}});
      w_.outdent();
      w_.emit("}\n");
      return;
    }
    data_level(true, std::get<ir::DataLevel>(l), v, mode, s);
  }

  // A COM interface pointer: a [unique] pointer to MInterfacePointer, the conformant structure
  // {uint32 ulCntData; [size_is(ulCntData)] byte abData[]} (MS-DCOM 2.2.14), whatever pointer
  // attribute the IDL gives it. Its pointee is deferred like any embedded pointer's.
  void interface_pointer(bool push, const std::string& v, int mode) {
    if (mode & kScalars)
      w_.emit(push ? "p.referent(static_cast<bool>($v$.objref));\n" : "p.unique_pointer($v$.objref);\n", {{"v", v}});
    if (!(mode & kBuffers)) return;
    w_.emit("if ($v$.objref) {\n", {{"v", v}});
    w_.indent();
    if (push) {
      w_.emit("p.conformance($v$.objref->size());\np.align(4);\n"
              "p.u32(static_cast<std::uint32_t>($v$.objref->size()));\np.array(*$v$.objref);\n"
              "if (p.ndr64()) p.align(4);\n",
              {{"v", v}});
    } else {
      w_.emit("auto nest = p.nest();\nstd::uint64_t max = 0;\nstd::uint32_t count = 0;\n"
              "p.conformance(max);\np.align(4);\np.u32(count);\np.expect_count(max, count);\n"
              "p.array(*$v$.objref, count);\nif (p.ndr64()) p.align(4);\n",
              {{"v", v}});
    }
    w_.outdent();
    w_.emit("}\n");
  }

  static std::string pass_text(int mode) {
    return mode == kBoth ? "nca::ndr::kScalarsAndBuffers"
                         : mode == kScalars ? "nca::ndr::kScalars" : "nca::ndr::kBuffers";
  }

  // One DATA level in either direction: the two differ only in the verb of the calls they emit
  // and in what surrounds a builtin (push: value(); pull: range()).
  void data_level(bool push, const ir::DataLevel& d, const std::string& v0, int mode, const Scope& s) {
    check_relative_reverse(d.flags);
    if (!engine_flags(d.flags, "p.flags()").empty() && (mode & kScalars)) {
      int n = ++tmp_;
      w_.emit("{\n");
      w_.indent();
      w_.emit("const std::uint32_t saved$n$ = p.flags();\np.set_flags($f$);\n",
              {{"n", std::to_string(n)}, {"f", engine_flags(d.flags, "saved" + std::to_string(n))}});
      ir::DataLevel inner = d;
      inner.flags = {};
      data_level(push, inner, v0, mode, s);
      w_.emit("p.set_flags(saved$n$);\n", {{"n", std::to_string(n)}});
      w_.outdent();
      w_.emit("}\n");
      return;
    }
    const char* verb = push ? "push" : "pull";
    if (d.context_handle != ir::ContextHandleKind::none) {
      if (mode & kScalars) w_.emit("p.context_handle($v$);\n", {{"v", v0}});
      return;
    }
    if (d.type) {
      const ir::Type& t = *d.type;
      if (m_.well_known(t) == WellKnown::guid) {
        if (mode & kScalars) w_.emit("p.guid($v$);\n", {{"v", v0}});
        return;
      }
      if (m_.well_known(t) == WellKnown::policy_handle) {
        if (mode & kScalars) w_.emit("p.context_handle($v$);\n", {{"v", v0}});
        return;
      }
      if (const ir::Element* target = m_.alias_target(t)) {
        if (push) return push_levels(target->levels, 0, v0, mode, s);
        return pull_levels(target->levels, 0, v0, mode, s);
      }
      if (t.kind == ir::TypeKind::bitmap) {
        if (mode & kScalars) w_.emit("p.$f$($v$);\n", {{"f", int_fn(t.wire_bits, false)}, {"v", v0}});
        return;
      }
      if (t.kind == ir::TypeKind::enum_) {
        if (mode & kScalars) w_.emit("$verb$(p, nca::ndr::kScalars, $v$);\n", {{"verb", verb}, {"v", v0}});
        return;
      }
      if (!(mode & kScalars) && !m_.needs_buffers(t)) return;
      w_.emit("$verb$(p, $pass$, $v$);\n", {{"verb", verb}, {"pass", pass_text(mode)}, {"v", v0}});
      return;
    }
    if (!(mode & kScalars)) return;
    if (!push) {
      pull_builtin(d, v0);
      if (d.range)
        w_.emit("p.range<std::int64_t>(static_cast<std::int64_t>($v$), $lo$, $hi$);\n",
                {{"v", v0}, {"lo", int_lit(d.range->first)}, {"hi", int_lit(d.range->second)}});
      return;
    }
    std::string v = v0;
    if (d.value) {
      std::string ve = value_expr(*d.value, s);
      if (!ve.empty()) v = "static_cast<" + m_.builtin_type(*d.builtin) + ">(" + ve + ")";
    }
    // [range] holds on both sides: a value outside it is not sent (as MIDL's stubs refuse it).
    // An unsigned value narrower than 64 bits cannot be below a lower bound of 0 or less: that
    // half is left out (GCC's -Wtype-limits calls it always false). A uint64 keeps it: its values
    // above INT64_MAX turn negative in the int64 comparison and must still fail.
    if (d.range) {
      const ir::Builtin& b = *d.builtin;
      bool narrow_unsigned = !b.is_signed && b.size20 > 0 && b.size20 < 8 &&
                             (b.kind == ir::ScalarKind::integer || b.kind == ir::ScalarKind::character ||
                              b.kind == ir::ScalarKind::boolean);
      bool no_lower = d.range->first <= 0 && narrow_unsigned;
      std::string below = no_lower ? "" : "static_cast<std::int64_t>($v$) < $lo$ || ";
      w_.emit("if (" + below + "static_cast<std::int64_t>($v$) > $hi$) "
              "p.fail(nca::ndr::Error::range_violation);\n",
              {{"v", v}, {"lo", int_lit(d.range->first)}, {"hi", int_lit(d.range->second)}});
    }
    push_builtin(d, v);
  }

  static std::string int_fn(uint32_t bits, bool is_signed) {
    std::string f = is_signed ? "i" : "u";
    return f + std::to_string(bits);
  }

  // The engine call of a fixed-size integer wire kind ("u32", "i16", ...), else null.
  static const char* int_call(ir::WireKind k) {
    using W = ir::WireKind;
    switch (k) {
      case W::int8: return "i8";
      case W::uint8: return "u8";
      case W::int16: return "i16";
      case W::uint16: return "u16";
      case W::int32: return "i32";
      case W::uint32: return "u32";
      case W::int64: return "i64";
      case W::uint64: return "u64";
      default: return nullptr;
    }
  }

  void push_builtin(const ir::DataLevel& d, const std::string& v) {
    using W = ir::WireKind;
    const ir::WireKind k = d.builtin->wire;
    if (const char* f = int_call(k)) return w_.emit("p.$f$($v$);\n", {{"f", f}, {"v", v}});
    switch (k) {
      case W::int3264:
      case W::uint3264: return w_.emit("p.u3264(static_cast<std::uint64_t>($v$));\n", {{"v", v}});
      case W::dlong:
      case W::udlong: return w_.emit("p.udlong(static_cast<std::uint64_t>($v$));\n", {{"v", v}});
      case W::udlongr: return w_.emit("p.udlongr($v$);\n", {{"v", v}});
      case W::bool8: return w_.emit("p.boolean($v$);\n", {{"v", v}});
      case W::bool32: return w_.emit("p.u32($v$ ? 1 : 0);\n", {{"v", v}});
      case W::char8: return w_.emit("p.u8(static_cast<std::uint8_t>($v$));\n", {{"v", v}});
      case W::char16: return w_.emit("p.u16(static_cast<std::uint16_t>($v$));\n", {{"v", v}});
      case W::float32: return w_.emit("p.f32($v$);\n", {{"v", v}});
      case W::float64: return w_.emit("p.f64($v$);\n", {{"v", v}});
      case W::ntstatus: return w_.emit("p.ntstatus($v$);\n", {{"v", v}});
      case W::werror: return w_.emit("p.werror($v$);\n", {{"v", v}});
      case W::hresult: return w_.emit("p.hresult($v$);\n", {{"v", v}});
      case W::error_status:
      case W::time_t_: return w_.emit("p.u32($v$);\n", {{"v", v}});
      case W::nttime_hyper: return w_.emit("p.u64($v$);\n", {{"v", v}});
      case W::nttime: return w_.emit("p.udlong($v$);\n", {{"v", v}});
      case W::context_handle: return w_.emit("p.context_handle($v$);\n", {{"v", v}});
      case W::blob:
        if (d.flags.has(F::remaining))
          w_.emit("p.raw($v$.data.data(), $v$.data.size());\n", {{"v", v}});
        else if (int a = blob_align(d.flags))
          w_.emit("p.align($a$);  // pidl: a DATA_BLOB with an alignment flag is the padding\n",
                  {{"a", std::to_string(a)}});
        else
          w_.emit("p.data_blob($v$);\n", {{"v", v}});
        return;
      case W::ipv4: return w_.emit("p.u32(nca::ndr::gen::ipv4_to_u32($v$, p));\n", {{"v", v}});
      case W::ipv6: return w_.emit("nca::ndr::gen::push_ipv6(p, $v$);\n", {{"v", v}});
      case W::pidl_string:
        return w_.emit("p.$f$($v$, $form$);\n", {{"f", pidl_string_fn(d)}, {"v", v}, {"form", pidl_string_form(d)}});
      case W::interface_ptr:
        unsupported_ = "COM interface pointers";
        return;
      case W::runtime: return runtime_builtin_call("push", d, "p", v);
      default:
        return;
    }
  }

  // A builtin the runtime marshals by name (ir::WireKind::runtime): nca::ndr::samba::OP_NAME(
  // stream, value, libndr flags).
  void runtime_builtin_call(const char* op, const ir::DataLevel& d, const char* stream,
                            const std::string& v) {
    char flags[16];
    std::snprintf(flags, sizeof flags, "0x%xu", ir::libndr_bits(d.flags));
    w_.emit("nca::ndr::samba::$op$_$n$($s$, $v$, $f$);\n",
            {{"op", op}, {"n", d.builtin->name}, {"s", stream}, {"v", v}, {"f", flags}});
  }

  // pidl's `string` type: the charset and wire form come from its STR_ flags.
  static bool pidl_string_bytes(const ir::DataLevel& d) {
    return d.flags.has(F::str_ascii) || d.flags.has(F::str_utf8) || d.flags.has(F::str_raw8);
  }
  static std::string pidl_string_fn(const ir::DataLevel& d) {
    return pidl_string_bytes(d) ? "string" : "string_utf16";
  }
  static std::string pidl_string_form(const ir::DataLevel& d) {
    std::string form;
    if (d.flags.has(F::str_nullterm)) form = "nca::ndr::kStrNullterm";
    else if (d.flags.has(F::str_len4) && !d.flags.has(F::str_size4)) form = "nca::ndr::kStrLen";
    else if (d.flags.has(F::str_size4) && !d.flags.has(F::str_len4)) form = "nca::ndr::kStrSize";
    else form = "nca::ndr::kStrConformantVarying";
    if (d.flags.has(F::str_noterm)) form += " | nca::ndr::kStrNoterm";
    return "static_cast<std::uint8_t>(" + form + ")";
  }

  static int blob_align(const ir::NdrFlags& flags) {
    if (flags.has(F::align2)) return 2;
    if (flags.has(F::align4)) return 4;
    if (flags.has(F::align8)) return 8;
    return 0;
  }

  // Counts of an array level as C++ expressions ("" when absent).
  struct Counts {
    std::string size, length, offset;
  };
  Counts counts(const ir::ArrayLevel& a, const Scope& s) {
    Counts c;
    if (a.size_is) c.size = expr(*a.size_is, s);
    else if (a.max_is) c.size = "(" + expr(*a.max_is, s) + " + 1)";
    else if (a.fixed_count) c.size = std::to_string(*a.fixed_count) + "LL";
    if (a.kind == ir::ArrayKind::varying || a.kind == ir::ArrayKind::conformant_varying) {
      if (a.first_is) c.offset = expr(*a.first_is, s);
      if (a.length_is) c.length = expr(*a.length_is, s);
      else if (a.last_is)
        c.length = "(" + expr(*a.last_is, s) + " - " + (c.offset.empty() ? "0" : c.offset) + " + 1)";
    }
    return c;
  }

  static bool conformant(const ir::ArrayLevel& a) {
    return a.kind == ir::ArrayKind::conformant || a.kind == ir::ArrayKind::conformant_varying;
  }
  static bool varying(const ir::ArrayLevel& a) {
    return a.kind == ir::ArrayKind::varying || a.kind == ir::ArrayKind::conformant_varying;
  }

  std::string string_fn(const ir::DataLevel& d) {
    if (d.charset == ir::Charset::utf16) return "string_utf16";
    return "string";
  }
  static std::string str_form(const ir::ArrayLevel& a, bool with_size) {
    std::string f = with_size ? "nca::ndr::kStrConformantVarying" : "nca::ndr::kStrVarying";
    if (!a.zero_terminated) f += " | nca::ndr::kStrNoterm";
    return f;
  }

  // The characters a [string] value sends, with its terminator (its maximum and actual count).
  std::string string_count(const std::vector<ir::Level>& L, size_t i, const std::string& v) {
    const auto& a = std::get<ir::ArrayLevel>(L[i]);
    const auto& d = std::get<ir::DataLevel>(L.at(i + 1));
    std::string term = a.zero_terminated ? " + 1" : "";
    if (string_fn(d) == "string_utf16") return "(nca::ndr::utf16_length(" + v + ").value_or(0)" + term + ")";
    return "(" + v + ".size()" + term + ")";
  }

  void push_array(const std::vector<ir::Level>& L, size_t i, const ir::ArrayLevel& a,
                  const std::string& v, int mode, const Scope& s) {
    const auto* d = std::get_if<ir::DataLevel>(&L.at(i + 1));
    Counts c = counts(a, s);
    if (m_.is_string_array(L, i)) {
      if (!(mode & kScalars)) return;
      if (a.is_string && a.surrounding && conformant(a)) {
        // The struct wrote the maximum count first; here the offset, actual count and text.
        w_.emit("p.$f$($v$, $form$, $n$);\n", {{"f", string_fn(*d)}, {"v", v},
                                                {"form", str_form(a, false)}, {"n", string_count(L, i, v)}});
        return;
      }
      if (a.is_string) {
        if (a.size_is) {
          // [string, size_is(n)]: the conformance is n, then offset/length of the text.
          w_.emit("p.conformance(static_cast<std::uint64_t>($n$));\n", {{"n", c.size}});
          w_.emit("p.$f$($v$, $form$, static_cast<std::uint64_t>($n$));\n",
                  {{"f", string_fn(*d)}, {"v", v}, {"form", str_form(a, false)}, {"n", c.size}});
        } else if (a.fixed_count) {
          w_.emit("p.$f$($v$, $form$, $n$);\n", {{"f", string_fn(*d)}, {"v", v},
                                                  {"form", str_form(a, false)},
                                                  {"n", std::to_string(*a.fixed_count)}});
        } else {
          w_.emit("p.$f$($v$, $form$);\n",
                  {{"f", string_fn(*d)}, {"v", v}, {"form", str_form(a, true)}});
        }
        return;
      }
      // A [charset] array that is not [string]: its counts come from the IDL, the text is padded
      // with NULs to the count (pidl's ndr_push_charset).
      if (string_fn(*d) != "string") {
        // [charset(UTF16), size_is(), length_is()] uint16 *: counts from the IDL, the text as
        // bare UTF-16 units whose number must be the length (lsa_String).
        // utf16_units() checks the text against the count (ASCII of that length needs no second
        // scan): ill-formed text is invalid_charset, another length array_size_mismatch.
        std::string n = std::to_string(++tmp_);
        std::string length = !c.length.empty() ? c.length : c.size;
        w_.emit("{\n");
        w_.indent();
        w_.emit("const auto units$n$ = static_cast<std::uint64_t>($l$);\n", {{"n", n}, {"l", length}});
        if (conformant(a) && !a.surrounding)
          w_.emit("p.conformance(static_cast<std::uint64_t>($c$));\n", {{"c", c.size}});
        if (varying(a))
          w_.emit("p.variance(static_cast<std::uint64_t>($o$), units$n$);\n",
                  {{"o", c.offset.empty() ? "0" : c.offset}, {"n", n}});
        w_.emit("p.utf16_units($v$, units$n$);\n", {{"v", v}, {"n", n}});
        w_.outdent();
        w_.emit("}\n");
        return;
      }
      if (conformant(a) && !a.surrounding)
        w_.emit("p.conformance(static_cast<std::uint64_t>($n$));\n", {{"n", c.size}});
      std::string n = varying(a) && !c.length.empty() ? c.length : c.size;
      w_.emit("nca::ndr::gen::push_chars(p, $v$, static_cast<std::uint64_t>($n$));\n",
              {{"v", v}, {"n", n}});
      return;
    }
    bool is_std_array = a.kind == ir::ArrayKind::fixed && a.fixed_count && !a.size_is;
    bool elem_buffers = m_.needs_buffers(L, i + 1);
    if (mode & kScalars) {
      std::string count = varying(a) && !c.length.empty() ? c.length : c.size;
      if (!is_std_array) {
        if (count.empty()) {
          unsupported_ = "an array without a size";
          return;
        }
        w_.emit(
            "if ($v$.size() != static_cast<std::uint64_t>($n$)) p.fail(nca::ndr::Error::array_size_mismatch);\n",
            {{"v", v}, {"n", count}});
      }
      if (conformant(a) && !a.surrounding)
        w_.emit("p.conformance(static_cast<std::uint64_t>($n$));\n", {{"n", c.size}});
      if (varying(a))
        w_.emit("p.variance(static_cast<std::uint64_t>($o$), $v$.size());\n",
                {{"o", c.offset.empty() ? "0" : c.offset}, {"v", v}});
      if (const ir::Builtin* b = m_.bulk_scalar(L, i + 1)) {
        w_.emit("p.array(std::span<const $t$>($v$.data(), $v$.size()));\n",
                {{"t", m_.builtin_type(*b)}, {"v", v}});
      } else {
        std::string e = "e" + std::to_string(++tmp_);
        w_.emit("for (const auto& $e$ : $v$) {\n", {{"e", e}, {"v", v}});
        w_.indent();
        push_levels(L, i + 1, e, kScalars, s);
        w_.outdent();
        w_.emit("}\n");
      }
    }
    if ((mode & kBuffers) && elem_buffers) {
      std::string e = "e" + std::to_string(++tmp_);
      w_.emit("for (const auto& $e$ : $v$) {\n", {{"e", e}, {"v", v}});
      w_.indent();
      push_levels(L, i + 1, e, kBuffers, s);
      w_.outdent();
      w_.emit("}\n");
    }
  }

  // ---- pull -------------------------------------------------------------------------------
  void pull_levels(const std::vector<ir::Level>& L, size_t i, const std::string& v, int mode,
                   const Scope& s, const std::string& hoisted = "") {
    const ir::Level& l = L[i];
    if (m_.is_interface_pointer(L, i)) return interface_pointer(false, v, mode);
    if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
      bool null_ok = p->kind != ir::PointerKind::ref;
      std::string pointee = null_ok ? "(*" + v + ")" : v;
      if (p->kind == ir::PointerKind::relative || p->kind == ir::PointerKind::relative_short) {
        // The offset is read with the scalars; the pointee is read where it points, and the
        // stream continues after whichever ended later (Samba's relative_highest_offset).
        if (mode & kScalars)
          w_.emit("if (std::$t$ rel = 0; p.$f$(&$v$, rel) && rel != 0) {\n  $v$.emplace();\n} else {\n  $v$.reset();\n}\n",
                  {{"v", v},
                   {"t", p->kind == ir::PointerKind::relative ? "uint32_t" : "uint16_t"},
                   {"f", p->kind == ir::PointerKind::relative ? "relative_ptr" : "short_relative_ptr"}});
        if (mode & kBuffers) {
          w_.emit("if (std::size_t saved = 0; $v$ && p.relative_ptr_seek(&$v$, saved)) {\n", {{"v", v}});
          w_.indent();
          w_.emit("auto nest = p.nest();\n");
          pull_levels(L, i + 1, pointee, kBoth, s);
          w_.emit("p.relative_ptr_return(saved);\n");
          w_.outdent();
          w_.emit("}\n");
        }
        return;
      }
      if (mode & kScalars) {
        if (p->kind == ir::PointerKind::ref && !p->top_level)
          w_.emit("p.ref_referent();\n");
        else if (p->kind == ir::PointerKind::full)
          w_.emit("p.full_pointer($v$);\n", {{"v", v}});
        else if (null_ok)
          w_.emit("p.unique_pointer($v$);\n", {{"v", v}});
      }
      if (mode & kBuffers) {
        if (p->kind == ir::PointerKind::full)
          // The guard marks the object as being decoded for the block (cycle detection).
          w_.emit("if ($v$) if (auto full = p.full_pointee($v$.get())) {\n", {{"v", v}});
        else if (null_ok)
          w_.emit("if ($v$) {\n", {{"v", v}});
        else
          w_.emit("{\n");
        w_.indent();
        w_.emit("auto nest = p.nest();\n");
        pull_levels(L, i + 1, pointee, kBoth, s);
        w_.outdent();
        w_.emit("}\n");
      }
      return;
    }
    if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) return pull_array(L, i, *a, v, mode, s, hoisted);
    if (const auto* sw = std::get_if<ir::SwitchLevel>(&l)) {
      if (!(mode & kScalars) && !m_.needs_buffers(L, i + 1)) return;
      w_.emit("pull(p, $pass$, $v$, $d$);\n",
              {{"pass", pass_text(mode)}, {"v", v}, {"d", expr(sw->switch_is, s)}});
      return;
    }
    if (const auto* sc = std::get_if<ir::SubcontextLevel>(&l)) {
      if (!(mode & kScalars)) return;
      int n = ++tmp_;
      std::string ns = std::to_string(n);
      bool exact = std::get<ir::DataLevel>(L.back()).flags.has(F::subcontext_no_unread_bytes);
      w_.emit("{\n");
      w_.indent();
      w_.emit("nca::ndr::Pull::Subcontext sc$n${};\nif (p.subcontext_begin($h$, sc$n$)) {\n",
              {{"n", ns}, {"h", std::to_string(sc->header_size)}});
      w_.indent();
      pull_levels(L, i + 1, v, kBoth, s);
      w_.emit("p.subcontext_end(sc$n$, $x$);\n", {{"n", ns}, {"x", exact ? "true" : "false"}});
      w_.outdent();
      w_.emit("}\n");
      w_.outdent();
      w_.emit("}\n");
      return;
    }
    data_level(false, std::get<ir::DataLevel>(l), v, mode, s);
  }

  void pull_builtin(const ir::DataLevel& d, const std::string& v) {
    using W = ir::WireKind;
    const ir::WireKind k = d.builtin->wire;
    if (const char* f = int_call(k)) return w_.emit("p.$f$($v$);\n", {{"f", f}, {"v", v}});
    switch (k) {
      case W::uint3264: return w_.emit("p.u3264($v$);\n", {{"v", v}});
      case W::int3264:
        return w_.emit("{ std::uint64_t t = 0; p.u3264(t); $v$ = p.ndr64() ? static_cast<std::int64_t>(t) : static_cast<std::int32_t>(t); }\n", {{"v", v}});
      case W::dlong:
        return w_.emit("{ std::uint64_t t = 0; p.udlong(t); $v$ = static_cast<std::int64_t>(t); }\n", {{"v", v}});
      case W::udlong: return w_.emit("p.udlong($v$);\n", {{"v", v}});
      case W::udlongr: return w_.emit("p.udlongr($v$);\n", {{"v", v}});
      case W::bool8: return w_.emit("p.boolean($v$);\n", {{"v", v}});
      case W::bool32: return w_.emit("{ std::uint32_t t = 0; p.u32(t); $v$ = t != 0; }\n", {{"v", v}});
      case W::char8: return w_.emit("{ std::uint8_t t = 0; p.u8(t); $v$ = static_cast<char>(t); }\n", {{"v", v}});
      case W::char16:
        return w_.emit("{ std::uint16_t t = 0; p.u16(t); $v$ = static_cast<char16_t>(t); }\n", {{"v", v}});
      case W::float32: return w_.emit("p.f32($v$);\n", {{"v", v}});
      case W::float64: return w_.emit("p.f64($v$);\n", {{"v", v}});
      case W::ntstatus: return w_.emit("p.ntstatus($v$);\n", {{"v", v}});
      case W::werror: return w_.emit("p.werror($v$);\n", {{"v", v}});
      case W::hresult: return w_.emit("p.hresult($v$);\n", {{"v", v}});
      case W::error_status:
      case W::time_t_: return w_.emit("p.u32($v$);\n", {{"v", v}});
      case W::nttime_hyper: return w_.emit("p.u64($v$);\n", {{"v", v}});
      case W::nttime: return w_.emit("p.udlong($v$);\n", {{"v", v}});
      case W::context_handle: return w_.emit("p.context_handle($v$);\n", {{"v", v}});
      case W::blob:
        if (d.flags.has(F::remaining))
          w_.emit("p.remaining_bytes($v$.data);\n", {{"v", v}});
        else if (int a = blob_align(d.flags))
          w_.emit("nca::ndr::gen::pull_padding(p, $v$, $a$);\n", {{"v", v}, {"a", std::to_string(a)}});
        else
          w_.emit("p.data_blob($v$);\n", {{"v", v}});
        return;
      case W::ipv4:
        return w_.emit("{ std::uint32_t t = 0; p.u32(t); $v$ = nca::ndr::gen::u32_to_ipv4(t); }\n", {{"v", v}});
      case W::ipv6: return w_.emit("nca::ndr::gen::pull_ipv6(p, $v$);\n", {{"v", v}});
      case W::pidl_string:
        return w_.emit("p.$f$($v$, $form$);\n", {{"f", pidl_string_fn(d)}, {"v", v}, {"form", pidl_string_form(d)}});
      case W::interface_ptr:
        unsupported_ = "COM interface pointers";
        return;
      case W::runtime: return runtime_builtin_call("pull", d, "p", v);
      default:
        return;
    }
  }

  void pull_array(const std::vector<ir::Level>& L, size_t i, const ir::ArrayLevel& a,
                  const std::string& v, int mode, const Scope& s, const std::string& hoisted) {
    const auto* d = std::get_if<ir::DataLevel>(&L.at(i + 1));
    Counts c = counts(a, s);
    std::string n = std::to_string(++tmp_);
    if (m_.is_string_array(L, i)) {
      if (!(mode & kScalars)) return;
      if (a.is_string && !hoisted.empty()) {
        w_.emit("p.$f$($v$, $form$, $h$);\n",
                {{"f", string_fn(*d)}, {"v", v}, {"form", str_form(a, false)}, {"h", hoisted}});
        return;
      }
      if (a.is_string) {
        if (a.size_is) {
          w_.emit("{\n");
          w_.indent();
          w_.emit("std::uint64_t size$n$ = 0;\np.conformance(size$n$);\n"
                  "p.expect_count(size$n$, static_cast<std::uint64_t>($c$));\n"
                  "p.$f$($v$, $form$, size$n$);\n",
                  {{"n", n}, {"c", c.size}, {"f", string_fn(*d)}, {"v", v}, {"form", str_form(a, false)}});
          w_.outdent();
          w_.emit("}\n");
        } else if (a.fixed_count) {
          w_.emit("p.$f$($v$, $form$, $c$);\n", {{"f", string_fn(*d)}, {"v", v},
                                                  {"form", str_form(a, false)},
                                                  {"c", std::to_string(*a.fixed_count)}});
        } else {
          w_.emit("p.$f$($v$, $form$);\n", {{"f", string_fn(*d)}, {"v", v}, {"form", str_form(a, true)}});
        }
        return;
      }
      w_.emit("{\n");
      w_.indent();
      std::string count = varying(a) && !c.length.empty() ? c.length : c.size;
      if (conformant(a)) {
        if (!hoisted.empty()) w_.emit("std::uint64_t size$n$ = $h$;\n", {{"n", n}, {"h", hoisted}});
        else w_.emit("std::uint64_t size$n$ = 0;\np.conformance(size$n$);\n", {{"n", n}});
        w_.emit("p.expect_count(size$n$, static_cast<std::uint64_t>($c$));\n", {{"n", n}, {"c", c.size}});
      }
      if (varying(a)) {
        w_.emit("std::uint64_t offset$n$ = 0, length$n$ = 0;\np.variance(offset$n$, length$n$, $m$);\n",
                {{"n", n}, {"m", conformant(a) ? "size" + n : "static_cast<std::uint64_t>(" + c.size + ")"}});
        if (!c.length.empty())
          w_.emit("p.expect_count(length$n$, static_cast<std::uint64_t>($c$));\n", {{"n", n}, {"c", c.length}});
        w_.emit("if (offset$n$ != 0) p.fail(nca::ndr::Error::array_bounds);\n", {{"n", n}});
        count = "length" + n;
      }
      if (string_fn(*d) != "string")
        w_.emit("p.utf16_units($v$, static_cast<std::uint64_t>($c$));\n", {{"v", v}, {"c", count}});
      else
        w_.emit("nca::ndr::gen::pull_chars(p, $v$, static_cast<std::uint64_t>($c$));\n",
                {{"v", v}, {"c", count}});
      w_.outdent();
      w_.emit("}\n");
      return;
    }
    bool is_std_array = a.kind == ir::ArrayKind::fixed && a.fixed_count && !a.size_is;
    bool elem_buffers = m_.needs_buffers(L, i + 1);
    if (mode & kScalars) {
      w_.emit("{\n");
      w_.indent();
      if (is_std_array) {
        // A std::array knows its size; only a varying one reads the count (for the variance).
        if (varying(a))
          w_.emit("const std::uint64_t size$n$ = $N$;\n", {{"n", n}, {"N", std::to_string(*a.fixed_count)}});
      } else if (conformant(a)) {
        if (!hoisted.empty()) w_.emit("const std::uint64_t size$n$ = $h$;\n", {{"n", n}, {"h", hoisted}});
        else w_.emit("std::uint64_t size$n$ = 0;\np.conformance(size$n$);\n", {{"n", n}});
        if (!c.size.empty())
          w_.emit("p.expect_count(size$n$, static_cast<std::uint64_t>($c$));\n", {{"n", n}, {"c", c.size}});
      } else {
        w_.emit("const std::uint64_t size$n$ = static_cast<std::uint64_t>($c$);\n", {{"n", n}, {"c", c.size}});
      }
      std::string count = "size" + n;
      if (varying(a)) {
        w_.emit("std::uint64_t offset$n$ = 0, length$n$ = 0;\np.variance(offset$n$, length$n$, size$n$);\n",
                {{"n", n}});
        if (!c.length.empty())
          w_.emit("p.expect_count(length$n$, static_cast<std::uint64_t>($c$));\n", {{"n", n}, {"c", c.length}});
        if (!c.offset.empty())
          w_.emit("p.expect_count(offset$n$, static_cast<std::uint64_t>($c$));\n", {{"n", n}, {"c", c.offset}});
        else
          w_.emit("if (offset$n$ != 0) p.fail(nca::ndr::Error::array_bounds);\n", {{"n", n}});
        count = "length" + n;
        if (is_std_array) unsupported_ = "a varying fixed-size array";
      }
      const ir::Builtin* b = m_.bulk_scalar(L, i + 1);
      if (is_std_array && b) {
        w_.emit("p.array($v$.data(), $v$.size());\n", {{"v", v}});
      } else if (b) {
        w_.emit("p.array($v$, $c$);\n", {{"v", v}, {"c", count}});
      } else {
        if (!is_std_array)
          w_.emit("p.resize($v$, $c$, p.ndr64() ? $m64$ : $m20$);\n",
                  {{"v", v}, {"c", count},
                   {"m64", std::to_string(m_.min_wire(L, i + 1, true))},
                   {"m20", std::to_string(m_.min_wire(L, i + 1, false))}});
        std::string e = "e" + n;
        w_.emit("for (auto& $e$ : $v$) {\n", {{"e", e}, {"v", v}});
        w_.indent();
        pull_levels(L, i + 1, e, kScalars, s);
        w_.outdent();
        w_.emit("}\n");
      }
      w_.outdent();
      w_.emit("}\n");
    }
    if ((mode & kBuffers) && elem_buffers) {
      std::string e = "e" + std::to_string(++tmp_);
      w_.emit("for (auto& $e$ : $v$) {\n", {{"e", e}, {"v", v}});
      w_.indent();
      pull_levels(L, i + 1, e, kBuffers, s);
      w_.outdent();
      w_.emit("}\n");
    }
  }

  // ---- print ------------------------------------------------------------------------------
  void print_levels(const std::vector<ir::Level>& L, size_t i, const std::string& v,
                    const std::string& name) {
    const ir::Level& l = L[i];
    std::string qn = "\"" + name + "\"";
    if (m_.is_interface_pointer(L, i)) {
      w_.emit("if (pr.ptr($n$, static_cast<bool>($v$.objref))) {\n"
              "  pr.blob($n$, nca::ndr::DataBlob{*$v$.objref});\n  pr.ptr_end();\n}\n",
              {{"n", qn}, {"v", v}});
      return;
    }
    if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
      bool null_ok = p->kind != ir::PointerKind::ref;
      w_.emit("if (pr.ptr($n$, $present$)) {\n",
              {{"n", qn}, {"present", null_ok ? "static_cast<bool>(" + v + ")" : "true"}});
      w_.indent();
      print_levels(L, i + 1, null_ok ? "(*" + v + ")" : v, name);
      w_.emit("pr.ptr_end();\n");
      w_.outdent();
      w_.emit("}\n");
      return;
    }
    if (std::holds_alternative<ir::ArrayLevel>(l)) {
      if (m_.is_string_array(L, i)) {
        w_.emit("pr.string($n$, $v$);\n", {{"n", qn}, {"v", v}});
        return;
      }
      std::string e = "e" + std::to_string(++tmp_);
      w_.emit("pr.array_begin($n$, $v$.size());\nfor (const auto& $e$ : $v$) {\n",
              {{"n", qn}, {"v", v}, {"e", e}});
      w_.indent();
      print_levels(L, i + 1, e, name);
      w_.outdent();
      w_.emit("}\npr.array_end();\n");
      return;
    }
    if (std::holds_alternative<ir::SwitchLevel>(l) || std::holds_alternative<ir::SubcontextLevel>(l))
      return print_levels(L, i + 1, v, name);
    const auto& d = std::get<ir::DataLevel>(l);
    if (d.context_handle != ir::ContextHandleKind::none) {
      w_.emit("pr.context_handle($n$, $v$);\n", {{"n", qn}, {"v", v}});
      return;
    }
    if (d.type) {
      const ir::Type& t = *d.type;
      if (m_.well_known(t) == WellKnown::guid) return w_.emit("pr.guid($n$, $v$);\n", {{"n", qn}, {"v", v}});
      if (m_.well_known(t) == WellKnown::policy_handle)
        return w_.emit("pr.context_handle($n$, $v$);\n", {{"n", qn}, {"v", v}});
      if (const ir::Element* target = m_.alias_target(t)) return print_levels(target->levels, 0, v, name);
      if (t.kind == ir::TypeKind::bitmap)
        return w_.emit("$ns$::print_$t$(pr, $n$, $v$);\n",
                       {{"ns", m_.full_ns(m_.ns_of(t))}, {"t", cpp_ident(t.cpp_name)}, {"n", qn}, {"v", v}});
      w_.emit("print(pr, $n$, $v$);\n", {{"n", qn}, {"v", v}});
      return;
    }
    const ir::Builtin& b = *d.builtin;
    using K = ir::ScalarKind;
    switch (b.kind) {
      case K::character:
        if (b.size20 == 1) w_.emit("pr.field($n$, static_cast<std::uint8_t>($v$));\n", {{"n", qn}, {"v", v}});
        else w_.emit("pr.field($n$, static_cast<std::uint16_t>($v$));\n", {{"n", qn}, {"v", v}});
        return;
      case K::context_handle:
        w_.emit("pr.context_handle($n$, $v$);\n", {{"n", qn}, {"v", v}});
        return;
      case K::blob:
        w_.emit("pr.blob($n$, $v$);\n", {{"n", qn}, {"v", v}});
        return;
      case K::address:
      case K::pidl_string:
        w_.emit("pr.string($n$, $v$);\n", {{"n", qn}, {"v", v}});
        return;
      case K::runtime:
        w_.emit("nca::ndr::samba::print_$t$(pr, $n$, $v$);\n", {{"t", b.name}, {"n", qn}, {"v", v}});
        return;
      case K::time:
        if (b.wire != ir::WireKind::time_t_) {
          w_.emit("pr.field($n$, nca::ndr::NtTime{$v$});\n", {{"n", qn}, {"v", v}});
          return;
        }
        [[fallthrough]];
      default:
        w_.emit("pr.field($n$, $v$);\n", {{"n", qn}, {"v", v}});
    }
  }

  // ---- JSON -------------------------------------------------------------------------------
  void to_json_levels(const std::vector<ir::Level>& L, size_t i, const std::string& v,
                      const std::string& j) {
    const ir::Level& l = L[i];
    if (m_.is_interface_pointer(L, i)) {
      w_.emit("if ($v$.objref) $j$ = *$v$.objref; else $j$ = nullptr;\n", {{"v", v}, {"j", j}});
      return;
    }
    if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
      if (p->kind == ir::PointerKind::ref) return to_json_levels(L, i + 1, v, j);
      w_.emit("if ($v$) {\n", {{"v", v}});
      w_.indent();
      to_json_levels(L, i + 1, "(*" + v + ")", j);
      w_.outdent();
      w_.emit("} else {\n  $j$ = nullptr;\n}\n", {{"j", j}});
      return;
    }
    if (std::holds_alternative<ir::ArrayLevel>(l)) {
      if (m_.is_string_array(L, i)) {
        const auto& d = std::get<ir::DataLevel>(L[i + 1]);
        std::string fn = m_.cpp_type(L, i) == "std::u16string" ? "u16_to_json"
                         : string_fn(d) == "string_utf16"      ? "text_to_json"
                                                               : "bytes_to_json";
        w_.emit("$j$ = nca::ndr::$f$($v$);\n", {{"j", j}, {"f", fn}, {"v", v}});
        return;
      }
      if (m_.bulk_scalar(L, i + 1) && !is_float(L, i + 1)) {
        w_.emit("$j$ = $v$;\n", {{"j", j}, {"v", v}});
        return;
      }
      std::string n = std::to_string(++tmp_);
      w_.emit("{\n");
      w_.indent();
      w_.emit("nlohmann::json a$n$ = nlohmann::json::array();\nfor (const auto& e$n$ : $v$) {\n",
              {{"n", n}, {"v", v}});
      w_.indent();
      w_.emit("nlohmann::json x$n$;\n", {{"n", n}});
      to_json_levels(L, i + 1, "e" + n, "x" + n);
      w_.emit("a$n$.push_back(std::move(x$n$));\n", {{"n", n}});
      w_.outdent();
      w_.emit("}\n$j$ = std::move(a$n$);\n", {{"n", n}, {"j", j}});
      w_.outdent();
      w_.emit("}\n");
      return;
    }
    if (std::holds_alternative<ir::SwitchLevel>(l) || std::holds_alternative<ir::SubcontextLevel>(l))
      return to_json_levels(L, i + 1, v, j);
    const auto& d = std::get<ir::DataLevel>(l);
    if (d.type) {
      if (const ir::Element* target = m_.alias_target(*d.type)) return to_json_levels(target->levels, 0, v, j);
      w_.emit("$j$ = $v$;\n", {{"j", j}, {"v", v}});
      return;
    }
    if (d.builtin) {
      switch (d.builtin->kind) {
        case ir::ScalarKind::floating:
          return w_.emit("$j$ = nca::ndr::float_to_json($v$);\n", {{"j", j}, {"v", v}});
        case ir::ScalarKind::character:
          return w_.emit("$j$ = static_cast<unsigned>($v$);\n", {{"j", j}, {"v", v}});
        case ir::ScalarKind::pidl_string:
          return w_.emit("$j$ = nca::ndr::$f$($v$);\n",
                         {{"j", j}, {"v", v}, {"f", pidl_string_bytes(d) ? "bytes_to_json" : "text_to_json"}});
        default:
          break;
      }
    }
    w_.emit("$j$ = $v$;\n", {{"j", j}, {"v", v}});
  }

  bool is_float(const std::vector<ir::Level>& L, size_t i) {
    const auto* d = std::get_if<ir::DataLevel>(&L[i]);
    return d && d->builtin && d->builtin->kind == ir::ScalarKind::floating;
  }

  void from_json_levels(const std::vector<ir::Level>& L, size_t i, const std::string& v,
                        const std::string& j) {
    const ir::Level& l = L[i];
    if (m_.is_interface_pointer(L, i)) {
      w_.emit("if ($j$.is_null()) $v$.objref.reset(); else $j$.get_to($v$.objref.emplace());\n", {{"v", v}, {"j", j}});
      return;
    }
    if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
      if (p->kind == ir::PointerKind::ref) return from_json_levels(L, i + 1, v, j);
      std::string inner = m_.cpp_type(L, i + 1);
      w_.emit("if ($j$.is_null()) {\n  $v$ = nullptr;\n} else {\n", {{"j", j}, {"v", v}});
      w_.indent();
      if (p->kind == ir::PointerKind::full)
        w_.emit("$v$ = std::make_shared<$t$>();\n", {{"v", v}, {"t", inner}});
      else
        w_.emit("$v$.emplace();\n", {{"v", v}});
      from_json_levels(L, i + 1, "(*" + v + ")", j);
      w_.outdent();
      w_.emit("}\n");
      return;
    }
    if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) {
      if (m_.is_string_array(L, i)) {
        const auto& d = std::get<ir::DataLevel>(L[i + 1]);
        std::string fn = m_.cpp_type(L, i) == "std::u16string" ? "u16_from_json"
                         : string_fn(d) == "string_utf16"      ? "text_from_json"
                                                               : "bytes_from_json";
        w_.emit("$v$ = nca::ndr::$f$($j$);\n", {{"j", j}, {"f", fn}, {"v", v}});
        return;
      }
      bool is_std_array = a->kind == ir::ArrayKind::fixed && a->fixed_count && !a->size_is;
      if (m_.bulk_scalar(L, i + 1) && !is_float(L, i + 1)) {
        w_.emit("$j$.get_to($v$);\n", {{"j", j}, {"v", v}});
        return;
      }
      std::string n = std::to_string(++tmp_);
      if (is_std_array) {
        w_.emit("for (std::size_t k$n$ = 0; k$n$ < $v$.size(); ++k$n$) {\n", {{"n", n}, {"v", v}});
        w_.indent();
        from_json_levels(L, i + 1, v + "[k" + n + "]", j + ".at(k" + n + ")");
      } else {
        w_.emit("$v$.clear();\nfor (const auto& x$n$ : $j$) {\n", {{"n", n}, {"v", v}, {"j", j}});
        w_.indent();
        w_.emit("auto& e$n$ = $v$.emplace_back();\n", {{"n", n}, {"v", v}});
        from_json_levels(L, i + 1, "e" + n, "x" + n);
      }
      w_.outdent();
      w_.emit("}\n");
      return;
    }
    if (std::holds_alternative<ir::SwitchLevel>(l) || std::holds_alternative<ir::SubcontextLevel>(l))
      return from_json_levels(L, i + 1, v, j);
    const auto& d = std::get<ir::DataLevel>(l);
    if (d.type) {
      if (const ir::Element* target = m_.alias_target(*d.type)) return from_json_levels(target->levels, 0, v, j);
      w_.emit("$j$.get_to($v$);\n", {{"j", j}, {"v", v}});
      return;
    }
    switch (d.builtin->kind) {
      case ir::ScalarKind::floating:
        return w_.emit("$v$ = static_cast<$t$>(nca::ndr::float_from_json($j$));\n",
                       {{"j", j}, {"v", v}, {"t", m_.builtin_type(*d.builtin)}});
      case ir::ScalarKind::character:
        return w_.emit("$v$ = static_cast<$t$>($j$.get<unsigned>());\n",
                       {{"j", j}, {"v", v}, {"t", m_.builtin_type(*d.builtin)}});
      case ir::ScalarKind::pidl_string:
        return w_.emit("$v$ = nca::ndr::$f$($j$);\n",
                       {{"j", j}, {"v", v}, {"f", pidl_string_bytes(d) ? "bytes_from_json" : "text_from_json"}});
      default:
        w_.emit("$j$.get_to($v$);\n", {{"j", j}, {"v", v}});
    }
  }

  // pidl's [relative_base]: relative offsets inside the value count from its start (after its
  // alignment; for a union, after the arm's), in both passes (Samba's
  // ndr_*_setup_relative_base_offset1/2); the enclosing base comes back after the value.
  void relative_base_begin(const ir::Type& t, bool has_buffers) {
    if (t.relative_base)
      w_.emit("const std::size_t saved_base = p.relative_base_begin(&v, $b$);\n", {{"b", has_buffers ? "true" : "false"}});
  }
  void relative_base_resume(const ir::Type& t) {
    if (t.relative_base) w_.emit("const std::size_t saved_base = p.relative_base_resume(&v);\n");
  }
  void relative_base_end(const ir::Type& t) {
    if (t.relative_base) w_.emit("p.set_relative_base(saved_base);\n");
  }
  void union_arm_relative_base(const ir::Type& t, const ir::Element& e) {
    if (!t.relative_base) return;
    w_.emit("p.align(p.ndr64() ? $a64$ : $a20$);\n(void)p.relative_base_begin(&v, $b$);\n",
            {{"a64", std::to_string(e.align.a64)},
             {"a20", std::to_string(e.align.a20)},
             {"b", m_.needs_buffers(e.levels, 0) ? "true" : "false"}});
  }
  // LIBNDR_FLAG_RELATIVE_REVERSE (spoolss's buffers written backwards from the end) is not
  // generated: the bytes would differ from Samba's without a diagnostic.
  void check_relative_reverse(const ir::NdrFlags& flags) {
    if (flags.has(F::relative_reverse))
      unsupported_ = std::string("flag '") + ir::to_string(F::relative_reverse) + "' (the reversed relative layout)";
  }

  // ---- per type ---------------------------------------------------------------------------
  void struct_(const ir::Type& t) {
    std::string n = cpp_ident(t.cpp_name);
    Scope s{&t, "v", nullptr, false};
    Scope ps = s;
    ps.push = true;
    std::string flags = engine_flags(t.flags, "saved");
    const ir::Element* last = t.members.empty() ? nullptr : &t.members.back();
    const ir::ArrayLevel* hoist = nullptr;
    if (last)
      if (const auto* a = std::get_if<ir::ArrayLevel>(&last->levels[0]))
        if (a->surrounding && conformant(*a)) hoist = a;
    // Where the scalars start (ir::Layout::body: without a hoisted conformance's alignment).
    std::string a20 = std::to_string(t.layout.body.a20), a64 = std::to_string(t.layout.body.a64);
    // push
    w_.emit("void push(nca::ndr::Push& p, int pass, const $n$& v) {\n", {{"n", n}});
    w_.indent();
    if (t.members.empty()) w_.emit("(void)v;\n");  // an empty struct is its alignment only
    if (!flags.empty()) w_.emit("const std::uint32_t saved = p.flags();\np.set_flags($f$);\n", {{"f", flags}});
    hoist_value_calls(t, ps);
    w_.emit("if (pass & nca::ndr::kScalars) {\n");
    w_.indent();
    if (hoist) {
      if (m_.is_string_array(last->levels, 0)) {
        // A conformant [string] last: its maximum count (the characters sent, with the NUL)
        // goes first, the offset, actual count and characters stay in place.
        w_.emit("p.conformance(static_cast<std::uint64_t>($n$));\n",
                {{"n", string_count(last->levels, 0, "v." + cpp_ident(last->name))}});
      } else {
        Counts c = counts(*hoist, ps);
        w_.emit("p.conformance(static_cast<std::uint64_t>($n$));\n", {{"n", c.size}});
      }
    }
    w_.emit("p.align(p.ndr64() ? $a64$ : $a20$);\n", {{"a64", a64}, {"a20", a20}});
    relative_base_begin(t, m_.needs_buffers(t));
    for (const auto& m : t.members) push_levels(m.levels, 0, "v." + cpp_ident(m.name), kScalars, ps);
    relative_base_end(t);
    w_.emit("if (p.ndr64()) p.align($a64$);\n", {{"a64", a64}});
    w_.outdent();
    w_.emit("}\n");
    if (m_.needs_buffers(t)) {
      w_.emit("if (pass & nca::ndr::kBuffers) {\n");
      w_.indent();
      relative_base_resume(t);
      for (const auto& m : t.members)
        if (m_.needs_buffers(m.levels, 0)) push_levels(m.levels, 0, "v." + cpp_ident(m.name), kBuffers, ps);
      relative_base_end(t);
      w_.outdent();
      w_.emit("}\n");
    }
    cse_.clear();
    if (!flags.empty()) w_.emit("p.set_flags(saved);\n");
    w_.outdent();
    w_.emit("}\n\n");
    // pull
    w_.emit("bool pull(nca::ndr::Pull& p, int pass, $n$& v) {\n", {{"n", n}});
    w_.indent();
    if (t.members.empty()) w_.emit("(void)v;\n");
    w_.emit("auto nest = p.nest();\nif (!nest) return false;\n");
    if (!flags.empty()) w_.emit("const std::uint32_t saved = p.flags();\np.set_flags($f$);\n", {{"f", flags}});
    w_.emit("if (pass & nca::ndr::kScalars) {\n");
    w_.indent();
    if (hoist) w_.emit("std::uint64_t hoisted = 0;\np.conformance(hoisted);\n");
    w_.emit("p.align(p.ndr64() ? $a64$ : $a20$);\n", {{"a64", a64}, {"a20", a20}});
    relative_base_begin(t, m_.needs_buffers(t));
    for (const auto& m : t.members)
      pull_levels(m.levels, 0, "v." + cpp_ident(m.name), kScalars, s,
                  hoist && &m == last ? "hoisted" : "");
    relative_base_end(t);
    w_.emit("if (p.ndr64()) p.align($a64$);\n", {{"a64", a64}});
    w_.outdent();
    w_.emit("}\n");
    if (m_.needs_buffers(t)) {
      w_.emit("if (pass & nca::ndr::kBuffers) {\n");
      w_.indent();
      relative_base_resume(t);
      for (const auto& m : t.members)
        if (m_.needs_buffers(m.levels, 0)) pull_levels(m.levels, 0, "v." + cpp_ident(m.name), kBuffers, s);
      relative_base_end(t);
      w_.outdent();
      w_.emit("}\n");
    }
    if (!flags.empty()) w_.emit("p.set_flags(saved);\n");
    w_.emit("return p.ok();\n");
    w_.outdent();
    w_.emit("}\n\n");
    // print
    w_.emit("void print(nca::ndr::Printer& pr, std::string_view name, const $n$& v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("pr.struct_begin(name, \"$t$\");\n", {{"t", t.name}});
    if (t.members.empty()) w_.emit("(void)v;\n");
    for (const auto& m : t.members) print_levels(m.levels, 0, "v." + cpp_ident(m.name), m.name);
    w_.emit("pr.struct_end();\n");
    w_.outdent();
    w_.emit("}\n\n");
    // JSON
    w_.emit("void to_json(nlohmann::json& j, const $n$& v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("j = nlohmann::json::object();\n");
    if (t.members.empty()) w_.emit("(void)v;\n");
    for (const auto& m : t.members)
      to_json_levels(m.levels, 0, "v." + cpp_ident(m.name), "j[\"" + m.name + "\"]");
    w_.outdent();
    w_.emit("}\n\n");
    w_.emit("void from_json(const nlohmann::json& j, $n$& v) {\n", {{"n", n}});
    w_.indent();
    for (const auto& m : t.members)
      from_json_levels(m.levels, 0, "v." + cpp_ident(m.name), "j.at(\"" + m.name + "\")");
    if (t.members.empty()) w_.emit("(void)j;\n(void)v;\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

  std::string switch_push(const ir::Type& t) {
    if (t.switch_enum) {
      const ir::Type& e = *t.switch_enum;
      if (e.wire_bits == 8) return "p.u8(static_cast<std::uint8_t>(switch_value));\n";
      if (e.wire_bits == 16 && e.layout.size64 == 4) return "p.enum16(static_cast<std::uint32_t>(switch_value));\n";
      if (e.wire_bits == 16) return "p.u16(static_cast<std::uint16_t>(switch_value));\n";
      return "p.u32(static_cast<std::uint32_t>(switch_value));\n";
    }
    const ir::Builtin* b = t.switch_type ? t.switch_type : &ir::builtin_uint32();
    if (b->wire == ir::WireKind::uint3264 || b->wire == ir::WireKind::int3264)
      return "p.u3264(static_cast<std::uint64_t>(switch_value));\n";
    std::string f = (b->is_signed ? "i" : "u") + std::to_string(b->size20 * 8);
    std::string ty = (b->is_signed ? "std::int" : "std::uint") + std::to_string(b->size20 * 8) + "_t";
    return "p." + f + "(static_cast<" + ty + ">(switch_value));\n";
  }
  std::string switch_pull(const ir::Type& t) {
    auto read = [](const std::string& fn, const std::string& ty) {
      return "{\n  " + ty + " wire = 0;\n  p." + fn +
             "(wire);\n  if (p.ok() && static_cast<std::int64_t>(wire) != switch_value) "
             "p.fail(nca::ndr::Error::bad_switch_value);\n}\n";
    };
    if (t.switch_enum) {
      const ir::Type& e = *t.switch_enum;
      if (e.wire_bits == 8) return read("u8", "std::uint8_t");
      if (e.wire_bits == 16 && e.layout.size64 == 4) return read("enum16", "std::uint32_t");
      if (e.wire_bits == 16) return read("u16", "std::uint16_t");
      return read("u32", "std::uint32_t");
    }
    const ir::Builtin* b = t.switch_type ? t.switch_type : &ir::builtin_uint32();
    if (b->wire == ir::WireKind::uint3264 || b->wire == ir::WireKind::int3264)
      return read("u3264", "std::uint64_t");
    std::string f = (b->is_signed ? "i" : "u") + std::to_string(b->size20 * 8);
    std::string ty = (b->is_signed ? "std::int" : "std::uint") + std::to_string(b->size20 * 8) + "_t";
    return read(f, ty);
  }

  // Reads an encapsulated union's discriminant into the value's member.
  std::string switch_pull_into(const ir::Type& t, const std::string& d) {
    if (t.switch_enum) return "pull(p, nca::ndr::kScalars, " + d + ");\n";
    const ir::Builtin* b = t.switch_type ? t.switch_type : &ir::builtin_uint32();
    if (b->wire == ir::WireKind::uint3264 || b->wire == ir::WireKind::int3264)
      return "{\n  std::uint64_t wire = 0;\n  p.u3264(wire);\n  " + d + " = static_cast<decltype(" + d + ")>(wire);\n}\n";
    return "p.get_as<std::" + std::string(b->is_signed ? "int" : "uint") + std::to_string(b->size20 * 8) +
           "_t>(" + d + ");\n";
  }

  // The `case` labels of an arm; the default arm gets `default:`.
  std::string case_labels(const ir::UnionArm& a) {
    if (a.is_default) return "default:";
    std::string s;
    for (ir::Int c : a.cases) s += (s.empty() ? "" : " ") + std::string("case ") + int_lit(c) + ":";
    return s;
  }

  void union_(const ir::Type& t) {
    std::string n = cpp_ident(t.cpp_name);
    Scope s{nullptr, "v", nullptr, false};
    std::string flags = engine_flags(t.flags, "saved");
    std::string a64 = std::to_string(t.layout.arms.a64);
    bool has_default = false;
    for (const auto& a : t.arms) has_default = has_default || a.is_default;
    // An encapsulated union (`union switch (T d) u`) carries the discriminant in the value. In
    // NDR20 the discriminant is aligned to its own type and the arm to its own (as Windows'
    // NdrEncapsulatedUnionMarshall and Impacket's NDRUNION send it); in NDR64 the union aligns
    // to the larger of the discriminant's and the arms' alignments, the arm to the largest arm,
    // and the end is padded like a structure's (MS-RPCE 2.2.5.3.4.1).
    const bool enc = t.encapsulated;
    std::string sw_param = enc ? "" : ", std::int64_t switch_value";
    std::string disc = "v." + cpp_ident(t.discriminant);
    // ir::Layout: `body` is where an encapsulated union starts, `arms` where the arm starts.
    std::string enc20 = std::to_string(t.layout.body.a20), enc64 = std::to_string(t.layout.body.a64);
    // push
    w_.emit("void push(nca::ndr::Push& p, int pass, const $n$& v$sw$) {\n", {{"n", n}, {"sw", sw_param}});
    w_.indent();
    if (enc) w_.emit("const std::int64_t switch_value = static_cast<std::int64_t>($d$);\n", {{"d", disc}});
    if (!flags.empty()) w_.emit("const std::uint32_t saved = p.flags();\np.set_flags($f$);\n", {{"f", flags}});
    w_.emit("if (pass & nca::ndr::kScalars) {\n");
    w_.indent();
    if (enc) w_.emit("p.align(p.ndr64() ? $a64$ : $a20$);\n", {{"a64", enc64}, {"a20", enc20}});
    if (!t.nodiscriminant) w_.emit(switch_push(t));
    w_.emit("if (p.ndr64()) p.align($a64$);\n", {{"a64", a64}});
    if (t.relative_base) w_.emit("const std::size_t saved_base = p.relative_base();\n");
    w_.emit("switch (switch_value) {\n");
    for (const auto& a : t.arms) {
      w_.emit("$c$\n", {{"c", case_labels(a)}});
      w_.indent();
      w_.emit("if (v.arm() != $n$::Arm::$a$) {\n  p.fail(nca::ndr::Error::bad_switch_value);\n  break;\n}\n",
              {{"n", n}, {"a", arm_name(a)}});
      if (a.element) {
        union_arm_relative_base(t, *a.element);
        push_levels(a.element->levels, 0, "v." + arm_name(a) + "()", kScalars, s);
      }
      w_.emit("break;\n");
      w_.outdent();
    }
    if (!has_default) w_.emit("default:\n  p.fail(nca::ndr::Error::bad_switch_value);\n");
    w_.emit("}\n");
    relative_base_end(t);
    if (enc) w_.emit("if (p.ndr64()) p.align($a$);\n", {{"a", enc64}});
    w_.outdent();
    w_.emit("}\n");
    if (m_.needs_buffers(t)) {
      w_.emit("if (pass & nca::ndr::kBuffers) {\n");
      w_.indent();
      if (t.relative_base) w_.emit("const std::size_t saved_base = p.relative_base();\n");
      w_.emit("switch (v.arm()) {\n");
      for (const auto& a : t.arms) {
        if (!a.element || !m_.needs_buffers(a.element->levels, 0)) continue;
        w_.emit("case $n$::Arm::$a$:\n", {{"n", n}, {"a", arm_name(a)}});
        w_.indent();
        if (t.relative_base) w_.emit("(void)p.relative_base_resume(&v);\n");
        push_levels(a.element->levels, 0, "v." + arm_name(a) + "()", kBuffers, s);
        w_.emit("break;\n");
        w_.outdent();
      }
      w_.emit("default:\n  break;\n}\n");
      relative_base_end(t);
      w_.outdent();
      w_.emit("}\n");
    }
    if (!flags.empty()) w_.emit("p.set_flags(saved);\n");
    w_.outdent();
    w_.emit("}\n\n");
    // pull
    w_.emit("bool pull(nca::ndr::Pull& p, int pass, $n$& v$sw$) {\n", {{"n", n}, {"sw", sw_param}});
    w_.indent();
    w_.emit("auto nest = p.nest();\nif (!nest) return false;\n");
    if (!flags.empty()) w_.emit("const std::uint32_t saved = p.flags();\np.set_flags($f$);\n", {{"f", flags}});
    if (enc) w_.emit("std::int64_t switch_value = static_cast<std::int64_t>($d$);\n", {{"d", disc}});
    w_.emit("if (pass & nca::ndr::kScalars) {\n");
    w_.indent();
    if (enc) {
      // The discriminant on the wire is the value's: read it, then select the arm by it.
      w_.emit("p.align(p.ndr64() ? $a64$ : $a20$);\n", {{"a64", enc64}, {"a20", enc20}});
      w_.emit(switch_pull_into(t, disc));
      w_.emit("switch_value = static_cast<std::int64_t>($d$);\n", {{"d", disc}});
    } else if (!t.nodiscriminant) {
      w_.emit(switch_pull(t));
    }
    w_.emit("if (p.ndr64()) p.align($a64$);\n", {{"a64", a64}});
    if (t.relative_base) w_.emit("const std::size_t saved_base = p.relative_base();\n");
    w_.emit("switch (switch_value) {\n");
    for (const auto& a : t.arms) {
      w_.emit("$c$ {\n", {{"c", case_labels(a)}});
      w_.indent();
      if (a.element) {
        w_.emit("auto& arm = v.set_$a$();\n", {{"a", arm_name(a)}});
        union_arm_relative_base(t, *a.element);
        pull_levels(a.element->levels, 0, "arm", kScalars, s);
      } else {
        w_.emit("v.set_$a$();\n", {{"a", arm_name(a)}});
      }
      w_.emit("break;\n");
      w_.outdent();
      w_.emit("}\n");
    }
    if (!has_default) w_.emit("default:\n  p.fail(nca::ndr::Error::bad_switch_value);\n");
    w_.emit("}\n");
    relative_base_end(t);
    if (enc) w_.emit("if (p.ndr64()) p.align($a$);\n", {{"a", enc64}});
    w_.outdent();
    w_.emit("}\n");
    if (m_.needs_buffers(t)) {
      w_.emit("if (pass & nca::ndr::kBuffers) {\n");
      w_.indent();
      if (t.relative_base) w_.emit("const std::size_t saved_base = p.relative_base();\n");
      w_.emit("switch (v.arm()) {\n");
      for (const auto& a : t.arms) {
        if (!a.element || !m_.needs_buffers(a.element->levels, 0)) continue;
        w_.emit("case $n$::Arm::$a$:\n", {{"n", n}, {"a", arm_name(a)}});
        w_.indent();
        if (t.relative_base) w_.emit("(void)p.relative_base_resume(&v);\n");
        pull_levels(a.element->levels, 0, "v." + arm_name(a) + "()", kBuffers, s);
        w_.emit("break;\n");
        w_.outdent();
      }
      w_.emit("default:\n  break;\n}\n");
      relative_base_end(t);
      w_.outdent();
      w_.emit("}\n");
    }
    if (!flags.empty()) w_.emit("p.set_flags(saved);\n");
    w_.emit("(void)switch_value;\nreturn p.ok();\n");
    w_.outdent();
    w_.emit("}\n\n");
    // print
    w_.emit("void print(nca::ndr::Printer& pr, std::string_view name, const $n$& v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("switch (v.arm()) {\n");
    for (const auto& a : t.arms) {
      w_.emit("case $n$::Arm::$a$:\n", {{"n", n}, {"a", arm_name(a)}});
      w_.indent();
      std::string lvl = a.cases.empty() ? "0" : int_lit(a.cases.front());
      w_.emit("pr.union_begin(name, \"$t$\", $l$);\n", {{"t", t.name}, {"l", lvl}});
      if (a.element) print_levels(a.element->levels, 0, "v." + arm_name(a) + "()", a.element->name);
      w_.emit("pr.union_end();\nbreak;\n");
      w_.outdent();
    }
    w_.emit("case $n$::Arm::kNone:\n  pr.line(name, \"(no arm)\");\n  break;\n}\n", {{"n", n}});
    w_.outdent();
    w_.emit("}\n\n");
    // JSON
    w_.emit("void to_json(nlohmann::json& j, const $n$& v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("switch (v.arm()) {\n");
    for (const auto& a : t.arms) {
      w_.emit("case $n$::Arm::$a$:\n", {{"n", n}, {"a", arm_name(a)}});
      w_.indent();
      w_.emit("j = nlohmann::json::object();\n");
      if (a.element)
        to_json_levels(a.element->levels, 0, "v." + arm_name(a) + "()", "j[\"" + arm_name(a) + "\"]");
      else
        w_.emit("j[\"$a$\"] = nullptr;\n", {{"a", arm_name(a)}});
      w_.emit("break;\n");
      w_.outdent();
    }
    w_.emit("case $n$::Arm::kNone:\n  j = nullptr;\n  break;\n}\n", {{"n", n}});
    if (enc)
      w_.emit("if (j.is_null()) j = nlohmann::json::object();\nj[\"$k$\"] = $d$;\n",
              {{"k", t.discriminant}, {"d", disc}});
    w_.outdent();
    w_.emit("}\n\n");
    w_.emit("void from_json(const nlohmann::json& j, $n$& v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("v = $n${};\nif (j.is_null()) return;\n", {{"n", n}});
    if (enc) w_.emit("j.at(\"$k$\").get_to($d$);\n", {{"k", t.discriminant}, {"d", disc}});
    for (const auto& a : t.arms) {
      w_.emit("if (j.contains(\"$a$\")) {\n", {{"a", arm_name(a)}});
      w_.indent();
      if (a.element) {
        w_.emit("auto& arm = v.set_$a$();\n", {{"a", arm_name(a)}});
        from_json_levels(a.element->levels, 0, "arm", "j.at(\"" + arm_name(a) + "\")");
      } else {
        w_.emit("v.set_$a$();\n", {{"a", arm_name(a)}});
      }
      w_.emit("return;\n");
      w_.outdent();
      w_.emit("}\n");
    }
    w_.emit("throw nlohmann::json::other_error::create(501, \"no arm of $t$ in the object\", &j);\n",
            {{"t", t.name}});
    w_.outdent();
    w_.emit("}\n\n");
  }

  std::string enum_push_fn(const ir::Type& t) {
    if (t.wire_bits == 8) return "u8(static_cast<std::uint8_t>(v))";
    if (t.wire_bits == 16 && t.layout.size64 == 4) return "enum16(static_cast<std::uint32_t>(v))";
    if (t.wire_bits == 16) return "u16(static_cast<std::uint16_t>(v))";
    if (t.wire_bits == 64) return "u64(static_cast<std::uint64_t>(v))";
    return "u32(static_cast<std::uint32_t>(v))";
  }

  void enum_(const ir::Type& t) {
    std::string n = cpp_ident(t.cpp_name);
    std::string fn, ty;
    if (t.wire_bits == 8) fn = "u8", ty = "std::uint8_t";
    else if (t.wire_bits == 16 && t.layout.size64 == 4) fn = "enum16", ty = "std::uint32_t";
    else if (t.wire_bits == 16) fn = "u16", ty = "std::uint16_t";
    else if (t.wire_bits == 64) fn = "u64", ty = "std::uint64_t";
    else fn = "u32", ty = "std::uint32_t";
    w_.emit(
        "void push(nca::ndr::Push& p, int pass, $n$ v) {\n"
        "  if (pass & nca::ndr::kScalars) p.$fn$(static_cast<$ty$>(v));\n"
        "}\n\n"
        "bool pull(nca::ndr::Pull& p, int pass, $n$& v) {\n"
        "  if (pass & nca::ndr::kScalars) {\n"
        "    $ty$ t = 0;\n"
        "    p.$fn$(t);\n"
        "    v = static_cast<$n$>(t);\n"
        "  }\n"
        "  return p.ok();\n"
        "}\n\n"
        "std::string_view name_of($n$ v) {\n"
        "  switch (static_cast<std::uint64_t>(v)) {\n",
        {{"n", n}, {"fn", fn}, {"ty", ty}});
    std::set<ir::Int> seen;
    for (const auto& e : t.values) {
      if (!seen.insert(e.value).second) continue;
      w_.emit("    case $v$ULL: return \"$e$\";\n", {{"v", ir::to_string(e.value)}, {"e", e.name}});
    }
    w_.emit(
        "    default: return {};\n"
        "  }\n"
        "}\n\n"
        "void print(nca::ndr::Printer& pr, std::string_view name, $n$ v) {\n"
        "  pr.enum_value(name, name_of(v), static_cast<std::int64_t>(v));\n"
        "}\n\n",
        {{"n", n}});
  }

  // A pipe (C706 14.3.13; MS-RPCE 2.2.5.3.4.5): chunks of a count and that many elements (NDR64:
  // and the count negated), ended by an empty chunk. The value holds the chunks; an empty one in
  // the value is skipped on push since on the wire it would end the pipe.
  void pipe_(const ir::Type& t) {
    std::string n = cpp_ident(t.cpp_name);
    if (!t.target) return;
    const auto& L = t.target->levels;
    Scope s{nullptr, "v", nullptr, false};
    w_.emit("void push(nca::ndr::Push& p, int pass, const $n$& v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("if (!(pass & nca::ndr::kScalars)) return;\nfor (const auto& chunk : v.chunks) {\n");
    w_.indent();
    w_.emit("if (chunk.empty()) continue;\np.pipe_chunk_begin(chunk.size());\n");
    if (const ir::Builtin* b = m_.bulk_scalar(L, 0)) {
      w_.emit("p.array(std::span<const $t$>(chunk.data(), chunk.size()));\n", {{"t", m_.builtin_type(*b)}});
    } else {
      w_.emit("for (const auto& e : chunk) {\n");
      w_.indent();
      push_levels(L, 0, "e", kBoth, s);
      w_.outdent();
      w_.emit("}\n");
    }
    w_.emit("p.pipe_chunk_end(chunk.size());\n");
    w_.outdent();
    w_.emit("}\np.pipe_end();\n");
    w_.outdent();
    w_.emit("}\n\n");
    // Every chunk but the last holds at least one element of at least one octet, so the loop
    // ends within the buffer; counts are checked against the bytes left before allocating.
    uint64_t m20 = std::max<uint64_t>(1, m_.min_wire(L, 0, false)), m64 = std::max<uint64_t>(1, m_.min_wire(L, 0, true));
    w_.emit("bool pull(nca::ndr::Pull& p, int pass, $n$& v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("v.chunks.clear();\nif (!(pass & nca::ndr::kScalars)) return p.ok();\n"
            "for (;;) {\n");
    w_.indent();
    w_.emit("std::uint64_t count = 0;\nif (!p.pipe_chunk_begin(count, p.ndr64() ? $m64$ : $m20$)) break;\n"
            "if (count == 0) {\n  p.pipe_chunk_end(0);\n  break;\n}\nauto& chunk = v.chunks.emplace_back();\n",
            {{"m64", std::to_string(m64)}, {"m20", std::to_string(m20)}});
    if (m_.bulk_scalar(L, 0)) {
      w_.emit("p.array(chunk, count);\n");
    } else {
      w_.emit("if (!p.resize(chunk, count, p.ndr64() ? $m64$ : $m20$)) break;\nfor (auto& e : chunk) {\n",
              {{"m64", std::to_string(m64)}, {"m20", std::to_string(m20)}});
      w_.indent();
      pull_levels(L, 0, "e", kBoth, s);
      w_.outdent();
      w_.emit("}\n");
    }
    w_.emit("if (!p.pipe_chunk_end(count)) break;\n");
    w_.outdent();
    w_.emit("}\nreturn p.ok();\n");
    w_.outdent();
    w_.emit("}\n\n");
    w_.emit("void print(nca::ndr::Printer& pr, std::string_view name, const $n$& v) {\n"
            "  pr.array_begin(name, v.chunks.size());\n  for (const auto& chunk : v.chunks) {\n", {{"n", n}});
    w_.indent();
    w_.indent();
    w_.emit("pr.array_begin(\"chunk\", chunk.size());\nfor (const auto& e : chunk) {\n");
    w_.indent();
    print_levels(L, 0, "e", "element");
    w_.outdent();
    w_.emit("}\npr.array_end();\n");
    w_.outdent();
    w_.outdent();
    w_.emit("  }\n  pr.array_end();\n}\n\n");
    w_.emit("void to_json(nlohmann::json& j, const $n$& v) {\n  j = nlohmann::json::array();\n"
            "  for (const auto& chunk : v.chunks) {\n    nlohmann::json c = nlohmann::json::array();\n"
            "    for (const auto& e : chunk) {\n", {{"n", n}});
    w_.indent(); w_.indent(); w_.indent();
    w_.emit("nlohmann::json x;\n");
    to_json_levels(L, 0, "e", "x");
    w_.emit("c.push_back(std::move(x));\n");
    w_.outdent(); w_.outdent(); w_.outdent();
    w_.emit("    }\n    j.push_back(std::move(c));\n  }\n}\n\n");
    w_.emit("void from_json(const nlohmann::json& j, $n$& v) {\n  v.chunks.clear();\n"
            "  for (const auto& c : j) {\n    auto& chunk = v.chunks.emplace_back();\n"
            "    for (const auto& x : c) {\n      auto& e = chunk.emplace_back();\n", {{"n", n}});
    w_.indent(); w_.indent(); w_.indent();
    from_json_levels(L, 0, "e", "x");
    w_.outdent(); w_.outdent(); w_.outdent();
    w_.emit("    }\n  }\n}\n\n");
  }

  void bitmap_(const ir::Type& t) {
    std::string n = cpp_ident(t.cpp_name);
    w_.emit("void print_$n$(nca::ndr::Printer& pr, std::string_view name, $n$ v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("pr.bitmap_begin(name, v, $b$);\n", {{"b", std::to_string(t.wire_bits / 8)}});
    for (const auto& e : t.values)
      w_.emit("pr.bitmap_flag(\"$e$\", $v$ULL, v);\n", {{"e", e.name}, {"v", ir::to_string(e.value)}});
    w_.emit("pr.bitmap_end();\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

  void type(const ir::Type& t) {
    if (m_.well_known(t) != WellKnown::none) return;
    unsupported_.clear();
    check_relative_reverse(t.flags);
    switch (t.kind) {
      case ir::TypeKind::struct_: struct_(t); break;
      case ir::TypeKind::union_: union_(t); break;
      case ir::TypeKind::enum_: enum_(t); break;
      case ir::TypeKind::bitmap: bitmap_(t); break;
      case ir::TypeKind::pipe: pipe_(t); break;
      default: break;
    }
    if (!unsupported_.empty())
      diags_.error(t.range, "cannot generate NDR code for '" + t.name + "': " + unsupported_ +
                                " not supported yet", "gen-unsupported");
  }

  // ---- per operation ----------------------------------------------------------------------
  static bool is_pipe(const ir::Element& e) {
    const ir::DataLevel& d = e.data();
    return d.type && d.type->kind == ir::TypeKind::pipe;
  }

  void operation(const ir::Operation& op) {
    unsupported_.clear();
    std::string n = cpp_ident(op.name);
    for (int dir = 0; dir < 2; ++dir) {
      bool out = dir == 1;
      const ir::Shape& shape = out ? op.out : op.in;
      Scope s{nullptr, "v", &op, out};
      std::string obj = out ? "r.out." : "r.in.";
      // Pipes travel after the other [in] parameters and before the other [out] ones (MIDL's
      // "Combining Pipe and Nonpipe Parameters"; C706 14.3.13).
      std::vector<size_t> order;
      for (int pipes = 0; pipes < 2; ++pipes)
        for (size_t pi : shape.params)
          if (is_pipe(op.params[pi].element) == (out ? pipes == 0 : pipes == 1)) order.push_back(pi);
      w_.emit("void push_$d$(nca::ndr::Push& p, const $n$& r) {\n", {{"d", out ? "out" : "in"}, {"n", n}});
      w_.indent();
      for (size_t pi : order) {
        const ir::Param& prm = op.params[pi];
        if (prm.is_binding_handle) continue;
        push_levels(prm.element.levels, 0, obj + cpp_ident(prm.name), kBoth, s);
      }
      if (out && op.result) push_levels(op.result->levels, 0, "r.out.result", kBoth, s);
      w_.emit("(void)r;\n(void)p;\n");
      w_.outdent();
      w_.emit("}\n\n");
      w_.emit("bool pull_$d$(nca::ndr::Pull& p, $n$& r) {\n", {{"d", out ? "out" : "in"}, {"n", n}});
      w_.indent();
      for (size_t pi : order) {
        const ir::Param& prm = op.params[pi];
        if (prm.is_binding_handle) continue;
        pull_levels(prm.element.levels, 0, obj + cpp_ident(prm.name), kBoth, s);
      }
      if (out && op.result) pull_levels(op.result->levels, 0, "r.out.result", kBoth, s);
      w_.emit("(void)r;\nreturn p.ok();\n");
      w_.outdent();
      w_.emit("}\n\n");
      w_.emit("void print_$d$(nca::ndr::Printer& pr, const $n$& r) {\n", {{"d", out ? "out" : "in"}, {"n", n}});
      w_.indent();
      w_.emit("pr.struct_begin(\"$o$\", \"$o$\");\npr.struct_begin(\"$d$\", \"$o$\");\n",
              {{"o", op.name}, {"d", out ? "out" : "in"}});
      for (size_t pi : shape.params) {
        const ir::Param& prm = op.params[pi];
        if (prm.is_binding_handle) continue;
        print_levels(prm.element.levels, 0, obj + cpp_ident(prm.name), prm.name);
      }
      if (out && op.result) print_levels(op.result->levels, 0, "r.out.result", "result");
      w_.emit("pr.struct_end();\npr.struct_end();\n(void)r;\n");
      w_.outdent();
      w_.emit("}\n\n");
      w_.emit("void to_json(nlohmann::json& j, const $n$::$s$& v) {\n", {{"n", n}, {"s", out ? "Out" : "In"}});
      w_.indent();
      w_.emit("j = nlohmann::json::object();\n");
      for (size_t pi : shape.params) {
        const ir::Param& prm = op.params[pi];
        if (prm.is_binding_handle) continue;
        to_json_levels(prm.element.levels, 0, "v." + cpp_ident(prm.name), "j[\"" + prm.name + "\"]");
      }
      if (out && op.result) to_json_levels(op.result->levels, 0, "v.result", "j[\"result\"]");
      w_.emit("(void)v;\n");
      w_.outdent();
      w_.emit("}\n\n");
      w_.emit("void from_json(const nlohmann::json& j, $n$::$s$& v) {\n", {{"n", n}, {"s", out ? "Out" : "In"}});
      w_.indent();
      for (size_t pi : shape.params) {
        const ir::Param& prm = op.params[pi];
        if (prm.is_binding_handle) continue;
        from_json_levels(prm.element.levels, 0, "v." + cpp_ident(prm.name), "j.at(\"" + prm.name + "\")");
      }
      if (out && op.result) from_json_levels(op.result->levels, 0, "v.result", "j.at(\"result\")");
      w_.emit("(void)j;\n(void)v;\n");
      w_.outdent();
      w_.emit("}\n\n");
    }
    // nca::rpc entries.
    w_.emit(
        "nca::rpc::Status $n$_push_in(const void* r, const nca::rpc::SyntaxId& ts, nca::rpc::Bytes& out) {\n"
        "  nca::ndr::Syntax syntax;\n"
        "  if (!nca::ndr::gen::syntax_of(ts, syntax)) return nca::ndr::gen::bad_syntax();\n"
        "  nca::ndr::Push p(syntax);\n"
        "  push_in(p, *static_cast<const $n$*>(r));\n"
        "  return nca::ndr::gen::finish(p, out);\n"
        "}\n\n"
        "nca::rpc::Status $n$_push_out(const void* r, const nca::rpc::SyntaxId& ts, nca::rpc::Bytes& out) {\n"
        "  nca::ndr::Syntax syntax;\n"
        "  if (!nca::ndr::gen::syntax_of(ts, syntax)) return nca::ndr::gen::bad_syntax();\n"
        "  nca::ndr::Push p(syntax);\n"
        "  push_out(p, *static_cast<const $n$*>(r));\n"
        "  return nca::ndr::gen::finish(p, out);\n"
        "}\n\n"
        "nca::rpc::Status $n$_pull_in(std::span<const std::uint8_t> in, const nca::rpc::SyntaxId& ts,\n"
        "                          bool little_endian, void* r) {\n"
        "  nca::ndr::Syntax syntax;\n"
        "  if (!nca::ndr::gen::syntax_of(ts, syntax)) return nca::ndr::gen::bad_syntax();\n"
        "  nca::ndr::DataRep rep;\n"
        "  rep.little_endian = little_endian;\n"
        "  nca::ndr::Pull p(in, syntax, rep);\n"
        "  pull_in(p, *static_cast<$n$*>(r));\n"
        "  return nca::ndr::gen::status(p.status());\n"
        "}\n\n"
        "nca::rpc::Status $n$_pull_out(std::span<const std::uint8_t> in, const nca::rpc::SyntaxId& ts,\n"
        "                          bool little_endian, void* r) {\n"
        "  nca::ndr::Syntax syntax;\n"
        "  if (!nca::ndr::gen::syntax_of(ts, syntax)) return nca::ndr::gen::bad_syntax();\n"
        "  nca::ndr::DataRep rep;\n"
        "  rep.little_endian = little_endian;\n"
        "  nca::ndr::Pull p(in, syntax, rep);\n"
        "  pull_out(p, *static_cast<$n$*>(r));\n"
        "  return nca::ndr::gen::status(p.status());\n"
        "}\n\n",
        {{"n", n}});
    if (!unsupported_.empty())
      diags_.error(op.range, "cannot generate NDR code for '" + op.name + "': " + unsupported_ +
                                 " not supported yet", "gen-unsupported");
  }

 private:
  const CppModel& m_;
  CodeWriter w_;
  DiagnosticEngine& diags_;
  int tmp_ = 0;
  std::string unsupported_;
  std::map<std::string, std::string> cse_;  // call text -> local, while a struct's push is written
};

}  // namespace

bool NdrGenerator::generate(const ir::Program& program, const GeneratorOptions& options,
                            Output& out, DiagnosticEngine& diags) const {
  CppModel m(program, options);
  bool had = diags.had_errors();
  for (size_t f : m.root_files()) {
    std::string stem = m.stem(f);
    const ir::File& file = program.files[f];
    {
      std::string& h = out.file(stem + "_ndr.h");
      CodeWriter w(h);
      w.emit("// Generated by ncaidl from $f$. Do not edit.\n"
             "// The nca::rpc marshalling entries of each operation (GENERATED_CODE.md).\n"
             "#pragma once\n\n#include <cstdint>\n#include <span>\n#include <string_view>\n\n"
             "#include \"$s$_types.h\"\n#include \"nca/rpc/status.h\"\n#include \"nca/rpc/uuid.h\"\n",
             {{"f", file.path}, {"s", stem}});
      for (size_t ii : file.interfaces) {
        const ir::Interface& i = program.interfaces[ii];
        w.emit("\nnamespace $ns$ {\n\n", {{"ns", m.full_ns(i.name).substr(2)}});
        w.emit("inline constexpr std::string_view kName = \"$n$\";\n", {{"n", i.name}});
        if (i.uuid)
          w.emit("inline constexpr std::string_view kUuid = \"$u$\";\n"
                 "inline constexpr std::uint16_t kVersionMajor = $a$;\n"
                 "inline constexpr std::uint16_t kVersionMinor = $b$;\n",
                 {{"u", *i.uuid}, {"a", std::to_string(i.version.major)}, {"b", std::to_string(i.version.minor)}});
        for (const auto& op : i.operations) {
          w.emit(
              "nca::rpc::Status $n$_push_in(const void* r, const nca::rpc::SyntaxId& ts, nca::rpc::Bytes& out);\n"
              "nca::rpc::Status $n$_pull_in(std::span<const std::uint8_t> in, const nca::rpc::SyntaxId& ts, bool little_endian, void* r);\n"
              "nca::rpc::Status $n$_push_out(const void* r, const nca::rpc::SyntaxId& ts, nca::rpc::Bytes& out);\n"
              "nca::rpc::Status $n$_pull_out(std::span<const std::uint8_t> in, const nca::rpc::SyntaxId& ts, bool little_endian, void* r);\n",
              {{"n", cpp_ident(op.name)}});
        }
        w.emit("\n}  // namespace $ns$\n", {{"ns", m.full_ns(i.name).substr(2)}});
      }
    }
    std::string& c = out.file(stem + "_ndr.cpp");
    NdrWriter nw(m, c, diags);
    CodeWriter& w = nw.w();
    w.emit("// Generated by ncaidl from $f$. Do not edit.\n"
           "#include \"$s$_ndr.h\"\n\n#include <nlohmann/json.hpp>\n\n"
           "#include \"nca/ndr/detail/generated_entry.h\"\n#include \"nca/ndr/detail/generated_support.h\"\n"
           "#include \"nca/ndr/json.h\"\n#include \"nca/ndr/ndr.h\"\n"
           "#include \"nca/ndr/samba/builtins.h\"\n\n",
           {{"f", file.path}, {"s", stem}});
    auto group = [&](const std::string& ns, const std::vector<const ir::Type*>& types,
                     const std::vector<ir::Operation>* ops) {
      w.emit("namespace $ns$ {\n\n", {{"ns", m.full_ns(ns).substr(2)}});
      for (const auto* t : types) nw.type(*t);
      if (ops)
        for (const auto& op : *ops) nw.operation(op);
      w.emit("}  // namespace $ns$\n\n", {{"ns", m.full_ns(ns).substr(2)}});
    };
    if (!file.types.empty()) group(stem, file.types, nullptr);
    for (size_t ii : file.interfaces) {
      const ir::Interface& i = program.interfaces[ii];
      group(i.name, i.types, &i.operations);
    }
  }
  return had || !diags.had_errors();
}

}  // namespace nca::idl::backends
