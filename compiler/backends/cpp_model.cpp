#include "backends/cpp_model.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace nca::idl::backends {

namespace {

const std::set<std::string_view>& keywords() {
  static const std::set<std::string_view> k = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
      "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
      "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
      "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
      "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
      "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
      "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
      "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
      // Names generated code itself uses in the scopes members live in.
      "in", "out", "result", "unix", "linux", "errno", "stdin", "stdout", "stderr"};
  return k;
}

}  // namespace

bool is_external_name(std::string_view t) {
  if (t.empty() || std::isdigit(static_cast<unsigned char>(t[0]))) return false;
  return std::all_of(t.begin(), t.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

namespace {
void collect_externals(const ir::Expr& e, std::vector<std::string>& out) {
  if (e.kind == ir::Expr::Kind::opaque && is_external_name(e.text) &&
      std::find(out.begin(), out.end(), e.text) == out.end())
    out.push_back(e.text);
  for (const auto& o : e.operands) collect_externals(o, out);
}
void collect_externals(const ir::Element& el, std::vector<std::string>& out) {
  for (const auto& l : el.levels) {
    if (const auto* sw = std::get_if<ir::SwitchLevel>(&l)) collect_externals(sw->switch_is, out);
    if (const auto* a = std::get_if<ir::ArrayLevel>(&l))
      for (const auto* x : {&a->size_is, &a->max_is, &a->min_is, &a->length_is, &a->first_is, &a->last_is})
        if (*x) collect_externals(**x, out);
  }
}
}  // namespace

std::vector<std::string> external_names(const std::vector<const ir::Type*>& types) {
  std::vector<std::string> out;
  for (const auto* t : types) {
    for (const auto& m : t->members) collect_externals(m, out);
    for (const auto& a : t->arms)
      if (a.element) collect_externals(*a.element, out);
  }
  return out;
}

std::string cpp_ident(std::string_view name) {
  std::string s(name);
  if (keywords().count(name)) s += '_';
  return s;
}

std::string arm_name(const ir::UnionArm& arm) {
  if (arm.element && !arm.element->name.empty()) return cpp_ident(arm.element->name);
  if (arm.is_default || arm.cases.empty()) return "default_";
  ir::Int v = arm.cases.front();
  return v < 0 ? "case_m" + ir::to_string(-v) : "case_" + ir::to_string(v);
}

CppModel::CppModel(const ir::Program& program, const GeneratorOptions& options)
    : program_(program), options_(options) {
  auto it = options.params.find("namespace");
  if (it != options.params.end() && !it->second.empty()) prefix_ = it->second;
}

std::string CppModel::stem(size_t file) const {
  std::string p = program_.files.at(file).path;
  p = p.substr(p.find_last_of('/') + 1);
  return p.substr(0, p.rfind('.'));
}

std::vector<size_t> CppModel::root_files() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < program_.files.size(); ++i)
    if (program_.files[i].is_root) out.push_back(i);
  return out;
}

std::vector<const ir::Type*> CppModel::file_types(size_t file) const {
  std::vector<const ir::Type*> out;
  for (const auto& t : program_.types)
    if (t->file == file) out.push_back(t.get());
  return out;
}

std::string CppModel::ns_of(const ir::Type& t) const {
  return t.scope.empty() ? stem(t.file) : t.scope;
}

std::string CppModel::full_ns(const std::string& ns) const {
  return prefix_.empty() ? "::" + ns : "::" + prefix_ + "::" + ns;
}

std::string CppModel::qualified(const ir::Type& t) const {
  switch (well_known(t)) {
    case WellKnown::guid: return "nca::ndr::Guid";
    case WellKnown::policy_handle: return "nca::ndr::ContextHandle";
    case WellKnown::none: break;
  }
  return full_ns(ns_of(t)) + "::" + cpp_ident(t.cpp_name);
}

