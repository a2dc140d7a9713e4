#include "describe.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <set>

#include "backends/cpp_model.h"
#include "idl_loader.h"
#include "interp/runtime_builtins.h"

namespace ncacall {

namespace {

std::string expr_text(const ir::Expr& e) {
  using K = ir::Expr::Kind;
  switch (e.kind) {
    case K::integer: return ir::to_string(e.value);
    case K::string: return "\"" + e.text + "\"";
    case K::field:
    case K::param:
    case K::constant: return e.name;
    case K::unary: return e.op + expr_text(e.operands.at(0));
    case K::binary: return expr_text(e.operands.at(0)) + e.op + expr_text(e.operands.at(1));
    case K::ternary:
      return expr_text(e.operands.at(0)) + "?" + expr_text(e.operands.at(1)) + ":" + expr_text(e.operands.at(2));
    case K::member: return expr_text(e.operands.at(0)) + e.op + e.name;
    case K::call: return e.name + "(" + (e.operands.empty() ? "" : expr_text(e.operands[0])) + ")";
    case K::opaque: return e.text;
  }
  return "?";
}

std::string type_name(const ir::DataLevel& d) {
  if (!d.alias.empty()) return d.alias;
  if (d.builtin) return d.builtin->name;
  return d.type ? d.type->name : "?";
}

// "[size_is(len)] uint8 data[]" for an element.
std::string element_text(const ir::Element& e, std::string attrs = {}) {
  auto add = [&](const std::string& a) { attrs += (attrs.empty() ? "" : ",") + a; };
  std::string stars, suffix;
  bool after_pointer = false;  // `[size_is(n)] T *p` and `[string] T *s` are written as pointers
  for (const auto& l : e.levels) {
    bool was_after_pointer = after_pointer;
    after_pointer = std::holds_alternative<ir::PointerLevel>(l);
    if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
      stars += "*";
      if (!p->from_default) add(ir::to_string(p->kind));
    } else if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) {
      if (a->is_string) add("string");
      if (a->size_is) add("size_is(" + expr_text(*a->size_is) + ")");
      if (a->max_is) add("max_is(" + expr_text(*a->max_is) + ")");
      if (a->length_is) add("length_is(" + expr_text(*a->length_is) + ")");
      if (a->first_is) add("first_is(" + expr_text(*a->first_is) + ")");
      if (a->last_is) add("last_is(" + expr_text(*a->last_is) + ")");
      if (a->fixed_count) suffix += "[" + std::to_string(*a->fixed_count) + "]";
      else if (!was_after_pointer) suffix += "[]";
    } else if (const auto* s = std::get_if<ir::SwitchLevel>(&l)) {
      add("switch_is(" + expr_text(s->switch_is) + ")");
    } else if (const auto* s = std::get_if<ir::SubcontextLevel>(&l)) {
      add("subcontext(" + std::to_string(s->header_size) + ")");
    } else if (const auto* d = std::get_if<ir::DataLevel>(&l)) {
      if (d->charset != ir::Charset::none) add(std::string("charset(") + ir::to_string(d->charset) + ")");
      if (d->value) add("value(" + expr_text(*d->value) + ")");
      if (d->range) add("range(" + ir::to_string(d->range->first) + "," + ir::to_string(d->range->second) + ")");
      if (d->context_handle != ir::ContextHandleKind::none) add("context_handle");
    }
  }
  std::string head = attrs.empty() ? "" : "[" + attrs + "] ";
  return head + type_name(e.data()) + " " + stars + e.name + suffix;
}

// A JSON value of the shape the element takes: what to edit for a call.
nlohmann::json example(const std::vector<ir::Level>& L, size_t i, std::set<const ir::Type*>& open);

nlohmann::json example_type(const ir::Type& t, std::set<const ir::Type*>& open) {
  using nlohmann::json;
  if (t.name == "GUID" && t.kind == ir::TypeKind::struct_) return "00000000-0000-0000-0000-000000000000";
  if (t.name == "policy_handle" && t.kind == ir::TypeKind::struct_)
    return json{{"handle_type", 0}, {"uuid", "00000000-0000-0000-0000-000000000000"}};
  if (!open.insert(&t).second) return nullptr;  // recursive: stop at a null pointer's place
  json j;
  switch (t.kind) {
    case ir::TypeKind::struct_:
      j = json::object();
      for (const auto& m : t.members)
        if (!(m.levels.size() == 1 && m.data().value)) j[m.name] = example(m.levels, 0, open);
      break;
    case ir::TypeKind::union_:
      j = json::object();
      if (t.encapsulated) j[t.discriminant] = t.arms.empty() || t.arms[0].cases.empty() ? 0 : int64_t(t.arms[0].cases[0]);
      if (!t.arms.empty())
        j[nca::idl::backends::arm_name(t.arms[0])] =
            t.arms[0].element ? example(t.arms[0].element->levels, 0, open) : json(nullptr);
      break;
    case ir::TypeKind::enum_:
    case ir::TypeKind::bitmap:
      j = t.values.empty() ? json(0) : json(t.values[0].name);
      break;
    case ir::TypeKind::alias:
      j = t.target ? example(t.target->levels, 0, open) : json(nullptr);
      break;
    case ir::TypeKind::pipe:
      j = json::array();
      break;
  }
  open.erase(&t);
  return j;
}

