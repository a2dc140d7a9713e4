// Pull: the straight-line nca::ndr::Pull calls that unmarshal a value, per level and per pass,
// with every count checked against the IDL's before anything is allocated.
#include <algorithm>

#include "backends/ndr_emit_wire.h"

namespace nca::idl::backends::ndr {

namespace {

using F = ir::NdrFlag;

class PullEmitter final : public WireEmitter {
 public:
  explicit PullEmitter(NdrWalker& walker) : WireEmitter(walker, "pull") {}

  // A COM interface pointer (see the push side): a [unique] pointer to MInterfacePointer.
  void interface_pointer(const Site& s) override {
    if (s.pass & kScalars) w_.emit("p.unique_pointer($v$.objref);\n", {{"v", s.value}});
    if (!(s.pass & kBuffers)) return;
    w_.emit("if ($v$.objref) {\n", {{"v", s.value}});
    w_.indent();
    w_.emit("auto nest = p.nest();\nstd::uint64_t max = 0;\nstd::uint32_t count = 0;\n"
            "p.conformance(max);\np.align(4);\np.u32(count);\np.expect_count(max, count);\n"
            "p.array(*$v$.objref, count);\nif (p.ndr64()) p.align(4);\n",
            {{"v", s.value}});
    w_.outdent();
    w_.emit("}\n");
  }

  void pointer(const Site& s, const ir::PointerLevel& p) override {
    const std::string& v = s.value;
    bool null_ok = p.kind != ir::PointerKind::ref;
    std::string pointee = null_ok ? "(*" + v + ")" : v;
    if (p.kind == ir::PointerKind::relative || p.kind == ir::PointerKind::relative_short) {
      // The offset is read with the scalars; the pointee is read where it points, and the
      // stream continues after whichever ended later (Samba's relative_highest_offset).
      if (s.pass & kScalars)
        w_.emit("if (std::$t$ rel = 0; p.$f$(&$v$, rel) && rel != 0) {\n  $v$.emplace();\n} else {\n  $v$.reset();\n}\n",
                {{"v", v},
                 {"t", p.kind == ir::PointerKind::relative ? "uint32_t" : "uint16_t"},
                 {"f", p.kind == ir::PointerKind::relative ? "relative_ptr" : "short_relative_ptr"}});
      if (s.pass & kBuffers) {
        w_.emit("if (std::size_t saved = 0; $v$ && p.relative_ptr_seek(&$v$, saved)) {\n", {{"v", v}});
        w_.indent();
        w_.emit("auto nest = p.nest();\n");
        walk(s.next(pointee, kBoth));
        w_.emit("p.relative_ptr_return(saved);\n");
        w_.outdent();
        w_.emit("}\n");
      }
      return;
    }
    if (s.pass & kScalars) {
      if (p.kind == ir::PointerKind::ref && !p.top_level)
        w_.emit("p.ref_referent();\n");
      else if (p.kind == ir::PointerKind::full)
        w_.emit("p.full_pointer($v$);\n", {{"v", v}});
      else if (null_ok)
        w_.emit("p.unique_pointer($v$);\n", {{"v", v}});
    }
    if (s.pass & kBuffers) {
      if (p.kind == ir::PointerKind::full)
        // The guard marks the object as being decoded for the block (cycle detection).
        w_.emit("if ($v$) if (auto full = p.full_pointee($v$.get())) {\n", {{"v", v}});
      else if (null_ok)
        w_.emit("if ($v$) {\n", {{"v", v}});
      else
        w_.emit("{\n");
      w_.indent();
      w_.emit("auto nest = p.nest();\n");
      walk(s.next(pointee, kBoth));
      w_.outdent();
      w_.emit("}\n");
    }
  }

  void subcontext(const Site& s, const ir::SubcontextLevel& sc) override {
    if (!(s.pass & kScalars)) return;
    std::string n = tmp();
    bool exact = std::get<ir::DataLevel>(s.all().back()).flags.has(F::subcontext_no_unread_bytes);
    w_.emit("{\n");
    w_.indent();
    w_.emit("nca::ndr::Pull::Subcontext sc$n${};\nif (p.subcontext_begin($h$, sc$n$)) {\n",
            {{"n", n}, {"h", std::to_string(sc.header_size)}});
    w_.indent();
    walk(s.next(s.value, kBoth));
    w_.emit("p.subcontext_end(sc$n$, $x$);\n", {{"n", n}, {"x", exact ? "true" : "false"}});
    w_.outdent();
    w_.emit("}\n");
    w_.outdent();
    w_.emit("}\n");
  }