WellKnown CppModel::well_known(const ir::Type& t) const {
  // Only the layouts of misc.idl: a struct of that name with another layout is generated as is.
  if (t.kind != ir::TypeKind::struct_) return WellKnown::none;
  if (t.name == "GUID" && t.members.size() == 5) return WellKnown::guid;
  if (t.name == "policy_handle" && t.members.size() == 2) return WellKnown::policy_handle;
  return WellKnown::none;
}

const ir::Element* CppModel::alias_target(const ir::Type& t) const {
  if (t.kind != ir::TypeKind::alias || !t.target) return nullptr;
  return &*t.target;
}

std::string CppModel::builtin_type(const ir::Builtin& b) const {
  if (b.wire == ir::WireKind::blob) return "nca::ndr::DataBlob";
  if (b.wire == ir::WireKind::context_handle) return "nca::ndr::ContextHandle";
  if (b.wire == ir::WireKind::ipv4 || b.wire == ir::WireKind::ipv6) return "std::string";
  if (b.kind == ir::ScalarKind::handle) return "void*";
  std::string c = b.cpp_name;
  if (c.rfind("int", 0) == 0 || c.rfind("uint", 0) == 0) return "std::" + c;
  return c;
}

bool CppModel::is_string_array(const std::vector<ir::Level>& levels, size_t i) const {
  const auto* a = std::get_if<ir::ArrayLevel>(&levels[i]);
  if (!a || i + 1 >= levels.size()) return false;
  const auto* d = std::get_if<ir::DataLevel>(&levels[i + 1]);
  if (!d || !d->builtin) return false;
  if (a->is_string) return true;
  return d->charset != ir::Charset::none;
}

std::string CppModel::cpp_type(const std::vector<ir::Level>& levels, size_t i) const {
  const ir::Level& l = levels[i];
  if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
    std::string inner = cpp_type(levels, i + 1);
    if (p->kind == ir::PointerKind::ref || is_interface_pointer(levels, i)) return inner;  // nullable itself
    if (p->kind == ir::PointerKind::full) return "nca::ndr::Full<" + inner + ">";
    return "nca::ndr::Unique<" + inner + ">";
  }
  if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) {
    if (is_string_array(levels, i)) {
      const auto& d = std::get<ir::DataLevel>(levels[i + 1]);
      if (d.builtin->wire == ir::WireKind::char16 && d.charset == ir::Charset::none)
        return "std::u16string";
      return "std::string";
    }
    std::string inner = cpp_type(levels, i + 1);
    if (a->kind == ir::ArrayKind::fixed && a->fixed_count && !a->size_is)
      return "std::array<" + inner + ", " + std::to_string(*a->fixed_count) + ">";
    return "std::vector<" + inner + ">";
  }
  if (std::holds_alternative<ir::SwitchLevel>(l) || std::holds_alternative<ir::SubcontextLevel>(l))
    return cpp_type(levels, i + 1);
  const auto& d = std::get<ir::DataLevel>(l);
  if (d.context_handle != ir::ContextHandleKind::none) return "nca::ndr::ContextHandle";
  if (d.builtin) return builtin_type(*d.builtin);
  if (const ir::Element* target = alias_target(*d.type)) {
    (void)target;
    return qualified(*d.type);
  }
  if (d.type->kind == ir::TypeKind::bitmap) return qualified(*d.type);
  return qualified(*d.type);
}

bool CppModel::is_interface_pointer(const std::vector<ir::Level>& levels, size_t i) const {
  if (!std::holds_alternative<ir::PointerLevel>(levels[i]) || i + 1 >= levels.size()) return false;
  const auto* d = std::get_if<ir::DataLevel>(&levels[i + 1]);
  return d && d->builtin && d->builtin->kind == ir::ScalarKind::interface_ptr;
}

