// JSON: a value to nlohmann::json (to_json) and back (from_json), the two directions ncadump's
// --json and the JSON round-trip tests use. Strings and floats go through nca/ndr/json.h so that
// bytes and NaNs survive; everything else through nlohmann's adapters of the generated types.
#include "backends/ndr_walker.h"

namespace nca::idl::backends::ndr {

namespace {

// A site at the first level of `el`, held in `v`, with the JSON value `j`.
Site json_site(const ir::Element& el, std::string v, std::string j) {
  Site s;
  s.levels = &el.levels;
  s.value = std::move(v);
  s.json = std::move(j);
  return s;
}

// Which nca::ndr JSON helper a string array uses: "u16", "text" or "bytes".
std::string string_json_kind(const CppModel& m, const Site& s) {
  const auto& d = std::get<ir::DataLevel>(s.all()[s.i + 1]);
  return m.cpp_type(s.all(), s.i) == "std::u16string" ? "u16"
         : string_fn(d) == "string_utf16"             ? "text"
                                                      : "bytes";
}

class JsonOutEmitter final : public LevelEmitter {
 public:
  using LevelEmitter::LevelEmitter;

  void interface_pointer(const Site& s) override {
    w_.emit("if ($v$.objref) $j$ = *$v$.objref; else $j$ = nullptr;\n", {{"v", s.value}, {"j", s.json}});
  }

  void pointer(const Site& s, const ir::PointerLevel& p) override {
    if (p.kind == ir::PointerKind::ref) return walk(s.next(s.value));
    w_.emit("if ($v$) {\n", {{"v", s.value}});
    w_.indent();
    walk(s.next("(*" + s.value + ")"));
    w_.outdent();
    w_.emit("} else {\n  $j$ = nullptr;\n}\n", {{"j", s.json}});
  }

  void array(const Site& s, const ir::ArrayLevel&) override {
    if (m_.is_string_array(s.all(), s.i)) {
      w_.emit("$j$ = nca::ndr::$f$_to_json($v$);\n",
              {{"j", s.json}, {"f", string_json_kind(m_, s)}, {"v", s.value}});
      return;
    }
    if (m_.bulk_scalar(s.all(), s.i + 1) && !is_float(s.all(), s.i + 1)) return value(s);
    std::string n = tmp();
    w_.emit("{\n");
    w_.indent();
    w_.emit("nlohmann::json a$n$ = nlohmann::json::array();\nfor (const auto& e$n$ : $v$) {\n",
            {{"n", n}, {"v", s.value}});
    w_.indent();
    w_.emit("nlohmann::json x$n$;\n", {{"n", n}});
    Site e = s.next("e" + n);
    e.json = "x" + n;
    walk(e);
    w_.emit("a$n$.push_back(std::move(x$n$));\n", {{"n", n}});
    w_.outdent();
    w_.emit("}\n$j$ = std::move(a$n$);\n", {{"n", n}, {"j", s.json}});
    w_.outdent();
    w_.emit("}\n");
  }

  void builtin(const Site& s, const ir::DataLevel& d) override {
    switch (d.builtin->kind) {
      case ir::ScalarKind::floating:
        return w_.emit("$j$ = nca::ndr::float_to_json($v$);\n", {{"j", s.json}, {"v", s.value}});
      case ir::ScalarKind::character:
        return w_.emit("$j$ = static_cast<unsigned>($v$);\n", {{"j", s.json}, {"v", s.value}});
      case ir::ScalarKind::pidl_string:
        return w_.emit("$j$ = nca::ndr::$f$($v$);\n", {{"j", s.json},
                                                        {"v", s.value},
                                                        {"f", pidl_string_bytes(d) ? "bytes_to_json" : "text_to_json"}});
      default:
        return value(s);
    }
  }

  void value(const Site& s) override { w_.emit("$j$ = $v$;\n", {{"j", s.json}, {"v", s.value}}); }

  void struct_type(const ir::Type& t) override {
    w_.emit("void to_json(nlohmann::json& j, const $n$& v) {\n", {{"n", cpp_ident(t.cpp_name)}});
    w_.indent();
    w_.emit("j = nlohmann::json::object();\n");
    if (t.members.empty()) w_.emit("(void)v;\n");
    for (const auto& m : t.members) walk(json_site(m, "v." + cpp_ident(m.name), "j[\"" + m.name + "\"]"));
    w_.outdent();
    w_.emit("}\n\n");
  }

