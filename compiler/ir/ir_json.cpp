// The IR's JSON form (see ir_json.h).
#include "ir/ir_json.h"

namespace nca::idl::ir {

namespace {

using Json = nlohmann::ordered_json;

Json int_json(Int v) {
  if (v >= INT64_MIN && v <= INT64_MAX) return static_cast<int64_t>(v);
  if (v >= 0 && v <= static_cast<Int>(UINT64_MAX)) return static_cast<uint64_t>(v);
  return to_string(v);  // outside what the model holds; kept readable rather than wrong
}

// Readable C-like text of an expression: `*count`, `r.size + 1`, `(a ? b : c)`.
std::string render(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::integer: return to_string(e.value);
    case Expr::Kind::string: return "\"" + e.text + "\"";
    case Expr::Kind::field:
    case Expr::Kind::param:
    case Expr::Kind::constant: return e.name;
    case Expr::Kind::unary: return e.op + render(e.operands.at(0));
    case Expr::Kind::binary:
      return "(" + render(e.operands.at(0)) + " " + e.op + " " + render(e.operands.at(1)) + ")";
    case Expr::Kind::ternary:
      return "(" + render(e.operands.at(0)) + " ? " + render(e.operands.at(1)) + " : " +
             render(e.operands.at(2)) + ")";
    case Expr::Kind::member: return render(e.operands.at(0)) + e.op + e.name;
    case Expr::Kind::call: return e.name + "(" + render(e.operands.at(0)) + ")";
    case Expr::Kind::opaque: return e.text + "(...)";
  }
  return "?";
}

void collect_refs(const Expr& e, Json& refs) {
  if (e.kind == Expr::Kind::field || e.kind == Expr::Kind::param) {
    Json r;
    r["kind"] = e.kind == Expr::Kind::field ? "field" : "param";
    r["name"] = e.name;
    r["index"] = e.index;
    refs.push_back(std::move(r));
  } else if (e.kind == Expr::Kind::member) {
    collect_refs(e.operands.at(0), refs);
    refs.back()["member"] = e.name;
    refs.back()["member_index"] = e.index;
    return;
  }
  for (const Expr& o : e.operands) collect_refs(o, refs);
}

std::string type_name(const Builtin* b, const Type* t) {
  if (b) return b->name;
  if (t) return t->name;
  return "?";
}

Json level_json(const Level& level) {
  Json j;
  std::visit(
      [&](const auto& l) {
        using T = std::decay_t<decltype(l)>;
        if constexpr (std::is_same_v<T, PointerLevel>) {
          j["level"] = "pointer";
          j["kind"] = to_string(l.kind);
          j["top_level"] = l.top_level;
          j["default"] = l.from_default;
        } else if constexpr (std::is_same_v<T, ArrayLevel>) {
          j["level"] = "array";
          j["kind"] = to_string(l.kind);
          if (l.fixed_count) j["count"] = *l.fixed_count;
          const std::pair<const char*, const std::optional<Expr>*> exprs[] = {
              {"size_is", &l.size_is},     {"max_is", &l.max_is},     {"min_is", &l.min_is},
              {"length_is", &l.length_is}, {"first_is", &l.first_is}, {"last_is", &l.last_is}};
          for (auto [name, e] : exprs)
            if (*e) j[name] = to_json(**e);
          if (l.is_string) {
            j["string"] = true;
            j["zero_terminated"] = l.zero_terminated;
          }
          if (l.surrounding) j["surrounding"] = true;
        } else if constexpr (std::is_same_v<T, SwitchLevel>) {
          j["level"] = "switch";
          j["switch_is"] = to_json(l.switch_is);
          j["switch_type"] = type_name(l.switch_type, l.switch_enum);
        } else if constexpr (std::is_same_v<T, SubcontextLevel>) {
          j["level"] = "subcontext";
          j["header_size"] = l.header_size;
          if (l.size_is) j["size_is"] = to_json(*l.size_is);
        } else {
          j["level"] = "data";
          j["type"] = type_name(l.builtin, l.type);
          if (!l.alias.empty()) j["alias"] = l.alias;
          if (l.charset != ir::Charset::none) j["charset"] = ir::to_string(l.charset);
          if (!l.flags.empty()) j["flags"] = ir::flag_names(l.flags);
          if (l.value) j["value"] = to_json(*l.value);
          if (l.range) j["range"] = Json::array({int_json(l.range->first), int_json(l.range->second)});
          if (l.context_handle != ContextHandleKind::none)
            j["context_handle"] = to_string(l.context_handle);
        }
      },
      level);
  return j;
}

Json layout_json(uint32_t align, const std::optional<uint64_t>& size) {
  Json j;
  j["align"] = align;
  j["size"] = size ? Json(*size) : Json(nullptr);
  return j;
}

Json type_json(const Type& t, const Program& p) {
  Json j;
  j["name"] = t.name;
  j["cpp_name"] = t.cpp_name;
  j["kind"] = to_string(t.kind);
  j["file"] = t.file < p.files.size() ? p.files[t.file].path : "";
  if (!t.scope.empty()) j["interface"] = t.scope;
  if (t.is_public) j["public"] = true;
  if (t.relative_base) j["relative_base"] = true;
  if (!t.flags.empty()) j["flags"] = ir::flag_names(t.flags);
  j["ndr20"] = layout_json(t.layout.align20, t.layout.size20);
  j["ndr64"] = layout_json(t.layout.align64, t.layout.size64);
  j["conformant"] = t.layout.conformant;
  j["varying"] = t.layout.varying;
  j["has_pointers"] = t.layout.has_pointers;
  j["is_string"] = t.layout.is_string;
  switch (t.kind) {
    case TypeKind::struct_: {
      Json members = Json::array();
      for (const Element& m : t.members) members.push_back(to_json(m));
      j["members"] = std::move(members);
      break;
    }
    case TypeKind::union_: {
      j["encapsulated"] = t.encapsulated;
      if (t.encapsulated) j["discriminant"] = t.discriminant;
      j["switch_type"] = (t.switch_type || t.switch_enum) ? Json(type_name(t.switch_type,
                                                                           t.switch_enum))
                                                          : Json(nullptr);
      if (t.nodiscriminant) j["nodiscriminant"] = true;
      Json arms = Json::array();
      for (const UnionArm& a : t.arms) {
        Json arm;
        Json cases = Json::array();
        for (Int c : a.cases) cases.push_back(int_json(c));
        arm["cases"] = std::move(cases);
        arm["default"] = a.is_default;
        arm["element"] = a.element ? to_json(*a.element) : Json(nullptr);
        arms.push_back(std::move(arm));
      }
      j["arms"] = std::move(arms);
      break;
    }
    case TypeKind::enum_:
    case TypeKind::bitmap: {
      j["wire_bits"] = t.wire_bits;
      Json values = Json::array();
      for (const EnumValue& v : t.values) {
        Json jv;
        jv["name"] = v.name;
        jv["value"] = int_json(v.value);
        values.push_back(std::move(jv));
      }
      j["values"] = std::move(values);
      break;
    }
    case TypeKind::pipe:
    case TypeKind::alias:
      j["target"] = t.target ? to_json(*t.target) : Json(nullptr);
      break;
  }
  return j;
}

Json shape_json(const Shape& s, const Operation& op) {
  Json j = Json::array();
  for (size_t i : s.params) j.push_back(op.params.at(i).name);
  if (s.has_result) j.push_back(op.result->name);
  return j;
}

Json operation_json(const Operation& op) {
  Json j;
  j["name"] = op.name;
  j["opnum"] = op.opnum;
  Json flags = Json::array();
  const std::pair<const char*, bool> fl[] = {{"idempotent", op.idempotent}, {"broadcast", op.broadcast},
                                             {"maybe", op.maybe},           {"callback", op.callback},
                                             {"async", op.async},           {"noopnum", op.noopnum}};
  for (auto [name, on] : fl)
    if (on) flags.push_back(name);
  if (!flags.empty()) j["flags"] = std::move(flags);
  j["result"] = op.result ? to_json(*op.result) : Json(nullptr);
  Json params = Json::array();
  for (const Param& p : op.params) {
    Json jp = to_json(p.element);
    jp["direction"] = to_string(p.direction);
    if (p.is_binding_handle) jp["binding_handle"] = true;
    params.push_back(std::move(jp));
  }
  j["params"] = std::move(params);
  j["in"] = shape_json(op.in, op);
  j["out"] = shape_json(op.out, op);
  return j;
}

Json interface_json(const Interface& itf, const Program& p) {
  Json j;
  j["name"] = itf.name;
  if (!itf.base.empty()) j["base"] = itf.base;
  j["file"] = itf.file < p.files.size() ? p.files[itf.file].path : "";
  j["uuid"] = itf.uuid ? Json(*itf.uuid) : Json(nullptr);
  j["version"] = std::to_string(itf.version.major) + "." + std::to_string(itf.version.minor);
  j["pointer_default"] = to_string(itf.pointer_default);
  j["pointer_default_explicit"] = itf.pointer_default_explicit;
  j["endpoints"] = itf.endpoints;
  j["exceptions"] = itf.exceptions;
  if (!itf.helpstring.empty()) j["helpstring"] = itf.helpstring;
  if (itf.object) j["object"] = true;
  if (itf.local) j["local"] = true;
  j["strict_context_handle"] = itf.strict_context_handle;
  j["uses_context_handles"] = itf.uses_context_handles;
  j["first_opnum"] = itf.first_opnum;
  Json types = Json::array();
  for (const Type* t : itf.types) types.push_back(t->name);
  j["types"] = std::move(types);
  Json constants = Json::array();
  for (const Constant* c : itf.constants) constants.push_back(c->name);
  j["constants"] = std::move(constants);
  Json ops = Json::array();
  for (const Operation& op : itf.operations) ops.push_back(operation_json(op));
  j["operations"] = std::move(ops);
  return j;
}

}  // namespace