bool CppModel::needs_buffers(const std::vector<ir::Level>& levels, size_t i) const {
  const ir::Level& l = levels[i];
  if (const auto* p = std::get_if<ir::PointerLevel>(&l)) return !p->top_level || p->kind != ir::PointerKind::ref;
  if (std::holds_alternative<ir::ArrayLevel>(l)) {
    if (is_string_array(levels, i)) return false;
    return needs_buffers(levels, i + 1);
  }
  if (std::holds_alternative<ir::SubcontextLevel>(l)) return false;  // pushed whole, in scalars
  if (std::holds_alternative<ir::SwitchLevel>(l)) return needs_buffers(levels, i + 1);
  const auto& d = std::get<ir::DataLevel>(l);
  if (d.builtin || !d.type) return false;
  return needs_buffers(*d.type);
}

bool CppModel::needs_buffers(const ir::Type& t) const {
  auto it = buffers_memo_.find(&t);
  if (it != buffers_memo_.end()) return it->second != 0;  // -1 (in progress) counts as yes
  buffers_memo_[&t] = -1;
  bool r = false;
  switch (t.kind) {
    case ir::TypeKind::struct_:
      if (well_known(t) != WellKnown::none) break;
      for (const auto& m : t.members) r = r || needs_buffers(m.levels, 0);
      break;
    case ir::TypeKind::union_:
      for (const auto& a : t.arms)
        if (a.element) r = r || needs_buffers(a.element->levels, 0);
      break;
    case ir::TypeKind::alias:
      if (t.target) r = needs_buffers(t.target->levels, 0);
      break;
    default:
      break;
  }
  buffers_memo_[&t] = r ? 1 : 0;
  return r;
}

uint64_t CppModel::min_wire(const std::vector<ir::Level>& levels, size_t i, bool ndr64) const {
  const ir::Level& l = levels[i];
  if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
    if (p->kind == ir::PointerKind::relative || p->kind == ir::PointerKind::relative_short) return 2;
    return (p->top_level && p->kind == ir::PointerKind::ref) ? min_wire(levels, i + 1, ndr64)
                                                             : (ndr64 ? 8 : 4);
  }
  if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) {
    if (a->kind == ir::ArrayKind::fixed && a->fixed_count && !is_string_array(levels, i))
      return *a->fixed_count * min_wire(levels, i + 1, ndr64);
    return 0;
  }
  if (std::holds_alternative<ir::SwitchLevel>(l)) return 0;
  if (const auto* s = std::get_if<ir::SubcontextLevel>(&l)) return s->header_size;
  const auto& d = std::get<ir::DataLevel>(l);
  if (d.builtin) return ndr64 ? d.builtin->size64 : d.builtin->size20;
  return min_wire(*d.type, ndr64);
}

uint64_t CppModel::min_wire(const ir::Type& t, bool ndr64) const {
  auto fixed = ndr64 ? t.layout.size64 : t.layout.size20;
  if (fixed) return *fixed;
  switch (t.kind) {
    case ir::TypeKind::struct_: {
      uint64_t n = 0;
      for (const auto& m : t.members) n += min_wire(m.levels, 0, ndr64);
      return n;
    }
    case ir::TypeKind::enum_:
    case ir::TypeKind::bitmap:
      return t.wire_bits / 8;
    default:
      return 0;
  }
}

const ir::Builtin* CppModel::bulk_scalar(const std::vector<ir::Level>& levels, size_t i) const {
  if (i + 1 != levels.size()) return nullptr;
  const auto* d = std::get_if<ir::DataLevel>(&levels[i]);
  if (!d || !d->builtin || d->value || d->range || !d->flags.empty()) return nullptr;
  const ir::Builtin& b = *d->builtin;
  if (b.kind != ir::ScalarKind::integer && b.kind != ir::ScalarKind::floating) return nullptr;
  if (b.size20 != b.size64 || b.size20 != b.align20 || b.align20 != b.align64) return nullptr;
  return &b;
}

}  // namespace nca::idl::backends
