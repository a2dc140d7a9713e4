// Semantic analysis, declarations side: symbols and imports, types, constants, interfaces and
// operations. Elements (levels, reference expressions) are built in elements.cpp.
//
// The analysis runs in two passes so that declaration order does not matter where IDL allows
// forward use (a struct member pointing at a struct declared later): pass 1 declares every name
// and creates an empty IR node for it; pass 2 builds each node, building the aliases it expands on
// demand; layouts come last, from the finished IR alone (layout.cpp).
#include "sema/analyze.h"

#include "ir/ir_json.h"

#include <algorithm>
#include <cctype>

#include "sema/analyzer.h"
#include "sema/const_eval.h"
#include "sema/layout.h"

namespace nca::idl {

std::shared_ptr<const ir::Program> analyze(const ParsedProgram& program, DiagnosticEngine& diags,
                                           const SemaOptions& options) {
  sema::detail::Analyzer a(program, diags, options);
  return a.run();
}

namespace sema::detail {

namespace {

constexpr int kMaxBuildDepth = 512;

std::string basename_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

Diagnostic make_error(SourceRange r, std::string msg, std::string id) {
  return Diagnostic{Severity::error, r, std::move(msg), std::move(id), {}};
}

Diagnostic make_note(SourceRange r, std::string msg) {
  return Diagnostic{Severity::note, r, std::move(msg), "", {}};
}

std::optional<ir::PointerKind> pointer_kind_named(const std::string& s) {
  if (s == "ref") return ir::PointerKind::ref;
  if (s == "unique") return ir::PointerKind::unique;
  if (s == "ptr" || s == "full") return ir::PointerKind::full;
  return std::nullopt;
}

// `uuid(...)` as written, quoted or not, to canonical lowercase 8-4-4-4-12; nullopt if malformed.
std::optional<std::string> canonical_uuid(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  if (s.size() != 36) return std::nullopt;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    s[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  }
  return s;
}

std::optional<ir::Version> parse_version(const std::string& s) {
  ir::Version v;
  size_t dot = s.find('.');
  std::string major = s.substr(0, dot), minor = dot == std::string::npos ? "0" : s.substr(dot + 1);
  auto num = [](const std::string& t) -> std::optional<uint16_t> {
    if (t.empty() || t.size() > 5) return std::nullopt;
    uint32_t n = 0;
    for (char c : t) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<uint32_t>(c - '0');
    }
    if (n > 0xFFFF) return std::nullopt;
    return static_cast<uint16_t>(n);
  };
  auto a = num(major), b = num(minor);
  if (!a || !b) return std::nullopt;
  v.major = *a;
  v.minor = *b;
  return v;
}

// A name usable in C++: IDL names that are C++ keywords (`class`, `default`, ...) get a '_'.
std::string cpp_friendly(const std::string& name) {
  static const char* const kKeywords[] = {
      "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char",
      "class", "concept", "const", "constexpr", "continue", "default", "delete", "do", "double",
      "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
      "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "nullptr",
      "operator", "or", "private", "protected", "public", "register", "requires", "return",
      "short", "signed", "sizeof", "static", "struct", "switch", "template", "this", "throw",
      "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using", "virtual",
      "void", "volatile", "while", "xor"};
  for (const char* k : kKeywords)
    if (name == k) return name + "_";
  return name;
}

// The text of an attribute argument that names something (`charset(UTF16)`, `endpoint("x")`).
std::string arg_text(const ast::AttrArg& a) {
  if (a.expr && (a.expr->kind == ast::ExprKind::identifier || a.expr->kind == ast::ExprKind::string))
    return a.expr->text;
  if (a.type) return a.type->name;
  return a.text;
}

}  // namespace

Analyzer::Analyzer(const ParsedProgram& program, DiagnosticEngine& diags, const SemaOptions& options)
    : program_(program), diags_(diags), options_(options), out_(std::make_unique<ir::Program>()) {
  // visible_[f][g]: the files whose names file f may use: itself and what it imports, transitively.
  const size_t n = program_.files.size();
  visible_.assign(n, std::vector<bool>(n, false));
  for (size_t f = 0; f < n; ++f) {
    std::vector<size_t> stack{f};
    while (!stack.empty()) {
      size_t g = stack.back();
      stack.pop_back();
      if (g >= n || visible_[f][g]) continue;
      visible_[f][g] = true;
      for (size_t i : program_.files[g].imports) stack.push_back(i);
    }
  }
}

std::shared_ptr<const ir::Program> Analyzer::run() {
  for (size_t f = 0; f < program_.files.size(); ++f) {
    const LoadedFile& lf = program_.files[f];
    ir::File file;
    file.path = lf.ast ? basename_of(lf.ast->path) : std::string();
    file.is_root = lf.is_root;
    file.imports = lf.imports;
    out_->files.push_back(std::move(file));
  }
  for (size_t f = 0; f < program_.files.size(); ++f) declare_file(f);
  for (const auto& [name, where] : reexports_)
    if (!symbols_.count(name) && !tags_.count(name) && !ir::find_builtin(name))
      diags_.error(where, "typedef re-exports '" + name + "', which is declared nowhere",
                   "unknown-type");
  // Entries may be added while building (inline pipes): index, not iterators.
  for (size_t i = 0; i < type_entries_.size(); ++i) ensure_built(*type_entries_[i]);
  for (auto& c : const_entries_) build_constant(*c);
  for (const DuplicateFlag& d : duplicate_flags_) {
    const auto& a = d.first.type->type->values;
    const auto& b = d.second.type->type->values;
    if (d.first.index < a.size() && d.second.index < b.size() &&
        a[d.first.index].value == b[d.second.index].value)
      continue;
    Diagnostic diag = make_error(d.second.range, "redefinition of '" + d.name + "' with another value",
                                 "redefinition");
    diag.notes.push_back(make_note(d.first.range, "previously defined here"));
    diags_.report(std::move(diag));
  }
  for (const DuplicateConstant& d : duplicate_constants_) {
    const ir::Constant& a = *d.first->constant;
    const ir::Constant& b = *d.second->constant;
    if (d.first->ok && d.second->ok && a.is_string == b.is_string && a.value == b.value &&
        a.text == b.text)
      continue;
    Diagnostic diag = make_error(d.where, "redefinition of '" + b.name + "' with another value",
                                 "redefinition");
    diag.notes.push_back(make_note(a.range, "previously defined here"));
    diags_.report(std::move(diag));
  }
  build_interfaces();
  compute_layouts(types_, diags_);

  auto program = std::shared_ptr<ir::Program>(out_.release());
  for (ir::Type* t : types_) program->types.emplace_back(t);
  types_.clear();
  for (auto& c : const_entries_) program->constants.emplace_back(c->constant);
  return program;
}

// ---------------------------------------------------------------------------------------------
// Pass 1: declarations

namespace {
// `typedef bitmap X X;`, `typedef [v1_enum] enum X X;`, `typedef struct X X;`: the typedef names
// the type it refers to. pidl uses it to re-export a type of an imported file; it declares
// nothing new (the attributes on it are the original's).
bool is_reexport(const ast::TypeSpec& spec, const ast::Declarator& dc) {
  using K = ast::TypeSpec::Kind;
  const bool ref = spec.kind == K::struct_ref || spec.kind == K::union_ref ||
                   spec.kind == K::enum_ref || spec.kind == K::bitmap_ref || spec.kind == K::named;
  return ref && spec.name == dc.name && dc.pointer_depth() == 0 && dc.dims.empty() &&
         !dc.function_pointer;
}
// `typedef [nopull,nopush] struct {...} dom_sid;` where the runtime implements dom_sid by hand
// (ir::ScalarKind::runtime): the IDL body is not the wire form, so the builtin stands for it.
bool runtime_supplied(const ast::TypedefDecl& td) {
  auto has = [&](std::string_view a) {
    return has_attr(td.attrs, a) || (td.type->decl && has_attr(td.type->decl->attrs, a));
  };
  if (!has("nopull") || !has("nopush")) return false;
  for (const ast::Declarator& dc : td.declarators) {
    const ir::Builtin* b = ir::find_builtin(dc.name);
    if (b && b->kind == ir::ScalarKind::runtime && dc.pointer_depth() == 0 && dc.dims.empty())
      return true;
  }
  return false;
}
}  // namespace

bool Analyzer::add_symbol(const std::string& name, Symbol sym) {
  auto [it, inserted] = symbols_.try_emplace(name, sym);
  if (inserted) return true;
  // An interface and a type of the same name: the type keeps the name, the interface stays
  // reachable as a base (pidl's separate namespaces).
  // The same constant declared twice (svcctl.idl): fine when both have the same value, which is
  // checked once constants are evaluated.
  if (sym.kind == Symbol::Kind::constant && it->second.kind == Symbol::Kind::constant) {
    duplicate_constants_.push_back({it->second.constant, sym.constant, sym.range});
    return false;
  }
  // The same flag name in two bitmaps (wkssvc.idl): pidl makes each a C macro, and an identical
  // redefinition is fine; checked once values are known.
  if (sym.kind == Symbol::Kind::enumerator && it->second.kind == Symbol::Kind::enumerator &&
      sym.type && it->second.type && sym.type->type->kind == ir::TypeKind::bitmap &&
      it->second.type->type->kind == ir::TypeKind::bitmap) {
    duplicate_flags_.push_back({it->second, sym, name});
    return false;
  }
  const bool new_itf = sym.kind == Symbol::Kind::interface;
  const bool old_itf = it->second.kind == Symbol::Kind::interface;
  if (new_itf != old_itf && (new_itf ? it->second : sym).kind == Symbol::Kind::type) {
    if (new_itf) {
      shadowed_interfaces_.try_emplace(name, sym);
    } else {
      shadowed_interfaces_.try_emplace(name, it->second);
      it->second = sym;
    }
    return true;
  }
  Diagnostic d = make_error(sym.range, "redefinition of '" + name + "'", "redefinition");
  d.notes.push_back(make_note(it->second.range, "previously defined here"));
  diags_.report(std::move(d));
  return false;
}

TypeEntry* Analyzer::new_type(ir::TypeKind kind, const std::string& name, SourceRange range,
                              size_t file, const std::string& scope) {
  auto t = new ir::Type();
  t->kind = kind;
  t->name = name;
  t->cpp_name = cpp_friendly(name);
  t->range = range;
  t->file = file;
  t->scope = scope;
  types_.push_back(t);
  auto e = std::make_unique<TypeEntry>();
  e->type = t;
  e->file = file;
  e->scope = scope;
  type_entries_.push_back(std::move(e));
  TypeEntry* entry = type_entries_.back().get();
  entry_of_[t] = entry;
  if (scope.empty()) out_->files[file].types.push_back(t);
  else scope_types_[scope].push_back(t);
  return entry;
}

void Analyzer::declare_file(size_t f) {
  const LoadedFile& lf = program_.files[f];
  if (!lf.ast) return;
  current_file_ = f;
  declare_decls(lf.ast->decls, f, "");
}

void Analyzer::declare_decls(const std::vector<ast::DeclPtr>& decls, size_t file,
                             const std::string& scope, bool in_module) {
  for (const ast::DeclPtr& dp : decls) {
    if (!dp) continue;
    const ast::Decl& d = *dp;
    switch (d.kind) {
      case ast::DeclKind::import:
      case ast::DeclKind::importlib:
      case ast::DeclKind::cpp_quote:
      case ast::DeclKind::pragma:
        break;
      case ast::DeclKind::other: {
        const auto& td = static_cast<const ast::TextDecl&>(d);
        diags_.warning(d.range, "'" + td.keyword + "' declaration ignored", "ignored-declaration");
        break;
      }
      case ast::DeclKind::constant: {
        const auto& cd = static_cast<const ast::ConstDecl&>(d);
        auto c = std::make_unique<ConstEntry>();
        c->decl = &cd;
        c->constant = new ir::Constant();
        c->constant->name = cd.declarator.name;
        c->constant->type = cd.type ? cd.type->name : "";
        if (cd.declarator.pointer_depth() != 0) c->constant->type += " *";
        c->constant->range = cd.declarator.name_range;
        c->constant->file = file;
        c->constant->scope = scope;
        Symbol sym{Symbol::Kind::constant, cd.declarator.name_range, file, nullptr, c.get(), 0};
        if (add_symbol(cd.declarator.name, sym)) {
          if (scope.empty()) out_->files[file].constants.push_back(c->constant);
          else scope_constants_[scope].push_back(c->constant);
        }
        const_entries_.push_back(std::move(c));
        break;
      }
      case ast::DeclKind::typedef_: {
        const auto& td = static_cast<const ast::TypedefDecl&>(d);
        if (!td.type) break;
        if (runtime_supplied(td)) break;
        TypeEntry* inline_entry = nullptr;
        if (td.type->kind == ast::TypeSpec::Kind::inline_decl && td.type->decl) {
          // The first plain declarator names an anonymous aggregate and gives its C++ name.
          std::string direct;
          for (const ast::Declarator& dc : td.declarators)
            if (dc.pointer_depth() == 0 && dc.dims.empty()) {
              direct = dc.name;
              break;
            }
          inline_entry = declare_type_decl(*td.type->decl, file, scope,
                                           direct.empty() && !td.declarators.empty()
                                               ? td.declarators[0].name + "_t"
                                               : direct,
                                           &td.attrs);
          if (inline_entry && !direct.empty()) {
            inline_entry->type->cpp_name = cpp_friendly(direct);
            // An anonymous aggregate is known by its typedef name: point messages there.
            if (td.type->decl->name.empty())
              for (const ast::Declarator& dc : td.declarators)
                if (dc.name == direct) inline_entry->type->range = dc.name_range;
          }
        }
        bool named_inline = false;
        for (const ast::Declarator& dc : td.declarators) {
          if (dc.name.empty()) continue;
          if (is_reexport(*td.type, dc)) {
            reexports_.emplace_back(dc.name, dc.name_range);
            continue;
          }
          bool direct = dc.pointer_depth() == 0 && dc.dims.empty();
          if (inline_entry && direct && !named_inline) {
            named_inline = true;
            Symbol sym{Symbol::Kind::type, dc.name_range, file, inline_entry, nullptr, 0};
            add_symbol(dc.name, sym);
            continue;
          }
          bool pipe = td.type->kind == ast::TypeSpec::Kind::pipe;
          TypeEntry* e = new_type(pipe ? ir::TypeKind::pipe : ir::TypeKind::alias, dc.name,
                                  dc.name_range, file, scope);
          e->spec = td.type.get();
          e->declarator = &dc;
          e->attrs.push_back(&td.attrs);
          Symbol sym{Symbol::Kind::type, dc.name_range, file, e, nullptr, 0};
          add_symbol(dc.name, sym);
        }
        break;
      }
      case ast::DeclKind::type: {
        const auto& ts = static_cast<const ast::TypeDeclStmt&>(d);
        if (ts.decl) declare_type_decl(*ts.decl, file, scope, "", nullptr);
        break;
      }
      case ast::DeclKind::interface: {
        const auto& sd = static_cast<const ast::ScopeDecl&>(d);
        if (sd.forward) {
          forward_interfaces_.insert(sd.name);
          break;
        }
        InterfaceDecl idecl;
        idecl.decl = &sd;
        idecl.file = file;
        interface_decls_.push_back(idecl);
        Symbol sym{Symbol::Kind::interface, sd.name_range, file, nullptr, nullptr,
                   interface_decls_.size() - 1};
        add_symbol(sd.name, sym);
        // The pointer_default of the interface applies to the types declared inside it.
        ir::PointerKind pd = options_.default_pointer_default;
        if (const ast::Attribute* a = find_attr(sd.attrs, "pointer_default"); a && !a->args.empty())
          if (auto k = pointer_kind_named(arg_text(a->args[0]))) pd = *k;
        scope_pointer_default_[sd.name] = pd;
        declare_decls(sd.body, file, sd.name);
        break;
      }
      case ast::DeclKind::library:
      case ast::DeclKind::module: {
        const auto& sd = static_cast<const ast::ScopeDecl&>(d);
        check_attributes(sd.attrs, kOther, diags_);
        declare_decls(sd.body, file, scope, d.kind == ast::DeclKind::module);
        break;
      }
      case ast::DeclKind::coclass: break;  // type-library glue: nothing to marshal
      case ast::DeclKind::dispinterface: {
        const auto& sd = static_cast<const ast::ScopeDecl&>(d);
        diags_.warning(sd.name_range, "dispinterface '" + sd.name + "' is not marshalled (ignored)",
                       "ignored-declaration");
        break;
      }
      case ast::DeclKind::operation: {
        // A module's functions are DLL entry points of a type library: nothing to marshal.
        if (!in_module && (scope.empty() || !scope_pointer_default_.count(scope))) {
          const auto& op = static_cast<const ast::OperationDecl&>(d);
          diags_.error(op.name_range, "operation '" + op.name + "' is outside an interface",
                       "operation-outside-interface");
        }
        break;
      }
    }
  }
}

TypeEntry* Analyzer::declare_type_decl(const ast::TypeDecl& decl, size_t file,
                                       const std::string& scope, const std::string& fallback_name,
                                       const ast::AttributeList* typedef_attrs) {
  if (auto it = by_decl_.find(&decl); it != by_decl_.end()) return it->second;
  if (decl.forward) {
    // `struct foo;` declares nothing to build; the definition, if any, comes elsewhere.
    return nullptr;
  }
  ir::TypeKind kind = ir::TypeKind::struct_;
  switch (decl.kind) {
    case ast::TypeDecl::Kind::struct_: kind = ir::TypeKind::struct_; break;
    case ast::TypeDecl::Kind::union_: kind = ir::TypeKind::union_; break;
    case ast::TypeDecl::Kind::enum_: kind = ir::TypeKind::enum_; break;
    case ast::TypeDecl::Kind::bitmap: kind = ir::TypeKind::bitmap; break;
  }
  std::string name = !decl.name.empty() ? decl.name : fallback_name;
  if (name.empty()) name = "anonymous_" + std::to_string(type_entries_.size());
  SourceRange where = decl.name.empty() ? decl.range : decl.name_range;
  TypeEntry* e = new_type(kind, name, where, file, scope);
  e->decl = &decl;
  e->type->encapsulated = decl.encapsulated;
  if (typedef_attrs) e->attrs.push_back(typedef_attrs);
  e->attrs.push_back(&decl.attrs);
  by_decl_[&decl] = e;
  if (!decl.name.empty()) {
    auto [it, inserted] = tags_.try_emplace(decl.name, e);
    if (!inserted) {
      Diagnostic d = make_error(decl.name_range, "redefinition of '" + decl.name + "'",
                                "redefinition");
      d.notes.push_back(make_note(it->second->type->range, "previously defined here"));
      diags_.report(std::move(d));
    }
  }
  // Enumerators are names of their own, usable in any constant expression.
  if (kind == ir::TypeKind::enum_ || kind == ir::TypeKind::bitmap) {
    for (size_t i = 0; i < decl.enumerators.size(); ++i) {
      const ast::EnumMember& m = decl.enumerators[i];
      Symbol sym{Symbol::Kind::enumerator, m.range, file, e, nullptr, i};
      add_symbol(m.name, sym);
    }
  }
  for (const ast::Field& f : decl.fields) declare_field_inline(f, file, scope, name);
  for (const ast::UnionArm& arm : decl.arms)
    if (arm.field) declare_field_inline(*arm.field, file, scope, name);
  return e;
}

void Analyzer::declare_field_inline(const ast::Field& field, size_t file, const std::string& scope,
                                    const std::string& owner) {
  if (!field.type || field.type->kind != ast::TypeSpec::Kind::inline_decl || !field.type->decl)
    return;
  std::string member = field.declarators.empty() ? "member" : field.declarators[0].name;
  declare_type_decl(*field.type->decl, file, scope, owner + "_" + member, nullptr);
}

// ---------------------------------------------------------------------------------------------
// Names

const Symbol* Analyzer::lookup(const std::string& name, SourceRange where, bool report_invisible) {
  auto it = symbols_.find(name);
  if (it == symbols_.end()) return nullptr;
  const Symbol& sym = it->second;
  if (report_invisible && current_file_ < visible_.size() && sym.file < visible_.size() &&
      !visible_[current_file_][sym.file]) {
    Diagnostic d = make_error(where, "'" + name + "' is declared in '" + out_->files[sym.file].path +
                                         "', which is not imported here", "not-imported");
    d.notes.push_back(make_note(sym.range, "declared here"));
    diags_.report(std::move(d));
  }
  return &sym;
}

std::string Analyzer::suggest(const std::string& name) {
  // Suggestions are a courtesy: bounded so that thousands of unknown names stay cheap.
  if (++suggestions_ > 64 || name.size() > 64) return {};
  std::string best;
  size_t best_d = std::max<size_t>(1, name.size() / 3) + 1;
  for (const auto& [n, sym] : symbols_) {
    if (sym.kind != Symbol::Kind::type) continue;
    if (n.size() + best_d <= name.size() || name.size() + best_d <= n.size()) continue;
    size_t d = edit_distance(name, n);
    if (d < best_d || (d == best_d && n < best)) {
      best_d = d;
      best = n;
    }
  }
  return best;
}

ir::PointerKind Analyzer::pointer_default_for(const std::string& scope) const {
  auto it = scope_pointer_default_.find(scope);
  return it == scope_pointer_default_.end() ? options_.default_pointer_default : it->second;
}

const ast::Attribute* Analyzer::type_attr(const TypeEntry& e, std::string_view name) const {
  for (const ast::AttributeList* l : e.attrs)
    if (const ast::Attribute* a = find_attr(*l, name)) return a;
  return nullptr;
}

void Analyzer::check_type_attributes(const TypeEntry& e, Place place) {
  for (const ast::AttributeList* l : e.attrs) {
    check_attributes(*l, place, diags_);
    // These put another type than the one declared on the wire, through user code; no generator
    // does that yet, and marshalling the presented type instead would be wrong on the wire.
    for (const ast::Attribute& a : *l)
      if (a.name == "transmit_as" || a.name == "wire_marshal" || a.name == "represent_as" ||
          a.name == "user_marshal")
        diags_.error(a.name_range, "'" + a.name + "' is not supported yet", "unsupported");
  }
}

std::optional<Analyzer::Resolved> Analyzer::resolve_named(const std::string& name,
                                                          SourceRange where, bool report) {
  if (const Symbol* sym = lookup(name, where, report)) {
    if (sym->kind == Symbol::Kind::type) return Resolved{nullptr, sym->type};
    // A COM interface used as a type: `IUnknown *` is an interface pointer.
    if (sym->kind == Symbol::Kind::interface) return Resolved{&ir::builtin_interface_pointer(), nullptr};
    if (report) {
      Diagnostic d = make_error(where, "'" + name + "' is not a type", "not-a-type");
      d.notes.push_back(make_note(sym->range, "declared here"));
      diags_.report(std::move(d));
    }
    return std::nullopt;
  }
  if (forward_interfaces_.count(name)) return Resolved{&ir::builtin_interface_pointer(), nullptr};
  if (const ir::Builtin* b = ir::find_builtin(name)) return Resolved{b, nullptr};
  if (auto it = tags_.find(name); it != tags_.end()) return Resolved{nullptr, it->second};
  if (report) {
    Diagnostic d = make_error(where, "unknown type '" + name + "'", "unknown-type");
    std::string s = suggest(name);
    if (!s.empty()) d.notes.push_back(make_note(symbols_.at(s).range, "did you mean '" + s + "'?"));
    diags_.report(std::move(d));
  }
  return std::nullopt;
}

std::optional<Analyzer::Resolved> Analyzer::resolve_type(const ast::TypeSpec& spec, bool report) {
  using K = ast::TypeSpec::Kind;
  switch (spec.kind) {
    case K::named: return resolve_named(spec.name, spec.range, report);
    case K::struct_ref:
    case K::union_ref:
    case K::enum_ref:
    case K::bitmap_ref: {
      if (auto it = tags_.find(spec.name); it != tags_.end()) return Resolved{nullptr, it->second};
      if (const Symbol* sym = lookup(spec.name, spec.range, report);
          sym && sym->kind == Symbol::Kind::type)
        return Resolved{nullptr, sym->type};
      const char* kw = spec.kind == K::struct_ref  ? "struct"
                       : spec.kind == K::union_ref ? "union"
                       : spec.kind == K::enum_ref  ? "enum"
                                                   : "bitmap";
      if (report)
        diags_.error(spec.range, std::string("unknown type '") + kw + " " + spec.name + "'",
                     "unknown-type");
      return std::nullopt;
    }
    case K::inline_decl: {
      if (!spec.decl) return std::nullopt;
      TypeEntry* e = declare_type_decl(*spec.decl, current_file_, "", "", nullptr);
      if (!e) return std::nullopt;
      return Resolved{nullptr, e};
    }
    case K::pipe: {
      if (auto it = by_spec_.find(&spec); it != by_spec_.end()) return Resolved{nullptr, it->second};
      std::string name = "pipe_" + (spec.element ? spec.element->name : std::string("anonymous"));
      TypeEntry* e = new_type(ir::TypeKind::pipe, name, spec.range, current_file_, "");
      e->spec = &spec;
      by_spec_[&spec] = e;
      return Resolved{nullptr, e};
    }
  }
  return std::nullopt;
}

std::optional<ir::Int> Analyzer::eval_const(const ast::Expr& e) {
  auto names = [this](const std::string& name, SourceRange where) -> NameValue {
    using S = NameValue::Status;
    const Symbol* sym = lookup(name, where, true);
    if (!sym) {
      if (name == "TRUE" || name == "true") return {S::value, 1};
      if (name == "FALSE" || name == "false" || name == "NULL") return {S::value, 0};
      if (auto v = ir::libndr_constant(name)) return {S::value, *v};
      return {S::unknown, 0};
    }
    switch (sym->kind) {
      case Symbol::Kind::constant: {
        ConstEntry& c = *sym->constant;
        if (c.state == BuildState::building) {
          diags_.error(where, "constant '" + name + "' depends on itself", "constant-cycle");
          return {S::error_reported, 0};
        }
        build_constant(c);
        if (!c.ok) return {S::error_reported, 0};
        if (c.constant->is_string) return {S::not_constant, 0};
        return {S::value, c.constant->value};
      }
      case Symbol::Kind::enumerator: {
        TypeEntry& en = *sym->type;
        ensure_built(en);
        if (sym->index < en.type->values.size()) return {S::value, en.type->values[sym->index].value};
        diags_.error(where, "enumerator '" + name + "' is used before its value is known",
                     "constant-cycle");
        return {S::error_reported, 0};
      }
      default: return {S::not_constant, 0};
    }
  };
  auto sizes = [this](const ast::TypeSpec& spec) -> std::optional<uint64_t> {
    auto r = resolve_type(spec, false);
    if (r && r->builtin && r->builtin->size20 != 0) return r->builtin->size20;
    // C's fixed-width names, as Samba's IDL writes them in sizes (`sizeof(uint16_t)`).
    if (!r && spec.kind == ast::TypeSpec::Kind::named) {
      static constexpr std::pair<std::string_view, uint64_t> kCTypes[] = {
          {"int8_t", 1}, {"uint8_t", 1}, {"int16_t", 2}, {"uint16_t", 2},
          {"int32_t", 4}, {"uint32_t", 4}, {"int64_t", 8}, {"uint64_t", 8}};
      for (const auto& [name, size] : kCTypes)
        if (spec.name == name) return size;
    }
    return std::nullopt;
  };
  ConstEvaluator ev(diags_, names, sizes);
  return ev.evaluate(e);
}

// ---------------------------------------------------------------------------------------------
// Pass 2: types and constants

bool Analyzer::enter(SourceRange where) {
  if (build_depth_ < kMaxBuildDepth) {
    ++build_depth_;
    return true;
  }
  if (!depth_reported_)
    diags_.error(where, "declarations depend on each other too deeply (more than " +
                            std::to_string(kMaxBuildDepth) + " levels)", "nesting-too-deep");
  depth_reported_ = true;
  return false;
}

void Analyzer::ensure_built(TypeEntry& e) {
  if (e.state != BuildState::pending) return;
  if (!enter(e.type->range)) return;
  e.state = BuildState::building;
  size_t saved = current_file_;
  current_file_ = e.file;
  switch (e.type->kind) {
    case ir::TypeKind::struct_: build_struct(e); break;
    case ir::TypeKind::union_: build_union(e); break;
    case ir::TypeKind::enum_:
    case ir::TypeKind::bitmap: build_enum(e); break;
    case ir::TypeKind::pipe:
    case ir::TypeKind::alias: build_alias(e); break;
  }
  current_file_ = saved;
  e.state = BuildState::done;
  --build_depth_;
}

void Analyzer::read_type_flags(TypeEntry& e) {
  e.type->is_public = type_attr(e, "public") != nullptr;
  e.type->relative_base = type_attr(e, "relative_base") != nullptr;
  for (const ast::AttributeList* l : e.attrs)
    for (const ast::Attribute& a : *l)
      if (a.name == "flag")
        for (const ast::AttrArg& arg : a.args)
          if (arg.expr) read_flag_names(*arg.expr, e.type->flags, diags_);
}

void Analyzer::build_struct(TypeEntry& e) {
  check_type_attributes(e, kStruct);
  read_type_flags(e);
  const ast::TypeDecl& decl = *e.decl;
  std::vector<Sibling> siblings;
  for (const ast::Field& f : decl.fields)
    for (const ast::Declarator& d : f.declarators) siblings.push_back({d.name, f.type.get(), &d});
  ElementScope scope{kField, &siblings, pointer_default_for(e.scope), false, e.type->name};
  std::unordered_map<std::string, SourceRange> seen;
  for (const ast::Field& f : decl.fields) {
    if (!f.type) continue;
    for (const ast::Declarator& d : f.declarators) {
      auto [it, inserted] = seen.try_emplace(d.name, d.name_range);
      if (!inserted) {
        Diagnostic diag = make_error(d.name_range, "duplicate member '" + d.name + "'",
                                     "duplicate-member");
        diag.notes.push_back(make_note(it->second, "previously declared here"));
        diags_.report(std::move(diag));
        continue;
      }
      e.type->members.push_back(build_element({&f.attrs}, *f.type, &d, d.name, d.range, scope));
    }
  }
  // The last member's conformant array has its conformance hoisted to the struct's start.
  if (!e.type->members.empty()) {
    auto& levels = e.type->members.back().levels;
    if (auto* a = std::get_if<ir::ArrayLevel>(&levels.front());
        a && (a->kind == ir::ArrayKind::conformant || a->kind == ir::ArrayKind::conformant_varying))
      a->surrounding = true;
  }
}

std::optional<Analyzer::Resolved> Analyzer::switch_type_of(const ast::AttrArg& arg) {
  if (arg.type) return resolve_type(*arg.type);
  if (arg.expr && arg.expr->kind == ast::ExprKind::identifier)
    return resolve_named(arg.expr->text, arg.range, true);
  return std::nullopt;
}

bool Analyzer::set_switch_type(const std::optional<Resolved>& r, SourceRange where,
                               const ir::Builtin*& builtin, const ir::Type*& enum_type) {
  if (!r) return false;
  if (r->entry && r->entry->type->kind == ir::TypeKind::alias) {
    ensure_built(*r->entry);
    if (r->entry->slots.empty() && r->entry->data) {
      builtin = r->entry->data->builtin;
      enum_type = r->entry->data->type;
    }
  } else if (r->entry) {
    enum_type = r->entry->type;
  } else {
    builtin = r->builtin;
  }
  bool ok = (builtin && (builtin->kind == ir::ScalarKind::integer ||
                         builtin->kind == ir::ScalarKind::character ||
                         builtin->kind == ir::ScalarKind::boolean)) ||
            (enum_type && enum_type->kind == ir::TypeKind::enum_);
  if (!ok) {
    diags_.error(where, "switch type must be an integer or enum type", "invalid-switch-type");
    builtin = nullptr;
    enum_type = nullptr;
  }
  return ok;
}

void Analyzer::build_union(TypeEntry& e) {
  check_type_attributes(e, kUnion);
  read_type_flags(e);
  const ast::TypeDecl& decl = *e.decl;
  ir::Type& t = *e.type;
  t.encapsulated = decl.encapsulated;
  t.nodiscriminant = type_attr(e, "nodiscriminant") != nullptr;
  if (decl.encapsulated) {
    t.discriminant = decl.switch_name;
    if (decl.switch_type)
      set_switch_type(resolve_type(*decl.switch_type), decl.switch_type->range, t.switch_type,
                      t.switch_enum);
  } else if (const ast::Attribute* a = type_attr(e, "switch_type"); a && a->args.size() == 1) {
    set_switch_type(switch_type_of(a->args[0]), a->args[0].range, t.switch_type, t.switch_enum);
  }
  ElementScope scope{kArm, nullptr, pointer_default_for(e.scope), false, t.name};
  std::map<ir::Int, SourceRange> cases;
  const ast::UnionArm* default_arm = nullptr;
  for (const ast::UnionArm& arm : decl.arms) {
    ir::UnionArm out;
    std::vector<const ast::Expr*> labels;
    for (const ast::ExprPtr& l : arm.case_labels)
      if (l) labels.push_back(l.get());
    bool is_default = arm.is_default;
    for (const ast::Attribute& a : arm.attrs) {
      if (a.name == "case")
        for (const ast::AttrArg& arg : a.args)
          if (arg.expr) labels.push_back(arg.expr.get());
      if (a.name == "default") is_default = true;
    }
    if (is_default) {
      if (default_arm) {
        Diagnostic d = make_error(arm.range, "union '" + t.name + "' has more than one default arm",
                                  "duplicate-default");
        d.notes.push_back(make_note(default_arm->range, "previous default arm here"));
        diags_.report(std::move(d));
      }
      default_arm = &arm;
      out.is_default = true;
    } else if (labels.empty()) {
      diags_.error(arm.range, "union arm needs a 'case' or 'default' label", "missing-case");
    }
    for (const ast::Expr* l : labels) {
      auto v = eval_const(*l);
      if (!v) continue;
      auto dup = cases.find(*v);
      if (dup != cases.end()) {
        Diagnostic d = make_error(l->range, "duplicate case value " + ir::to_string(*v) +
                                                " in union '" + t.name + "'", "duplicate-case");
        d.notes.push_back(make_note(dup->second, "previous case here"));
        diags_.report(std::move(d));
        continue;
      }
      cases.emplace(*v, l->range);
      out.cases.push_back(*v);
    }
    if (arm.field && arm.field->type && !arm.field->declarators.empty()) {
      const ast::Field& f = *arm.field;
      if (f.declarators.size() > 1)
        diags_.error(f.declarators[1].range, "a union arm holds one member", "union-arm-members");
      const ast::Declarator& d = f.declarators[0];
      out.element = build_element({&arm.attrs, &f.attrs}, *f.type, &d, d.name, d.range, scope);
    } else {
      check_attributes(arm.attrs, kArm, diags_);
    }
    // pidl lets several arms hold a member of the same name (misc.idl's winreg_Data: REG_SZ and
    // REG_EXPAND_SZ both hold `string`). Of the same wire form, they are one arm with more cases;
    // of different forms (REG_DWORD_BIG_ENDIAN's `value` is big-endian) the later arm's C++
    // member gets the case's name as a suffix, with a warning saying so.
    if (out.element) {
      auto same = std::find_if(t.arms.begin(), t.arms.end(), [&](const ir::UnionArm& a) {
        return a.element && a.element->name == out.element->name;
      });
      if (same != t.arms.end()) {
        if (ir::to_json(*same->element)["levels"] == ir::to_json(*out.element)["levels"] &&
            !same->is_default && !out.is_default) {
          same->cases.insert(same->cases.end(), out.cases.begin(), out.cases.end());
          continue;
        }
        std::string suffix = out.is_default ? "default"
                             : !labels.empty() && labels[0]->kind == ast::ExprKind::identifier
                                 ? labels[0]->text
                                 : out.cases.empty() ? "arm" : ir::to_string(out.cases[0]);
        std::string renamed = out.element->name + "_" + suffix;
        Diagnostic d;
        d.severity = Severity::warning;
        d.range = out.element->range;
        d.message = "union '" + t.name + "' has another arm named '" + out.element->name +
                    "' with another wire form: this one is '" + renamed + "' in C++";
        d.id = "duplicate-member";
        d.notes.push_back(make_note(same->element->range, "the other arm"));
        diags_.report(std::move(d));
        out.element->name = renamed;
      }
    }
    t.arms.push_back(std::move(out));
  }
}

void Analyzer::build_enum(TypeEntry& e) {
  ir::Type& t = *e.type;
  bool bitmap = t.kind == ir::TypeKind::bitmap;
  check_type_attributes(e, bitmap ? kBitmap : kEnum);
  read_type_flags(e);
  t.wire_bits = bitmap ? 32 : 16;
  static constexpr std::pair<const char*, uint32_t> kWidths[] = {
      {"v1_enum", 32},     {"enum8bit", 8},     {"enum16bit", 16},   {"enum32bit", 32},
      {"bitmap8bit", 8},   {"bitmap16bit", 16}, {"bitmap32bit", 32}, {"bitmap64bit", 64}};
  bool explicit_width = false;
  for (auto [name, bits] : kWidths)
    if (type_attr(e, name)) t.wire_bits = bits, explicit_width = true;
  // Only an enum without a width attribute widens in NDR64 (MS-RPCE 2.2.5.2; pidl's uint1632).
  // pidl maps [enum16bit] to uint16, which Samba pushes as 2 octets in NDR64 too (checked with
  // Samba's bindings: spoolss_NotifyOptionType's [enum16bit] type is followed directly by u1).
  t.widens_in_ndr64 = !bitmap && !explicit_width;
  const ir::Int max = (static_cast<ir::Int>(1) << t.wire_bits) - 1;
  const ir::Int min = bitmap ? 0 : -(static_cast<ir::Int>(1) << (t.wire_bits - 1));
  ir::Int next = 0;
  for (const ast::EnumMember& m : e.decl->enumerators) {
    ir::Int v = next;
    if (m.value) {
      auto ev = eval_const(*m.value);
      if (ev) v = *ev;
    } else if (bitmap) {
      diags_.error(m.range, "bitmap flag '" + m.name + "' needs a value", "bitmap-value");
    }
    // pidl's plain enum is a uint1632: a value beyond 16 bits travels in NDR64 only (clusapi.idl);
    // NDR20 push fails on it at run time (Push::enum16), so this is a warning.
    if (t.widens_in_ndr64 && t.wire_bits == 16 && v > max && v <= 0xffffffff) {
      diags_.warning(m.value ? m.value->range : m.range,
                     "value " + ir::to_string(v) + " of '" + m.name + "' does not fit in 16 bits: "
                         "only NDR64 can send it", "enum-value-range");
    } else if (v < min || v > max) {
      diags_.error(m.value ? m.value->range : m.range,
                   "value " + ir::to_string(v) + " of '" + m.name + "' does not fit in " +
                       std::to_string(t.wire_bits) + " bits", "enum-value-range");
      v = 0;
    }
    t.values.push_back({m.name, v});
    next = v + 1;
  }
}

void Analyzer::build_constant(ConstEntry& c) {
  if (c.state != BuildState::pending) return;
  if (!enter(c.constant->range)) return;
  c.state = BuildState::building;
  size_t saved = current_file_;
  current_file_ = c.constant->file;
  const ast::ConstDecl& d = *c.decl;
  if (d.value && (d.value->kind == ast::ExprKind::string)) {
    c.constant->is_string = true;
    c.constant->text = d.value->text;
    c.ok = true;
  } else if (d.value) {
    if (auto v = eval_const(*d.value)) {
      c.ok = true;
      ir::Int value = *v;
      // The declared type bounds the value: out of range is an error, a change of sign (the
      // common `const unsigned long ALL = ~0`) a warning.
      const ir::Builtin* b = d.type ? ir::find_builtin(d.type->name) : nullptr;
      if (b && (b->kind == ir::ScalarKind::integer || b->kind == ir::ScalarKind::character ||
                b->kind == ir::ScalarKind::status) && b->size20 > 0 && b->size20 <= 8) {
        const int bits = static_cast<int>(b->size20 * 8);
        const ir::Int umax = (static_cast<ir::Int>(1) << bits) - 1;
        const ir::Int smin = -(static_cast<ir::Int>(1) << (bits - 1));
        const ir::Int smax = (static_cast<ir::Int>(1) << (bits - 1)) - 1;
        if (value < smin || value > umax) {
          diags_.error(d.value->range, "value " + ir::to_string(value) + " does not fit in '" +
                                           d.type->name + "'", "constant-range");
          c.ok = false;
        } else if (!b->is_signed && value < 0) {
          ir::Int wrapped = value + umax + 1;
          diags_.warning(d.value->range, "implicit conversion changes value from " +
                                             ir::to_string(value) + " to " +
                                             ir::to_string(wrapped), "constant-conversion");
          value = wrapped;
        } else if (b->is_signed && value > smax) {
          ir::Int wrapped = value - umax - 1;
          diags_.warning(d.value->range, "implicit conversion changes value from " +
                                             ir::to_string(value) + " to " +
                                             ir::to_string(wrapped), "constant-conversion");
          value = wrapped;
        }
      }
      c.constant->value = value;
    }
  }
  current_file_ = saved;
  c.state = BuildState::done;
  --build_depth_;
}

// ---------------------------------------------------------------------------------------------
// Interfaces and operations

void Analyzer::build_interfaces() {
  for (size_t i = 0; i < interface_decls_.size(); ++i) build_interface(i);
}

void Analyzer::build_interface(size_t index) {
  InterfaceDecl& idecl = interface_decls_[index];
  if (idecl.state == BuildState::done) return;
  const ast::ScopeDecl& sd = *idecl.decl;
  if (idecl.state == BuildState::building) {
    diags_.error(sd.base_range, "interface '" + sd.name + "' inherits from itself",
                 "inheritance-cycle");
    return;
  }
  if (!enter(sd.name_range)) return;
  idecl.state = BuildState::building;
  size_t saved = current_file_;
  current_file_ = idecl.file;
  check_attributes(sd.attrs, kInterface, diags_);

  ir::Interface itf;
  itf.name = sd.name;
  itf.base = sd.base;
  itf.range = sd.name_range;
  itf.file = idecl.file;
  itf.local = has_attr(sd.attrs, "local");
  itf.object = has_attr(sd.attrs, "object");
  itf.strict_context_handle = has_attr(sd.attrs, "strict_context_handle");
  for (const ast::Attribute& a : sd.attrs) {
    if (a.args.empty()) continue;
    const ast::AttrArg& arg = a.args[0];
    if (a.name == "uuid") {
      std::string text = arg.kind == ast::AttrArg::Kind::uuid ? arg.text : arg_text(arg);
      const bool has_operations =
          std::any_of(sd.body.begin(), sd.body.end(), [](const ast::DeclPtr& d) {
            return d && d->kind == ast::DeclKind::operation;
          });
      if (auto u = canonical_uuid(text)) itf.uuid = *u;
      // pidl never reads the uuid of an interface without operations (cab.idl, preg.idl hold
      // file formats behind 32-digit uuids): nothing goes on the wire under it.
      else if (!has_operations)
        diags_.warning(arg.range, "invalid uuid '" + text + "' ignored (the interface has no "
                                  "operations)", "invalid-uuid");
      else diags_.error(arg.range, "invalid uuid '" + text + "'", "invalid-uuid");
    } else if (a.name == "version") {
      std::string text = arg.expr && arg.kind == ast::AttrArg::Kind::expr ? arg.expr->text
                                                                          : arg.text;
      if (auto v = parse_version(text)) itf.version = *v;
      else diags_.error(arg.range, "invalid version '" + text + "'", "invalid-version");
    } else if (a.name == "pointer_default") {
      std::string text = arg_text(arg);
      if (auto k = pointer_kind_named(text)) {
        itf.pointer_default = *k;
        itf.pointer_default_explicit = true;
      } else {
        diags_.error(arg.range, "invalid pointer_default '" + text +
                                    "' (expected 'ref', 'unique' or 'ptr')",
                     "invalid-pointer-default");
      }
    } else if (a.name == "endpoint") {
      for (const ast::AttrArg& ep : a.args) itf.endpoints.push_back(arg_text(ep));
    } else if (a.name == "exceptions") {
      for (const ast::AttrArg& ex : a.args) itf.exceptions.push_back(arg_text(ex));
    } else if (a.name == "helpstring") {
      itf.helpstring = arg_text(arg);
    }
  }
  if (!itf.pointer_default_explicit) itf.pointer_default = options_.default_pointer_default;
  // Only operations need the uuid (it names them on the wire). An interface of types and
  // constants alone is pidl's way to hold shared declarations (misc.idl), which pidl accepts
  // silently, as MIDL does declarations outside any interface.
  const bool declares_operations =
      std::any_of(sd.body.begin(), sd.body.end(),
                  [](const ast::DeclPtr& d) { return d && d->kind == ast::DeclKind::operation; });
  if (!itf.uuid && !itf.local && !has_attr(sd.attrs, "uuid") && declares_operations)
    diags_.warning(sd.name_range, "interface '" + sd.name + "' has no uuid", "missing-uuid");

  if (!sd.base.empty()) {
    const Symbol* base = lookup(sd.base, sd.base_range, true);
    if (auto it = shadowed_interfaces_.find(sd.base); it != shadowed_interfaces_.end())
      base = &it->second;
    if (base && base->kind == Symbol::Kind::interface) {
      build_interface(base->index);
      itf.first_opnum = interface_decls_[base->index].op_count;
    } else if (!base && (sd.base == "IUnknown" || sd.base == "IDispatch")) {
      // COM IDL usually imports these from the SDK; without them the opnums still follow.
      itf.first_opnum = sd.base == "IUnknown" ? 3 : 7;
      diags_.warning(sd.base_range, "base interface '" + sd.base + "' is not declared; assuming " +
                                        std::to_string(itf.first_opnum) + " operations",
                     "undeclared-base");
    } else {
      diags_.error(sd.base_range, "unknown interface '" + sd.base + "'", "unknown-interface");
    }
  }

  uint32_t opnum = itf.first_opnum;
  for (const ast::DeclPtr& d : sd.body) {
    if (!d || d->kind != ast::DeclKind::operation) continue;
    const auto& op = static_cast<const ast::OperationDecl&>(*d);
    bool noopnum = has_attr(op.attrs, "noopnum");
    build_operation(op, itf, opnum);
    if (!noopnum) ++opnum;
  }
  if (auto it = scope_types_.find(sd.name); it != scope_types_.end()) itf.types = it->second;
  if (auto it = scope_constants_.find(sd.name); it != scope_constants_.end())
    itf.constants = it->second;
  idecl.op_count = opnum;
  idecl.ir_index = out_->interfaces.size();
  out_->files[idecl.file].interfaces.push_back(idecl.ir_index);
  out_->interfaces.push_back(std::move(itf));
  idecl.state = BuildState::done;
  current_file_ = saved;
  --build_depth_;
}

void Analyzer::build_operation(const ast::OperationDecl& op, ir::Interface& itf, uint32_t opnum) {
  check_attributes(op.attrs, kOperation, diags_);
  ir::Operation o;
  o.name = op.name;
  o.opnum = opnum;
  o.range = op.name_range;
  o.idempotent = has_attr(op.attrs, "idempotent");
  o.broadcast = has_attr(op.attrs, "broadcast");
  o.maybe = has_attr(op.attrs, "maybe");
  o.callback = has_attr(op.attrs, "callback");
  o.async = has_attr(op.attrs, "async");
  o.noopnum = has_attr(op.attrs, "noopnum");
  const bool local = itf.local || has_attr(op.attrs, "local");

  std::vector<Sibling> siblings;
  for (size_t i = 0; i < op.params.size(); ++i) {
    const ast::Param& p = op.params[i];
    std::string name = p.declarator.name.empty() ? "arg" + std::to_string(i) : p.declarator.name;
    siblings.push_back({name, p.type.get(), &p.declarator});
  }
  ElementScope scope{kParam, &siblings, itf.pointer_default, true, itf.name + "_" + op.name};
  std::unordered_map<std::string, SourceRange> seen;
  for (size_t i = 0; i < op.params.size(); ++i) {
    const ast::Param& p = op.params[i];
    if (!p.type) continue;
    ir::Param out;
    out.name = siblings[i].name;
    SourceRange where = p.declarator.name.empty() ? p.range : p.declarator.name_range;
    if (auto [it, inserted] = seen.try_emplace(out.name, where); !inserted) {
      Diagnostic d = make_error(where, "duplicate parameter '" + out.name + "'",
                                "duplicate-member");
      d.notes.push_back(make_note(it->second, "previously declared here"));
      diags_.report(std::move(d));
    }
    const bool in = has_attr(p.attrs, "in"), is_out = has_attr(p.attrs, "out");
    if (!in && !is_out && !local)
      diags_.error(where, "parameter '" + out.name + "' needs a direction: 'in', 'out' or both",
                   "missing-direction");
    out.direction = in && is_out ? ir::Direction::in_out
                    : is_out     ? ir::Direction::out
                                 : ir::Direction::in;
    out.element = build_element({&p.attrs}, *p.type, &p.declarator, out.name, p.range, scope);
    const ir::DataLevel& data = out.element.data();
    const bool bare = out.element.levels.size() == 1;
    if (bare && data.builtin && data.builtin->kind == ir::ScalarKind::void_)
      diags_.error(where, "parameter '" + out.name + "' has type 'void'", "void-parameter");
    if (bare && data.builtin && data.builtin->kind == ir::ScalarKind::handle) {
      out.is_binding_handle = true;
      if (is_out)
        diags_.error(where, "binding handle '" + out.name + "' cannot be an [out] parameter",
                     "out-binding-handle");
    }
    if (data.context_handle != ir::ContextHandleKind::none) itf.uses_context_handles = true;
    if (p.declarator.function_pointer && !local)
      diags_.error(where, "function pointer '" + out.name + "' cannot be marshalled",
                   "not-marshallable");
    if (is_out && !local) {
      const ir::Level& first = out.element.levels.front();
      const auto* ptr = std::get_if<ir::PointerLevel>(&first);
      // pidl accepts both forms below (MIDL refuses them): the value itself travels in the
      // response (rap.idl, eventlog6.idl), and an [out, unique] pointer carries a referent id
      // in the response only (dcom.idl). Warnings, so MIDL users still hear about them.
      if (!ptr && !std::holds_alternative<ir::ArrayLevel>(first)) {
        diags_.warning(where, "[out] parameter '" + out.name + "' is not a pointer or an array "
                              "(pidl's form: its value travels in the response)",
                       "out-not-pointer");
      } else if (ptr && !in && ptr->kind != ir::PointerKind::ref) {
        diags_.warning(where, "[out] parameter '" + out.name + "' is a '" +
                                  std::string(ir::to_string(ptr->kind)) +
                                  "' pointer (pidl's form; MIDL wants 'ref')",
                       "out-pointer-not-ref");
      }
    }
    o.params.push_back(std::move(out));
  }
  if (op.varargs && !local)
    diags_.warning(op.name_range, "'...' in '" + op.name + "' cannot be marshalled (ignored)",
                   "not-marshallable");

  if (op.return_type) {
    auto r = resolve_type(*op.return_type, false);
    bool is_void = r && r->builtin && r->builtin->kind == ir::ScalarKind::void_ &&
                   op.return_pointer_const.empty();
    if (!is_void) {
      // Named `result` unless a parameter already is.
      std::string name = seen.count("result") ? "return_value" : "result";
      ast::Declarator d;
      d.pointer_const = op.return_pointer_const;
      d.name = name;
      ElementScope result_scope = scope;
      result_scope.top_level_ref = false;
      o.result = build_element({}, *op.return_type, &d, name, op.return_type->range, result_scope);
    }
  }

  for (size_t i = 0; i < o.params.size(); ++i) {
    const ir::Param& p = o.params[i];
    if (p.is_binding_handle) continue;
    if (p.direction != ir::Direction::out) o.in.params.push_back(i);
    if (p.direction != ir::Direction::in) o.out.params.push_back(i);
  }
  o.out.has_result = o.result.has_value();
  itf.operations.push_back(std::move(o));
}

}  // namespace sema::detail
}  // namespace nca::idl
