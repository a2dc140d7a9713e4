#include "frontend/summary.h"

#include <ostream>

namespace nca::idl {
namespace {

using namespace ast;

const char* type_decl_keyword(TypeDecl::Kind k) {
  switch (k) {
    case TypeDecl::Kind::struct_: return "struct";
    case TypeDecl::Kind::union_: return "union";
    case TypeDecl::Kind::enum_: return "enum";
    case TypeDecl::Kind::bitmap: return "bitmap";
  }
  return "type";
}

std::string attr_value(const AttributeList& attrs, const std::string& name) {
  for (const auto& a : attrs)
    if (a.name == name && !a.args.empty()) return a.args[0].text;
  return "";
}

std::string attr_names(const AttributeList& attrs) {
  std::string s;
  for (const auto& a : attrs) {
    if (a.name == "in" || a.name == "out" || a.name == "ref" || a.name == "unique" || a.name == "ptr" ||
        a.name == "string") {
      s += s.empty() ? "" : ",";
      s += a.name;
    }
  }
  return s.empty() ? s : "[" + s + "] ";
}

std::string declarator_spelling(const Declarator& d) {
  std::string s(d.pointer_depth(), '*');
  s += d.name;
  for (const auto& dim : d.dims) s += dim.kind == ArrayDim::Kind::fixed ? "[N]" : dim.kind == ArrayDim::Kind::star ? "[*]" : "[]";
  return s;
}

std::string type_decl_line(const TypeDecl& t, const std::string& name) {
  std::string s = std::string(type_decl_keyword(t.kind)) + " " + (name.empty() ? "(anonymous)" : name);
  if (t.forward) return s + " (forward)";
  switch (t.kind) {
    case TypeDecl::Kind::struct_: return s + ": " + std::to_string(t.fields.size()) + " members";
    case TypeDecl::Kind::union_:
      return s + ": " + std::to_string(t.arms.size()) + " arms" + (t.encapsulated ? ", encapsulated" : "");
    default: return s + ": " + std::to_string(t.enumerators.size()) + " values";
  }
}

const char* scope_keyword(DeclKind k) {
  switch (k) {
    case DeclKind::library: return "library";
    case DeclKind::coclass: return "coclass";
    case DeclKind::module: return "module";
    case DeclKind::dispinterface: return "dispinterface";
    default: return "interface";
  }
}

void summarize(const std::vector<DeclPtr>& decls, const std::string& indent, std::ostream& out) {
  for (const auto& d : decls) {
    switch (d->kind) {
      case DeclKind::interface:
      case DeclKind::library:
      case DeclKind::coclass:
      case DeclKind::module:
      case DeclKind::dispinterface: {
        const auto& s = static_cast<const ScopeDecl&>(*d);
        out << indent << scope_keyword(d->kind) << ' ' << s.name;
        if (!s.base.empty()) out << " : " << s.base;
        if (s.forward) { out << " (forward)\n"; break; }
        if (auto u = attr_value(d->attrs, "uuid"); !u.empty()) out << " uuid " << u;
        if (auto v = attr_value(d->attrs, "version"); !v.empty()) out << " version " << v;
        out << '\n';
        summarize(s.body, indent + "  ", out);
        break;
      }
      case DeclKind::typedef_: {
        const auto& t = static_cast<const TypedefDecl&>(*d);
        for (const auto& dc : t.declarators) {
          out << indent << "typedef " << declarator_spelling(dc) << " = ";
          if (t.type->kind == TypeSpec::Kind::inline_decl) out << type_decl_line(*t.type->decl, t.type->decl->name);
          else out << type_spelling(*t.type);
          out << '\n';
        }
        break;
      }
      case DeclKind::type: {
        const auto& t = static_cast<const TypeDeclStmt&>(*d);
        out << indent << "type " << type_decl_line(*t.decl, t.decl->name) << '\n';
        break;
      }
      case DeclKind::constant: {
        const auto& c = static_cast<const ConstDecl&>(*d);
        out << indent << "const " << type_spelling(*c.type) << ' ' << declarator_spelling(c.declarator) << '\n';
        break;
      }
      case DeclKind::operation: {
        const auto& o = static_cast<const OperationDecl&>(*d);
        out << indent << "operation " << type_spelling(*o.return_type) << std::string(o.return_pointer_const.size(), '*')
            << ' ' << o.name << '(';
        for (size_t i = 0; i < o.params.size(); ++i) {
          const auto& p = o.params[i];
          out << (i ? ", " : "") << attr_names(p.attrs) << type_spelling(*p.type) << ' ' << declarator_spelling(p.declarator);
        }
        out << ")\n";
        break;
      }
      case DeclKind::import: {
        const auto& imp = static_cast<const ImportDecl&>(*d);
        for (const auto& f : imp.files) out << indent << "import " << f.path << '\n';
        break;
      }
      default: break;
    }
  }
}

}  // namespace

std::string type_spelling(const TypeSpec& type) {
  std::string s = type.is_const ? "const " : "";
  switch (type.kind) {
    case TypeSpec::Kind::named: s += type.name; break;
    case TypeSpec::Kind::struct_ref: s += "struct " + type.name; break;
    case TypeSpec::Kind::union_ref: s += "union " + type.name; break;
    case TypeSpec::Kind::enum_ref: s += "enum " + type.name; break;
    case TypeSpec::Kind::inline_decl:
      s += std::string(type_decl_keyword(type.decl->kind)) + " " + (type.name.empty() ? "{...}" : type.name);
      break;
    case TypeSpec::Kind::pipe: s += "pipe " + (type.element ? type_spelling(*type.element) : std::string("?")); break;
  }
  s += std::string(type.abstract_pointer_const.size(), '*');
  return s;
}

void print_summary(const ParsedProgram& program, std::ostream& out) {
  for (const auto& f : program.files) {
    if (!f.is_root || !f.ast) continue;
    out << f.ast->path << ":\n";
    summarize(f.ast->decls, "  ", out);
  }
}

}  // namespace nca::idl
