#include "backends/ndr_emit_wire.h"

namespace nca::idl::backends::ndr {

void WireEmitter::switch_level(const Site& s, const ir::SwitchLevel& sw) {
  if (!(s.pass & kScalars) && !m_.needs_buffers(s.all(), s.i + 1)) return;
  w_.emit("$verb$(p, $pass$, $v$, $d$);\n", {{"verb", verb_},
                                             {"pass", pass_text(s.pass)},
                                             {"v", s.value},
                                             {"d", walker_.exprs().expr(sw.switch_is, *s.scope)}});
}

bool WireEmitter::flag_scope(const Site& s, const ir::DataLevel& d) {
  walker_.check_relative_reverse(d.flags);
  if (engine_flags(d.flags, "p.flags()").empty() || !(s.pass & kScalars)) return false;
  std::string n = tmp();
  w_.emit("{\n");
  w_.indent();
  w_.emit("const std::uint32_t saved$n$ = p.flags();\np.set_flags($f$);\n",
          {{"n", n}, {"f", engine_flags(d.flags, "saved" + n)}});
  ir::DataLevel inner = d;
  inner.flags = {};
  walker_.data(*this, s, inner);
  w_.emit("p.set_flags(saved$n$);\n", {{"n", n}});
  w_.outdent();
  w_.emit("}\n");
  return true;
}

void WireEmitter::context_handle(const Site& s) {
  if (s.pass & kScalars) w_.emit("p.context_handle($v$);\n", {{"v", s.value}});
}

void WireEmitter::guid(const Site& s) {
  if (s.pass & kScalars) w_.emit("p.guid($v$);\n", {{"v", s.value}});
}

void WireEmitter::bitmap(const Site& s, const ir::Type& t) {
  if (s.pass & kScalars) w_.emit("p.$f$($v$);\n", {{"f", int_fn(t.wire_bits, false)}, {"v", s.value}});
}

void WireEmitter::enumeration(const Site& s, const ir::Type&) {
  if (s.pass & kScalars) w_.emit("$verb$(p, nca::ndr::kScalars, $v$);\n", {{"verb", verb_}, {"v", s.value}});
}

void WireEmitter::constructed(const Site& s, const ir::Type& t) {
  if (!(s.pass & kScalars) && !m_.needs_buffers(t)) return;
  value(s);
}

void WireEmitter::value(const Site& s) {
  w_.emit("$verb$(p, $pass$, $v$);\n", {{"verb", verb_}, {"pass", pass_text(s.pass)}, {"v", s.value}});
}

Site WireEmitter::element_site(const ir::Element& el, std::string v, int pass, const Scope& scope) {
  Site s;
  s.levels = &el.levels;
  s.value = std::move(v);
  s.pass = pass;
  s.scope = &scope;
  return s;
}

void WireEmitter::relative_base_begin(const ir::Type& t, bool has_buffers) {
  if (t.relative_base)
    w_.emit("const std::size_t saved_base = p.relative_base_begin(&v, $b$);\n",
            {{"b", has_buffers ? "true" : "false"}});
}

void WireEmitter::relative_base_resume(const ir::Type& t) {
  if (t.relative_base) w_.emit("const std::size_t saved_base = p.relative_base_resume(&v);\n");
}

void WireEmitter::relative_base_end(const ir::Type& t) {
  if (t.relative_base) w_.emit("p.set_relative_base(saved_base);\n");
}

void WireEmitter::union_arm_relative_base(const ir::Type& t, const ir::Element& e) {
  if (!t.relative_base) return;
  w_.emit("p.align(p.ndr64() ? $a64$ : $a20$);\n(void)p.relative_base_begin(&v, $b$);\n",
          {{"a64", std::to_string(e.align.a64)},
           {"a20", std::to_string(e.align.a20)},
           {"b", m_.needs_buffers(e.levels, 0) ? "true" : "false"}});
}

void WireEmitter::type_flags_begin(const std::string& flags) {
  if (!flags.empty()) w_.emit("const std::uint32_t saved = p.flags();\np.set_flags($f$);\n", {{"f", flags}});
}

void WireEmitter::type_flags_end(const std::string& flags) {
  if (!flags.empty()) w_.emit("p.set_flags(saved);\n");
}

}  // namespace nca::idl::backends::ndr