Json to_json(const Expr& e) {
  if (e.is_constant) return int_json(e.value);
  Json j;
  j["expr"] = render(e);
  Json refs = Json::array();
  collect_refs(e, refs);
  j["refs"] = std::move(refs);
  return j;
}

Json to_json(const Element& e) {
  Json j;
  j["name"] = e.name;
  Json levels = Json::array();
  for (const Level& l : e.levels) levels.push_back(level_json(l));
  j["levels"] = std::move(levels);
  return j;
}

Json to_json(const Program& p) {
  Json j;
  Json files = Json::array();
  for (const File& f : p.files) {
    Json jf;
    jf["path"] = f.path;
    jf["root"] = f.is_root;
    Json imports = Json::array();
    for (size_t i : f.imports) imports.push_back(i < p.files.size() ? p.files[i].path : "?");
    jf["imports"] = std::move(imports);
    Json types = Json::array();
    for (const Type* t : f.types) types.push_back(t->name);
    jf["types"] = std::move(types);
    Json constants = Json::array();
    for (const Constant* c : f.constants) constants.push_back(c->name);
    jf["constants"] = std::move(constants);
    files.push_back(std::move(jf));
  }
  j["files"] = std::move(files);
  Json constants = Json::array();
  for (const auto& c : p.constants) {
    Json jc;
    jc["name"] = c->name;
    jc["type"] = c->type;
    if (!c->scope.empty()) jc["interface"] = c->scope;
    jc["value"] = c->is_string ? Json(c->text) : int_json(c->value);
    constants.push_back(std::move(jc));
  }
  j["constants"] = std::move(constants);
  Json types = Json::array();
  for (const auto& t : p.types) types.push_back(type_json(*t, p));
  j["types"] = std::move(types);
  Json interfaces = Json::array();
  for (const Interface& itf : p.interfaces) interfaces.push_back(interface_json(itf, p));
  j["interfaces"] = std::move(interfaces);
  return j;
}

}  // namespace nca::idl::ir