nlohmann::json example(const std::vector<ir::Level>& L, size_t i, std::set<const ir::Type*>& open) {
  using nlohmann::json;
  const ir::Level& l = L[i];
  if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
    (void)p;
    return example(L, i + 1, open);
  }
  if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) {
    const auto* d = std::get_if<ir::DataLevel>(&L.at(i + 1));
    if (d && d->builtin && (a->is_string || d->charset != ir::Charset::none)) return "";
    json arr = json::array();
    if (a->fixed_count)
      for (uint64_t k = 0; k < *a->fixed_count && k < 16; ++k) arr.push_back(example(L, i + 1, open));
    return arr;
  }
  if (!std::holds_alternative<ir::DataLevel>(l)) return example(L, i + 1, open);
  const auto& d = std::get<ir::DataLevel>(l);
  if (d.context_handle != ir::ContextHandleKind::none)
    return json{{"handle_type", 0}, {"uuid", "00000000-0000-0000-0000-000000000000"}};
  if (d.type) return example_type(*d.type, open);
  using W = ir::WireKind;
  switch (d.builtin->wire) {
    case W::bool8:
    case W::bool32: return false;
    case W::float32:
    case W::float64: return 0.0;
    case W::ntstatus: return "NT_STATUS_OK";
    case W::werror: return "WERR_OK";
    case W::hresult: return "S_OK";
    case W::blob: return "";
    case W::ipv4: return "0.0.0.0";
    case W::ipv6: return "::";
    case W::pidl_string: return "";
    case W::context_handle: return json{{"handle_type", 0}, {"uuid", "00000000-0000-0000-0000-000000000000"}};
    case W::runtime: return nca::interp::detail::runtime_builtin_example(*d.builtin);
    default: return 0;
  }
}

void describe_type(const ir::Type& t, std::ostream& out) {
  switch (t.kind) {
    case ir::TypeKind::struct_:
      out << "struct " << t.name << " {\n";
      for (const auto& m : t.members) out << "  " << element_text(m) << ";\n";
      out << "}\n";
      break;
    case ir::TypeKind::union_:
      out << "union " << t.name;
      if (t.encapsulated) out << " switch (" << (t.switch_type ? t.switch_type->name : "uint32") << " " << t.discriminant << ")";
      else out << " (switch_type " << (t.switch_enum ? t.switch_enum->name : t.switch_type ? t.switch_type->name : "uint32") << ")";
      out << " {\n";
      for (const auto& a : t.arms) {
        out << "  ";
        if (a.is_default) out << "[default] ";
        for (ir::Int c : a.cases) out << "[case(" << ir::to_string(c) << ")] ";
        out << (a.element ? element_text(*a.element) : std::string("(empty)")) << ";\n";
      }
      out << "}\n";
      break;
    case ir::TypeKind::enum_:
    case ir::TypeKind::bitmap:
      out << (t.kind == ir::TypeKind::enum_ ? "enum " : "bitmap ") << t.name << " (" << t.wire_bits << " bits) {\n";
      for (const auto& v : t.values) out << "  " << v.name << " = " << ir::to_string(v.value) << "\n";
      out << "}\n";
      break;
    case ir::TypeKind::alias:
      out << "typedef " << (t.target ? element_text(*t.target) : std::string("?")) << "\n";
      break;
    case ir::TypeKind::pipe:
      out << "pipe " << t.name << " of " << (t.target ? element_text(*t.target) : std::string("?")) << "\n";
      break;
  }
  std::set<const ir::Type*> open;
  out << "JSON: " << example_type(t, open).dump() << "\n";
}

std::string direction_attr(const ir::Param& p) {
  switch (p.direction) {
    case ir::Direction::in: return "in";
    case ir::Direction::out: return "out";
    case ir::Direction::in_out: return "in,out";
  }
  return "";
}

}  // namespace

std::string signature(const ir::Operation& op) {
  std::string s = (op.result ? type_name(op.result->data()) : std::string("void")) + " " + op.name + "(";
  for (size_t k = 0; k < op.params.size(); ++k) {
    if (k) s += ", ";
    s += element_text(op.params[k].element, direction_attr(op.params[k]));
  }
  return s + ")";
}

void list_interfaces(const ir::Program& p, std::ostream& out) {
  for (const auto& i : p.interfaces) {
    if (!p.files.at(i.file).is_root || i.operations.empty()) continue;
    out << "interface " << i.name << " " << i.uuid.value_or("(no uuid)") << " v" << i.version.major << "."
        << i.version.minor << "\n";
    for (const auto& op : i.operations) out << "  " << op.opnum << "  " << signature(op) << "\n";
  }
}

bool describe(const ir::Program& p, const std::string& name, std::ostream& out) {
  if (const ir::Type* t = find_type(p, name)) {
    describe_type(*t, out);
    return true;
  }
  const ir::Interface* iface = nullptr;
  if (const ir::Operation* op = find_operation(p, name, &iface)) {
    out << "opnum " << op->opnum << " of " << iface->name << ": " << signature(*op) << "\n";
    std::set<const ir::Type*> open;
    nlohmann::json in = nlohmann::json::object(), outj = nlohmann::json::object();
    for (size_t pi : op->in.params)
      if (!op->params[pi].is_binding_handle) in[op->params[pi].name] = example(op->params[pi].element.levels, 0, open);
    for (size_t pi : op->out.params) outj[op->params[pi].name] = example(op->params[pi].element.levels, 0, open);
    if (op->result) outj["result"] = example(op->result->levels, 0, open);
    out << "in:  " << in.dump() << "\nout: " << outj.dump() << "\n";
    return true;
  }
  if (const ir::Interface* i = find_interface(p, name)) {
    out << "interface " << i->name << " " << i->uuid.value_or("(no uuid)") << " v" << i->version.major << "."
        << i->version.minor << "\n";
    for (const auto& op : i->operations) out << "  " << op.opnum << "  " << signature(op) << "\n";
    return true;
  }
  return false;
}

}  // namespace ncacall