  void array(const Site& s, const ir::ArrayLevel& a) override {
    const auto& L = s.all();
    const size_t i = s.i;
    const std::string& v = s.value;
    const std::string& hoisted = s.hoisted;
    const auto* d = std::get_if<ir::DataLevel>(&L.at(i + 1));
    Counts c = counts(walker_.exprs(), a, *s.scope);
    std::string n = tmp();
    if (m_.is_string_array(L, i)) {
      if (!(s.pass & kScalars)) return;
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
    const bool std_array = is_std_array(a);
    bool elem_buffers = m_.needs_buffers(L, i + 1);
    if (s.pass & kScalars) {
      w_.emit("{\n");
      w_.indent();
      if (std_array) {
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
        if (std_array) walker_.unsupported("a varying fixed-size array");
      }
      const ir::Builtin* b = m_.bulk_scalar(L, i + 1);
      if (std_array && b) {
        w_.emit("p.array($v$.data(), $v$.size());\n", {{"v", v}});
      } else if (b) {
        w_.emit("p.array($v$, $c$);\n", {{"v", v}, {"c", count}});
      } else {
        if (!std_array)
          w_.emit("p.resize($v$, $c$, p.ndr64() ? $m64$ : $m20$);\n",
                  {{"v", v}, {"c", count},
                   {"m64", std::to_string(m_.min_wire(L, i + 1, true))},
                   {"m20", std::to_string(m_.min_wire(L, i + 1, false))}});
        std::string e = "e" + n;
        w_.emit("for (auto& $e$ : $v$) {\n", {{"e", e}, {"v", v}});
        w_.indent();
        walk(s.next(e, kScalars));
        w_.outdent();
        w_.emit("}\n");
      }
      w_.outdent();
      w_.emit("}\n");
    }
    if ((s.pass & kBuffers) && elem_buffers) {
      std::string e = "e" + tmp();
      w_.emit("for (auto& $e$ : $v$) {\n", {{"e", e}, {"v", v}});
      w_.indent();
      walk(s.next(e, kBuffers));
      w_.outdent();
      w_.emit("}\n");
    }
  }

  void builtin(const Site& s, const ir::DataLevel& d) override {
    if (!(s.pass & kScalars)) return;
    scalar(d, s.value);
    if (d.range)
      w_.emit("p.range<std::int64_t>(static_cast<std::int64_t>($v$), $lo$, $hi$);\n",
              {{"v", s.value}, {"lo", int_lit(d.range->first)}, {"hi", int_lit(d.range->second)}});
  }

  void struct_type(const ir::Type& t) override {
    std::string n = cpp_ident(t.cpp_name);
    Scope s{&t, "v", nullptr, false};
    std::string flags = engine_flags(t.flags, "saved");
    const ir::Element* last = t.members.empty() ? nullptr : &t.members.back();
    bool hoist = false;
    if (last)
      if (const auto* a = std::get_if<ir::ArrayLevel>(&last->levels[0]))
        hoist = a->surrounding && conformant(*a);
    // Where the scalars start (ir::Layout::body: without a hoisted conformance's alignment).
    std::string a20 = std::to_string(t.layout.body.a20), a64 = std::to_string(t.layout.body.a64);
    w_.emit("bool pull(nca::ndr::Pull& p, int pass, $n$& v) {\n", {{"n", n}});
    w_.indent();
    if (t.members.empty()) w_.emit("(void)v;\n");
    w_.emit("auto nest = p.nest();\nif (!nest) return false;\n");
    type_flags_begin(flags);
    w_.emit("if (pass & nca::ndr::kScalars) {\n");
    w_.indent();
    if (hoist) w_.emit("std::uint64_t hoisted = 0;\np.conformance(hoisted);\n");
    w_.emit("p.align(p.ndr64() ? $a64$ : $a20$);\n", {{"a64", a64}, {"a20", a20}});
    relative_base_begin(t, m_.needs_buffers(t));
    for (const auto& m : t.members) {
      Site ms = element_site(m, "v." + cpp_ident(m.name), kScalars, s);
      if (hoist && &m == last) ms.hoisted = "hoisted";
      walk(ms);
    }
    relative_base_end(t);
    w_.emit("if (p.ndr64()) p.align($a64$);\n", {{"a64", a64}});
    w_.outdent();
    w_.emit("}\n");
    if (m_.needs_buffers(t)) {
      w_.emit("if (pass & nca::ndr::kBuffers) {\n");
      w_.indent();
      relative_base_resume(t);
      for (const auto& m : t.members)
        if (m_.needs_buffers(m.levels, 0)) walk(element_site(m, "v." + cpp_ident(m.name), kBuffers, s));
      relative_base_end(t);
      w_.outdent();
      w_.emit("}\n");
    }
    type_flags_end(flags);
    w_.emit("return p.ok();\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

  void union_type(const ir::Type& t) override {
    std::string n = cpp_ident(t.cpp_name);
    Scope s{nullptr, "v", nullptr, false};
    std::string flags = engine_flags(t.flags, "saved");
    std::string a64 = std::to_string(t.layout.arms.a64);
    // The layout is the push side's (ndr_emit_push.cpp).
    const bool enc = t.encapsulated;
    std::string sw_param = enc ? "" : ", std::int64_t switch_value";
    std::string disc = "v." + cpp_ident(t.discriminant);
    std::string enc20 = std::to_string(t.layout.body.a20), enc64 = std::to_string(t.layout.body.a64);
    w_.emit("bool pull(nca::ndr::Pull& p, int pass, $n$& v$sw$) {\n", {{"n", n}, {"sw", sw_param}});
    w_.indent();
    w_.emit("auto nest = p.nest();\nif (!nest) return false;\n");
    type_flags_begin(flags);
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
        walk(element_site(*a.element, "arm", kScalars, s));
      } else {
        w_.emit("v.set_$a$();\n", {{"a", arm_name(a)}});
      }
      w_.emit("break;\n");
      w_.outdent();
      w_.emit("}\n");
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
    w_.emit("(void)switch_value;\nreturn p.ok();\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

  void enum_type(const ir::Type& t) override {
    EnumWire e = enum_wire(t);
    w_.emit(
        "bool pull(nca::ndr::Pull& p, int pass, $n$& v) {\n"
        "  if (pass & nca::ndr::kScalars) {\n"
        "    $ty$ t = 0;\n"
        "    p.$fn$(t);\n"
        "    v = static_cast<$n$>(t);\n"
        "  }\n"
        "  return p.ok();\n"
        "}\n\n",
        {{"n", cpp_ident(t.cpp_name)}, {"fn", e.fn}, {"ty", e.type}});
  }

  // A pipe (see the push side). Every chunk but the last holds at least one element of at least
  // one octet, so the loop ends within the buffer; counts are checked against the bytes left
  // before allocating.
  void pipe_type(const ir::Type& t) override {
    std::string n = cpp_ident(t.cpp_name);
    const auto& L = t.target->levels;
    Scope s{nullptr, "v", nullptr, false};
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
      walk(element_site(*t.target, "e", kBoth, s));
      w_.outdent();
      w_.emit("}\n");
    }
    w_.emit("if (!p.pipe_chunk_end(count)) break;\n");
    w_.outdent();
    w_.emit("}\nreturn p.ok();\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

  void operation(const ir::Operation& op, bool out) override {
    Scope s{nullptr, "v", &op, out};
    std::string obj = out ? "r.out." : "r.in.";
    w_.emit("bool pull_$d$(nca::ndr::Pull& p, $n$& r) {\n", {{"d", out ? "out" : "in"}, {"n", cpp_ident(op.name)}});
    w_.indent();
    for (size_t pi : wire_order(op, out)) {
      const ir::Param& prm = op.params[pi];
      if (prm.is_binding_handle) continue;
      walk(element_site(prm.element, obj + cpp_ident(prm.name), kBoth, s));
    }
    if (out && op.result) walk(element_site(*op.result, "r.out.result", kBoth, s));
    w_.emit("(void)r;\nreturn p.ok();\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

 private:
  // Reads a union's discriminant and checks it against the caller's switch value.
  static std::string switch_pull(const ir::Type& t) {
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
  static std::string switch_pull_into(const ir::Type& t, const std::string& d) {
    if (t.switch_enum) return "pull(p, nca::ndr::kScalars, " + d + ");\n";
    const ir::Builtin* b = t.switch_type ? t.switch_type : &ir::builtin_uint32();
    if (b->wire == ir::WireKind::uint3264 || b->wire == ir::WireKind::int3264)
      return "{\n  std::uint64_t wire = 0;\n  p.u3264(wire);\n  " + d + " = static_cast<decltype(" + d + ")>(wire);\n}\n";
    return "p.get_as<std::" + std::string(b->is_signed ? "int" : "uint") + std::to_string(b->size20 * 8) +
           "_t>(" + d + ");\n";
  }

  void scalar(const ir::DataLevel& d, const std::string& v) {
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
        walker_.unsupported("COM interface pointers");
        return;
      case W::runtime: return w_.emit(runtime_builtin_call("pull", d, v));
      default:
        return;
    }
  }
};

}  // namespace

std::unique_ptr<LevelEmitter> make_pull_emitter(NdrWalker& walker) {
  return std::make_unique<PullEmitter>(walker);
}

}  // namespace nca::idl::backends::ndr
