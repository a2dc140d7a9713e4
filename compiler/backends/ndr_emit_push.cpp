// Push: the straight-line nca::ndr::Push calls that marshal a value, per level and per pass.
#include <algorithm>
#include <functional>

#include "backends/ndr_emit_wire.h"

namespace nca::idl::backends::ndr {

namespace {

using F = ir::NdrFlag;

class PushEmitter final : public WireEmitter {
 public:
  explicit PushEmitter(NdrWalker& walker) : WireEmitter(walker, "push") {}

  // A COM interface pointer: a [unique] pointer to MInterfacePointer, the conformant structure
  // {uint32 ulCntData; [size_is(ulCntData)] byte abData[]} (MS-DCOM 2.2.14), whatever pointer
  // attribute the IDL gives it. Its pointee is deferred like any embedded pointer's.
  void interface_pointer(const Site& s) override {
    if (s.pass & kScalars) w_.emit("p.referent(static_cast<bool>($v$.objref));\n", {{"v", s.value}});
    if (!(s.pass & kBuffers)) return;
    w_.emit("if ($v$.objref) {\n", {{"v", s.value}});
    w_.indent();
    w_.emit("p.conformance($v$.objref->size());\np.align(4);\n"
            "p.u32(static_cast<std::uint32_t>($v$.objref->size()));\np.array(*$v$.objref);\n"
            "if (p.ndr64()) p.align(4);\n",
            {{"v", s.value}});
    w_.outdent();
    w_.emit("}\n");
  }

  void pointer(const Site& s, const ir::PointerLevel& p) override {
    const std::string& v = s.value;
    bool null_ok = p.kind != ir::PointerKind::ref;
    std::string pointee = null_ok ? "(*" + v + ")" : v;
    if (p.kind == ir::PointerKind::relative || p.kind == ir::PointerKind::relative_short) {
      // pidl's [relative]: a 32-bit offset from the relative base (the innermost
      // [relative_base] value's start, else the stream's or the subcontext's) to the pointee,
      // which travels in the buffers pass; the placeholder is patched when the pointee is
      // written (Samba's ndr_push_relative_ptr1/2). [relative_short]: a 16-bit offset.
      if (s.pass & kScalars)
        w_.emit("p.$f$(&$v$, static_cast<bool>($v$));\n",
                {{"v", v}, {"f", p.kind == ir::PointerKind::relative ? "relative_ptr" : "short_relative_ptr"}});
      if (s.pass & kBuffers) {
        w_.emit("if ($v$) {\n", {{"v", v}});
        w_.indent();
        w_.emit("p.relative_ptr_target(&$v$);\n", {{"v", v}});
        walk(s.next(pointee, kBoth));
        w_.outdent();
        w_.emit("}\n");
      }
      return;
    }
    if (s.pass & kScalars) {
      if (p.kind == ir::PointerKind::ref && !p.top_level)
        w_.emit("p.referent(true);\n");
      else if (p.kind == ir::PointerKind::full)
        w_.emit("p.full_pointer($v$.get());\n", {{"v", v}});
      else if (null_ok)
        w_.emit("p.referent(static_cast<bool>($v$));\n", {{"v", v}});
    }
    if (s.pass & kBuffers) {
      if (p.kind == ir::PointerKind::full)
        w_.emit("if (p.full_pointee_pending($v$.get())) {\n", {{"v", v}});
      else if (null_ok)
        w_.emit("if ($v$) {\n", {{"v", v}});
      else
        w_.emit("{\n");
      w_.indent();
      walk(s.next(pointee, kBoth));
      w_.outdent();
      w_.emit("}\n");
    }
  }

  void subcontext(const Site& s, const ir::SubcontextLevel& sc) override {
    if (!(s.pass & kScalars)) return;
    std::string n = tmp();
    w_.emit("{\n");
    w_.indent();
    w_.emit("auto sc$n$ = p.subcontext_begin($h$);\n", {{"n", n}, {"h", std::to_string(sc.header_size)}});
    walk(s.next(s.value, kBoth));
    w_.emit("p.subcontext_end(sc$n$);\n", {{"n", n}});
    w_.outdent();
    w_.emit("}\n");
  }

