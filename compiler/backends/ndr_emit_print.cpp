// Print: a value as nca::ndr::Printer calls (ndrdump's text), field by field.
#include <set>

#include "backends/ndr_walker.h"

namespace nca::idl::backends::ndr {

namespace {

class PrintEmitter final : public LevelEmitter {
 public:
  using LevelEmitter::LevelEmitter;

  void interface_pointer(const Site& s) override {
    w_.emit("if (pr.ptr($n$, static_cast<bool>($v$.objref))) {\n"
            "  pr.blob($n$, nca::ndr::DataBlob{*$v$.objref});\n  pr.ptr_end();\n}\n",
            {{"n", quoted(s)}, {"v", s.value}});
  }

  void pointer(const Site& s, const ir::PointerLevel& p) override {
    bool null_ok = p.kind != ir::PointerKind::ref;
    w_.emit("if (pr.ptr($n$, $present$)) {\n",
            {{"n", quoted(s)}, {"present", null_ok ? "static_cast<bool>(" + s.value + ")" : "true"}});
    w_.indent();
    walk(s.next(null_ok ? "(*" + s.value + ")" : s.value));
    w_.emit("pr.ptr_end();\n");
    w_.outdent();
    w_.emit("}\n");
  }

  void array(const Site& s, const ir::ArrayLevel&) override {
    if (m_.is_string_array(s.all(), s.i)) {
      w_.emit("pr.string($n$, $v$);\n", {{"n", quoted(s)}, {"v", s.value}});
      return;
    }
    std::string e = "e" + tmp();
    w_.emit("pr.array_begin($n$, $v$.size());\nfor (const auto& $e$ : $v$) {\n",
            {{"n", quoted(s)}, {"v", s.value}, {"e", e}});
    w_.indent();
    walk(s.next(e));
    w_.outdent();
    w_.emit("}\npr.array_end();\n");
  }

  void context_handle(const Site& s) override {
    w_.emit("pr.context_handle($n$, $v$);\n", {{"n", quoted(s)}, {"v", s.value}});
  }
  void guid(const Site& s) override { w_.emit("pr.guid($n$, $v$);\n", {{"n", quoted(s)}, {"v", s.value}}); }
  void bitmap(const Site& s, const ir::Type& t) override {
    w_.emit("$ns$::print_$t$(pr, $n$, $v$);\n",
            {{"ns", m_.full_ns(m_.ns_of(t))}, {"t", cpp_ident(t.cpp_name)}, {"n", quoted(s)}, {"v", s.value}});
  }
  void value(const Site& s) override { w_.emit("print(pr, $n$, $v$);\n", {{"n", quoted(s)}, {"v", s.value}}); }

  void builtin(const Site& s, const ir::DataLevel& d) override {
    const std::string qn = quoted(s);
    const std::string& v = s.value;
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

  void struct_type(const ir::Type& t) override {
    w_.emit("void print(nca::ndr::Printer& pr, std::string_view name, const $n$& v) {\n",
            {{"n", cpp_ident(t.cpp_name)}});
    w_.indent();
    w_.emit("pr.struct_begin(name, \"$t$\");\n", {{"t", t.name}});
    if (t.members.empty()) w_.emit("(void)v;\n");
    for (const auto& m : t.members) walk(field(m, "v." + cpp_ident(m.name), m.name));
    w_.emit("pr.struct_end();\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

  void union_type(const ir::Type& t) override {
    std::string n = cpp_ident(t.cpp_name);
    w_.emit("void print(nca::ndr::Printer& pr, std::string_view name, const $n$& v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("switch (v.arm()) {\n");
    for (const auto& a : t.arms) {
      w_.emit("case $n$::Arm::$a$:\n", {{"n", n}, {"a", arm_name(a)}});
      w_.indent();
      std::string lvl = a.cases.empty() ? "0" : int_lit(a.cases.front());
      w_.emit("pr.union_begin(name, \"$t$\", $l$);\n", {{"t", t.name}, {"l", lvl}});
      if (a.element) walk(field(*a.element, "v." + arm_name(a) + "()", a.element->name));
      w_.emit("pr.union_end();\nbreak;\n");
      w_.outdent();
    }
    w_.emit("case $n$::Arm::kNone:\n  pr.line(name, \"(no arm)\");\n  break;\n}\n", {{"n", n}});
    w_.outdent();
    w_.emit("}\n\n");
  }

  void enum_type(const ir::Type& t) override {
    std::string n = cpp_ident(t.cpp_name);
    w_.emit(
        "std::string_view name_of($n$ v) {\n"
        "  switch (static_cast<std::uint64_t>(v)) {\n",
        {{"n", n}});
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

  void bitmap_type(const ir::Type& t) override {
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

  void pipe_type(const ir::Type& t) override {
    w_.emit("void print(nca::ndr::Printer& pr, std::string_view name, const $n$& v) {\n"
            "  pr.array_begin(name, v.chunks.size());\n  for (const auto& chunk : v.chunks) {\n",
            {{"n", cpp_ident(t.cpp_name)}});
    w_.indent(2);
    w_.emit("pr.array_begin(\"chunk\", chunk.size());\nfor (const auto& e : chunk) {\n");
    w_.indent();
    walk(field(*t.target, "e", "element"));
    w_.outdent();
    w_.emit("}\npr.array_end();\n");
    w_.outdent(2);
    w_.emit("  }\n  pr.array_end();\n}\n\n");
  }

  void operation(const ir::Operation& op, bool out) override {
    std::string obj = out ? "r.out." : "r.in.";
    w_.emit("void print_$d$(nca::ndr::Printer& pr, const $n$& r) {\n",
            {{"d", out ? "out" : "in"}, {"n", cpp_ident(op.name)}});
    w_.indent();
    w_.emit("pr.struct_begin(\"$o$\", \"$o$\");\npr.struct_begin(\"$d$\", \"$o$\");\n",
            {{"o", op.name}, {"d", out ? "out" : "in"}});
    for (size_t pi : (out ? op.out : op.in).params) {
      const ir::Param& prm = op.params[pi];
      if (prm.is_binding_handle) continue;
      walk(field(prm.element, obj + cpp_ident(prm.name), prm.name));
    }
    if (out && op.result) walk(field(*op.result, "r.out.result", "result"));
    w_.emit("pr.struct_end();\npr.struct_end();\n(void)r;\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

 private:
  static Site field(const ir::Element& el, std::string v, std::string name) {
    Site s;
    s.levels = &el.levels;
    s.value = std::move(v);
    s.name = std::move(name);
    return s;
  }
  static std::string quoted(const Site& s) { return "\"" + s.name + "\""; }
};

}  // namespace

std::unique_ptr<LevelEmitter> make_print_emitter(NdrWalker& walker) {
  return std::make_unique<PrintEmitter>(walker);
}

}  // namespace nca::idl::backends::ndr