  void union_type(const ir::Type& t) override {
    std::string n = cpp_ident(t.cpp_name);
    w_.emit("void to_json(nlohmann::json& j, const $n$& v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("switch (v.arm()) {\n");
    for (const auto& a : t.arms) {
      w_.emit("case $n$::Arm::$a$:\n", {{"n", n}, {"a", arm_name(a)}});
      w_.indent();
      w_.emit("j = nlohmann::json::object();\n");
      if (a.element)
        walk(json_site(*a.element, "v." + arm_name(a) + "()", "j[\"" + arm_name(a) + "\"]"));
      else
        w_.emit("j[\"$a$\"] = nullptr;\n", {{"a", arm_name(a)}});
      w_.emit("break;\n");
      w_.outdent();
    }
    w_.emit("case $n$::Arm::kNone:\n  j = nullptr;\n  break;\n}\n", {{"n", n}});
    // An encapsulated union carries its discriminant in the value.
    if (t.encapsulated)
      w_.emit("if (j.is_null()) j = nlohmann::json::object();\nj[\"$k$\"] = v.$d$;\n",
              {{"k", t.discriminant}, {"d", cpp_ident(t.discriminant)}});
    w_.outdent();
    w_.emit("}\n\n");
  }

  void pipe_type(const ir::Type& t) override {
    w_.emit("void to_json(nlohmann::json& j, const $n$& v) {\n  j = nlohmann::json::array();\n"
            "  for (const auto& chunk : v.chunks) {\n    nlohmann::json c = nlohmann::json::array();\n"
            "    for (const auto& e : chunk) {\n",
            {{"n", cpp_ident(t.cpp_name)}});
    w_.indent(3);
    w_.emit("nlohmann::json x;\n");
    walk(json_site(*t.target, "e", "x"));
    w_.emit("c.push_back(std::move(x));\n");
    w_.outdent(3);
    w_.emit("    }\n    j.push_back(std::move(c));\n  }\n}\n\n");
  }

  void operation(const ir::Operation& op, bool out) override {
    w_.emit("void to_json(nlohmann::json& j, const $n$::$s$& v) {\n",
            {{"n", cpp_ident(op.name)}, {"s", out ? "Out" : "In"}});
    w_.indent();
    w_.emit("j = nlohmann::json::object();\n");
    for (size_t pi : (out ? op.out : op.in).params) {
      const ir::Param& prm = op.params[pi];
      if (prm.is_binding_handle) continue;
      walk(json_site(prm.element, "v." + cpp_ident(prm.name), "j[\"" + prm.name + "\"]"));
    }
    if (out && op.result) walk(json_site(*op.result, "v.result", "j[\"result\"]"));
    w_.emit("(void)v;\n");
    w_.outdent();
    w_.emit("}\n\n");
  }
};

class JsonInEmitter final : public LevelEmitter {
 public:
  using LevelEmitter::LevelEmitter;

  void interface_pointer(const Site& s) override {
    w_.emit("if ($j$.is_null()) $v$.objref.reset(); else $j$.get_to($v$.objref.emplace());\n",
            {{"v", s.value}, {"j", s.json}});
  }

  void pointer(const Site& s, const ir::PointerLevel& p) override {
    if (p.kind == ir::PointerKind::ref) return walk(s.next(s.value));
    w_.emit("if ($j$.is_null()) {\n  $v$ = nullptr;\n} else {\n", {{"j", s.json}, {"v", s.value}});
    w_.indent();
    if (p.kind == ir::PointerKind::full)
      w_.emit("$v$ = std::make_shared<$t$>();\n", {{"v", s.value}, {"t", m_.cpp_type(s.all(), s.i + 1)}});
    else
      w_.emit("$v$.emplace();\n", {{"v", s.value}});
    walk(s.next("(*" + s.value + ")"));
    w_.outdent();
    w_.emit("}\n");
  }

  void array(const Site& s, const ir::ArrayLevel& a) override {
    if (m_.is_string_array(s.all(), s.i)) {
      w_.emit("$v$ = nca::ndr::$f$_from_json($j$);\n",
              {{"j", s.json}, {"f", string_json_kind(m_, s)}, {"v", s.value}});
      return;
    }
    if (m_.bulk_scalar(s.all(), s.i + 1) && !is_float(s.all(), s.i + 1)) return value(s);
    std::string n = tmp();
    if (is_std_array(a)) {
      w_.emit("for (std::size_t k$n$ = 0; k$n$ < $v$.size(); ++k$n$) {\n", {{"n", n}, {"v", s.value}});
      w_.indent();
      Site e = s.next(s.value + "[k" + n + "]");
      e.json = s.json + ".at(k" + n + ")";
      walk(e);
    } else {
      w_.emit("$v$.clear();\nfor (const auto& x$n$ : $j$) {\n", {{"n", n}, {"v", s.value}, {"j", s.json}});
      w_.indent();
      w_.emit("auto& e$n$ = $v$.emplace_back();\n", {{"n", n}, {"v", s.value}});
      Site e = s.next("e" + n);
      e.json = "x" + n;
      walk(e);
    }
    w_.outdent();
    w_.emit("}\n");
  }

  void builtin(const Site& s, const ir::DataLevel& d) override {
    switch (d.builtin->kind) {
      case ir::ScalarKind::floating:
        return w_.emit("$v$ = static_cast<$t$>(nca::ndr::float_from_json($j$));\n",
                       {{"j", s.json}, {"v", s.value}, {"t", m_.builtin_type(*d.builtin)}});
      case ir::ScalarKind::character:
        return w_.emit("$v$ = static_cast<$t$>($j$.get<unsigned>());\n",
                       {{"j", s.json}, {"v", s.value}, {"t", m_.builtin_type(*d.builtin)}});
      case ir::ScalarKind::pidl_string:
        return w_.emit("$v$ = nca::ndr::$f$($j$);\n", {{"j", s.json},
                                                        {"v", s.value},
                                                        {"f", pidl_string_bytes(d) ? "bytes_from_json" : "text_from_json"}});
      default:
        return value(s);
    }
  }

  void value(const Site& s) override { w_.emit("$j$.get_to($v$);\n", {{"j", s.json}, {"v", s.value}}); }

  void struct_type(const ir::Type& t) override {
    w_.emit("void from_json(const nlohmann::json& j, $n$& v) {\n", {{"n", cpp_ident(t.cpp_name)}});
    w_.indent();
    for (const auto& m : t.members)
      walk(json_site(m, "v." + cpp_ident(m.name), "j.at(\"" + m.name + "\")"));
    if (t.members.empty()) w_.emit("(void)j;\n(void)v;\n");
    w_.outdent();
    w_.emit("}\n\n");
  }

  void union_type(const ir::Type& t) override {
    std::string n = cpp_ident(t.cpp_name);
    w_.emit("void from_json(const nlohmann::json& j, $n$& v) {\n", {{"n", n}});
    w_.indent();
    w_.emit("v = $n${};\nif (j.is_null()) return;\n", {{"n", n}});
    if (t.encapsulated)
      w_.emit("j.at(\"$k$\").get_to(v.$d$);\n", {{"k", t.discriminant}, {"d", cpp_ident(t.discriminant)}});
    for (const auto& a : t.arms) {
      w_.emit("if (j.contains(\"$a$\")) {\n", {{"a", arm_name(a)}});
      w_.indent();
      if (a.element) {
        w_.emit("auto& arm = v.set_$a$();\n", {{"a", arm_name(a)}});
        walk(json_site(*a.element, "arm", "j.at(\"" + arm_name(a) + "\")"));
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

  void pipe_type(const ir::Type& t) override {
    w_.emit("void from_json(const nlohmann::json& j, $n$& v) {\n  v.chunks.clear();\n"
            "  for (const auto& c : j) {\n    auto& chunk = v.chunks.emplace_back();\n"
            "    for (const auto& x : c) {\n      auto& e = chunk.emplace_back();\n",
            {{"n", cpp_ident(t.cpp_name)}});
    w_.indent(3);
    walk(json_site(*t.target, "e", "x"));
    w_.outdent(3);
    w_.emit("    }\n  }\n}\n\n");
  }

  void operation(const ir::Operation& op, bool out) override {
    w_.emit("void from_json(const nlohmann::json& j, $n$::$s$& v) {\n",
            {{"n", cpp_ident(op.name)}, {"s", out ? "Out" : "In"}});
    w_.indent();
    for (size_t pi : (out ? op.out : op.in).params) {
      const ir::Param& prm = op.params[pi];
      if (prm.is_binding_handle) continue;
      walk(json_site(prm.element, "v." + cpp_ident(prm.name), "j.at(\"" + prm.name + "\")"));
    }
    if (out && op.result) walk(json_site(*op.result, "v.result", "j.at(\"result\")"));
    w_.emit("(void)j;\n(void)v;\n");
    w_.outdent();
    w_.emit("}\n\n");
  }
};

}  // namespace

std::unique_ptr<LevelEmitter> make_json_out_emitter(NdrWalker& walker) {
  return std::make_unique<JsonOutEmitter>(walker);
}

std::unique_ptr<LevelEmitter> make_json_in_emitter(NdrWalker& walker) {
  return std::make_unique<JsonInEmitter>(walker);
}

}  // namespace nca::idl::backends::ndr