  void array(const Site& s, const ir::ArrayLevel& a) override {
    const auto& L = s.all();
    const size_t i = s.i;
    const std::string& v = s.value;
    const auto* d = std::get_if<ir::DataLevel>(&L.at(i + 1));
    Counts c = counts(walker_.exprs(), a, *s.scope);
    if (m_.is_string_array(L, i)) {
      if (!(s.pass & kScalars)) return;
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
        std::string n = tmp();
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
    bool elem_buffers = m_.needs_buffers(L, i + 1);
    if (s.pass & kScalars) {
      std::string count = varying(a) && !c.length.empty() ? c.length : c.size;
      if (!is_std_array(a)) {
        if (count.empty()) {
          walker_.unsupported("an array without a size");
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
        std::string e = "e" + tmp();
        w_.emit("for (const auto& $e$ : $v$) {\n", {{"e", e}, {"v", v}});
        w_.indent();
        walk(s.next(e, kScalars));
        w_.outdent();
        w_.emit("}\n");
      }
    }
    if ((s.pass & kBuffers) && elem_buffers) {
      std::string e = "e" + tmp();
      w_.emit("for (const auto& $e$ : $v$) {\n", {{"e", e}, {"v", v}});
      w_.indent();
      walk(s.next(e, kBuffers));
      w_.outdent();
      w_.emit("}\n");
    }
  }

  void builtin(const Site& s, const ir::DataLevel& d) override {
    if (!(s.pass & kScalars)) return;
    std::string v = s.value;
    if (d.value) {
      std::string ve = walker_.exprs().value_expr(*d.value, *s.scope);
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
    scalar(d, v);
  }

  void struct_type(const ir::Type& t) override {
    std::string n = cpp_ident(t.cpp_name);
    Scope ps{&t, "v", nullptr, false};
    ps.push = true;
    std::string flags = engine_flags(t.flags, "saved");
    const ir::Element* last = t.members.empty() ? nullptr : &t.members.back();
    const ir::ArrayLevel* hoist = nullptr;
    if (last)
      if (const auto* a = std::get_if<ir::ArrayLevel>(&last->levels[0]))
        if (a->surrounding && conformant(*a)) hoist = a;
    // Where the scalars start (ir::Layout::body: without a hoisted conformance's alignment).
    std::string a20 = std::to_string(t.layout.body.a20), a64 = std::to_string(t.layout.body.a64);
    w_.emit("void push(nca::ndr::Push& p, int pass, const $n$& v) {\n", {{"n", n}});
    w_.indent();
    if (t.members.empty()) w_.emit("(void)v;\n");  // an empty struct is its alignment only
    type_flags_begin(flags);
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
        Counts c = counts(walker_.exprs(), *hoist, ps);
        w_.emit("p.conformance(static_cast<std::uint64_t>($n$));\n", {{"n", c.size}});
      }
    }
    w_.emit("p.align(p.ndr64() ? $a64$ : $a20$);\n", {{"a64", a64}, {"a20", a20}});
    relative_base_begin(t, m_.needs_buffers(t));
    for (const auto& m : t.members) walk(element_site(m, "v." + cpp_ident(m.name), kScalars, ps));
    relative_base_end(t);
    w_.emit("if (p.ndr64()) p.align($a64$);\n", {{"a64", a64}});
    w_.outdent();
    w_.emit("}\n");
    if (m_.needs_buffers(t)) {
      w_.emit("if (pass & nca::ndr::kBuffers) {\n");
      w_.indent();
      relative_base_resume(t);
      for (const auto& m : t.members)
        if (m_.needs_buffers(m.levels, 0)) walk(element_site(m, "v." + cpp_ident(m.name), kBuffers, ps));
      relative_base_end(t);
      w_.outdent();
      w_.emit("}\n");
    }
    walker_.exprs().clear_hoisted();
    type_flags_end(flags);
    w_.outdent();
    w_.emit("}\n\n");
  }

  void union_type(const ir::Type& t) override {
    std::string n = cpp_ident(t.cpp_name);
    Scope s{nullptr, "v", nullptr, false};
    std::string flags = engine_flags(t.flags, "saved");
    std::string a64 = std::to_string(t.layout.arms.a64);
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
    w_.emit("void push(nca::ndr::Push& p, int pass, const $n$& v$sw$) {\n", {{"n", n}, {"sw", sw_param}});
    w_.indent();
    if (enc) w_.emit("const std::int64_t switch_value = static_cast<std::int64_t>($d$);\n", {{"d", disc}});
    type_flags_begin(flags);
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
        walk(element_site(*a.element, "v." + arm_name(a) + "()", kScalars, s));
      }
      w_.emit("break;\n");
      w_.outdent();
    }
    if (!has_default_arm(t)) w_.emit("default:\n  p.fail(nca::ndr::Error::bad_switch_value);\n");
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
        walk(element_site(*a.element, "v." + arm_name(a) + "()", kBuffers, s));
        w_.emit("break;\n");
        w_.outdent();
      }
      w_.emit("default:\n  break;\n}\n");
      relative_base_end(t);
      w_.outdent();
      w_.emit("}\n");
    }
    type_flags_end(flags);
    w_.outdent();
    w_.emit("}\n\n");
  }

  void enum_type(const ir::Type& t) override {
    EnumWire e = enum_wire(t);
    w_.emit(
        "void push(nca::ndr::Push& p, int pass, $n$ v) {\n"
        "  if (pass & nca::ndr::kScalars) p.$fn$(static_cast<$ty$>(v));\n"
        "}\n\n",
        {{"n", cpp_ident(t.cpp_name)}, {"fn", e.fn}, {"ty", e.type}});
  }

  // A pipe (C706 14.3.13; MS-RPCE 2.2.5.3.4.5): chunks of a count and that many elements (NDR64:
  // and the count negated), ended by an empty chunk. The value holds the chunks; an empty one in
  // the value is skipped on push since on the wire it would end the pipe.
  void pipe_type(const ir::Type& t) override {
    std::string n = cpp_ident(t.cpp_name);
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
      walk(element_site(*t.target, "e", kBoth, s));
      w_.outdent();
      w_.emit("}\n");
    }
    w_.emit("p.pipe_chunk_end(chunk.size());\n");
    w_.outdent();
    w_.emit("}\np.pipe_end();\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

  void operation(const ir::Operation& op, bool out) override {
    Scope s{nullptr, "v", &op, out};
    std::string obj = out ? "r.out." : "r.in.";
    w_.emit("void push_$d$(nca::ndr::Push& p, const $n$& r) {\n", {{"d", out ? "out" : "in"}, {"n", cpp_ident(op.name)}});
    w_.indent();
    for (size_t pi : wire_order(op, out)) {
      const ir::Param& prm = op.params[pi];
      if (prm.is_binding_handle) continue;
      walk(element_site(prm.element, obj + cpp_ident(prm.name), kBoth, s));
    }
    if (out && op.result) walk(element_site(*op.result, "r.out.result", kBoth, s));
    w_.emit("(void)r;\n(void)p;\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

 private:
  // A struct's value() members may call the strlen family or ndr_size on a member, and the sizes
  // that name those members repeat the call: each distinct call is made once per push call, into
  // a local (a string's length is otherwise scanned four times per pass for lsa_String).
  void hoist_value_calls(const ir::Type& t, const Scope& ps) {
    ExprWriter& x = walker_.exprs();
    x.clear_hoisted();
    std::vector<std::string> calls;
    std::function<void(const ir::Expr&)> collect = [&](const ir::Expr& e) {
      if (e.kind == ir::Expr::Kind::call) {
        std::string c = x.value_call(e, ps);
        if (std::find(calls.begin(), calls.end(), c) == calls.end()) calls.push_back(c);
        return;
      }
      for (const ir::Expr& o : e.operands) collect(o);
    };
    for (const auto& m : t.members)
      if (m.data().value) collect(*m.data().value);
    for (const auto& c : calls) {
      std::string local = "value_call" + std::to_string(x.hoisted_count());
      w_.emit("const auto $l$ = $c$;\n", {{"l", local}, {"c", c}});
      x.hoist(c, local);
    }
  }

  // A union's discriminant as the wire type of its switch_type (or enum).
  static std::string switch_push(const ir::Type& t) {
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

  // A builtin's value `v` (after value() and [range]).
  void scalar(const ir::DataLevel& d, const std::string& v) {
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
        walker_.unsupported("COM interface pointers");
        return;
      case W::runtime: return w_.emit(runtime_builtin_call("push", d, v));
      default:
        return;
    }
  }
};

}  // namespace

std::unique_ptr<LevelEmitter> make_push_emitter(NdrWalker& walker) {
  return std::make_unique<PushEmitter>(walker);
}

}  // namespace nca::idl::backends::ndr
