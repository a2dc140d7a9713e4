#include "frontend/ast_dump.h"

#include <ostream>

#include "diag/source_manager.h"

// GCC 12 warns about `"(" + s + ")"` at -O2 (a false positive: GCC bug 105651).
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace nca::idl {
namespace {

using namespace ast;

class Dumper {
 public:
  Dumper(const SourceManager& sources, std::ostream& out) : sources_(sources), out_(out) {}

  void decls(const std::vector<DeclPtr>& ds, int depth) {
    for (const auto& d : ds) decl(*d, depth);
  }

 private:
  std::ostream& line(int depth, SourceRange r) {
    PresumedLoc p = sources_.presumed(r.begin);
    out_ << std::string(static_cast<size_t>(depth) * 2, ' ') << p.line << ':' << p.column << ' ';
    return out_;
  }

  static std::string quote(const std::string& s, char q = '"') {
    std::string out(1, q);
    for (unsigned char c : s) {
      if (c == static_cast<unsigned char>(q) || c == '\\') out += '\\';
      if (c == '\n') { out += "\\n"; continue; }
      if (c < 0x20 || c >= 0x7f) {
        char buf[8];
        snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf;
        continue;
      }
      out += static_cast<char>(c);
    }
    return out + q;
  }

  std::string expr(const Expr* e) {
    if (!e) return "<none>";
    switch (e->kind) {
      case ExprKind::integer:
      case ExprKind::floating:
      case ExprKind::identifier: return e->text;
      case ExprKind::string: return (e->wide ? "L" : "") + quote(e->text);
      case ExprKind::char_lit: return (e->wide ? "L" : "") + quote(e->text, '\'');
      case ExprKind::unary: return "(" + e->text + expr(e->operands[0].get()) + ")";
      case ExprKind::binary:
        return "(" + expr(e->operands[0].get()) + " " + e->text + " " + expr(e->operands[1].get()) + ")";
      case ExprKind::ternary:
        return "(" + expr(e->operands[0].get()) + " ? " + expr(e->operands[1].get()) + " : " +
               expr(e->operands[2].get()) + ")";
      case ExprKind::cast: return "((" + type(e->cast_type.get()) + ")" + expr(e->operands[0].get()) + ")";
      case ExprKind::member: return expr(e->operands[0].get()) + e->text + e->member;
      case ExprKind::index: return expr(e->operands[0].get()) + "[" + expr(e->operands[1].get()) + "]";
      case ExprKind::call: {
        std::string s = expr(e->operands[0].get()) + "(";
        for (size_t i = 1; i < e->operands.size(); ++i) s += (i > 1 ? ", " : "") + expr(e->operands[i].get());
        return s + ")";
      }
      case ExprKind::sizeof_type: return "sizeof(" + type(e->cast_type.get()) + ")";
      case ExprKind::sizeof_expr: return "sizeof " + expr(e->operands[0].get());
    }
    return "?";
  }

  std::string type(const TypeSpec* t) {
    if (!t) return "<none>";
    std::string s = t->is_const ? "const " : "";
    switch (t->kind) {
      case TypeSpec::Kind::named: s += t->name; break;
      case TypeSpec::Kind::struct_ref: s += "struct " + t->name; break;
      case TypeSpec::Kind::union_ref: s += "union " + t->name; break;
      case TypeSpec::Kind::enum_ref: s += "enum " + t->name; break;
      case TypeSpec::Kind::bitmap_ref: s += "bitmap " + t->name; break;
      case TypeSpec::Kind::pipe: s += "pipe " + type(t->element.get()); break;
      case TypeSpec::Kind::inline_decl: s += "<inline " + (t->name.empty() ? std::string("anonymous") : t->name) + ">"; break;
    }
    for (bool c : t->abstract_pointer_const) s += c ? "*const" : "*";
    return s;
  }

  std::string attrs(const AttributeList& as) {
    if (as.empty()) return "";
    std::string s = "[";
    for (size_t i = 0; i < as.size(); ++i) {
      const Attribute& a = as[i];
      s += (i ? ", " : "") + a.name;
      if (!a.has_parens) continue;
      s += "(";
      for (size_t j = 0; j < a.args.size(); ++j) {
        const AttrArg& arg = a.args[j];
        s += j ? ", " : "";
        switch (arg.kind) {
          case AttrArg::Kind::empty: s += "<empty>"; break;
          case AttrArg::Kind::expr: s += expr(arg.expr.get()); break;
          case AttrArg::Kind::type: s += "type " + type(arg.type.get()); break;
          case AttrArg::Kind::uuid: s += "uuid " + arg.text; break;
          case AttrArg::Kind::version: s += "version " + arg.text; break;
        }
      }
      s += ")";
    }
    return s + "] ";
  }

  std::string declarator(const Declarator& d) {
    std::string s;
    for (bool c : d.pointer_const) s += c ? "*const " : "*";
    if (d.function_pointer) s += "(fnptr)";
    s += d.name.empty() ? "<unnamed>" : d.name;
    for (const auto& dim : d.dims) {
      switch (dim.kind) {
        case ArrayDim::Kind::open: s += "[]"; break;
        case ArrayDim::Kind::star: s += "[*]"; break;
        case ArrayDim::Kind::fixed: s += "[" + expr(dim.size.get()) + "]"; break;
        case ArrayDim::Kind::range:
          s += "[" + expr(dim.low.get()) + ".." + (dim.size ? expr(dim.size.get()) : std::string("*")) + "]";
          break;
      }
    }
    return s;
  }

  void inline_types(const TypeSpec* t, int depth) {
    if (t && t->kind == TypeSpec::Kind::inline_decl && t->decl) type_decl(*t->decl, depth);
    if (t && t->kind == TypeSpec::Kind::pipe) inline_types(t->element.get(), depth);
  }

  void field(const Field& f, int depth) {
    line(depth, f.range) << "field " << attrs(f.attrs) << type(f.type.get());
    for (const auto& d : f.declarators) out_ << ' ' << declarator(d);
    out_ << '\n';
    inline_types(f.type.get(), depth + 1);
  }

  void type_decl(const TypeDecl& t, int depth) {
    static const char* kinds[] = {"struct", "union", "enum", "bitmap"};
    line(depth, t.range) << kinds[static_cast<int>(t.kind)] << ' ' << attrs(t.attrs)
                         << (t.name.empty() ? "<anonymous>" : t.name) << (t.forward ? " forward" : "");
    if (t.encapsulated)
      out_ << " switch(" << type(t.switch_type.get()) << ' ' << t.switch_name << ") "
           << (t.union_name.empty() ? "<unnamed>" : t.union_name);
    out_ << '\n';
    for (const auto& f : t.fields) field(f, depth + 1);
    for (const auto& a : t.arms) {
      line(depth + 1, a.range) << "arm " << attrs(a.attrs);
      for (const auto& l : a.case_labels) out_ << "case " << expr(l.get()) << ' ';
      if (a.is_default) out_ << "default ";
      out_ << (a.field ? "" : "<empty>") << '\n';
      if (a.field) field(*a.field, depth + 2);
    }
    for (const auto& e : t.enumerators) {
      line(depth + 1, e.range) << "value " << attrs(e.attrs) << e.name;
      if (e.value) out_ << " = " << expr(e.value.get());
      out_ << '\n';
    }
  }

  void decl(const Decl& d, int depth) {
    switch (d.kind) {
      case DeclKind::import: {
        line(depth, d.range) << "import";
        for (const auto& f : static_cast<const ImportDecl&>(d).files) out_ << ' ' << quote(f.path);
        out_ << '\n';
        break;
      }
      case DeclKind::importlib:
      case DeclKind::cpp_quote:
      case DeclKind::pragma:
      case DeclKind::other: {
        const auto& t = static_cast<const TextDecl&>(d);
        line(depth, d.range) << t.keyword << ' ' << attrs(d.attrs) << quote(t.text) << '\n';
        break;
      }
      case DeclKind::constant: {
        const auto& c = static_cast<const ConstDecl&>(d);
        line(depth, d.range) << "const " << attrs(d.attrs) << type(c.type.get()) << ' ' << declarator(c.declarator)
                             << " = " << expr(c.value.get()) << '\n';
        break;
      }
      case DeclKind::typedef_: {
        const auto& t = static_cast<const TypedefDecl&>(d);
        line(depth, d.range) << "typedef " << attrs(d.attrs) << type(t.type.get());
        for (const auto& dc : t.declarators) out_ << ' ' << declarator(dc);
        out_ << '\n';
        inline_types(t.type.get(), depth + 1);
        break;
      }
      case DeclKind::type: {
        line(depth, d.range) << "type " << attrs(d.attrs) << '\n';
        type_decl(*static_cast<const TypeDeclStmt&>(d).decl, depth + 1);
        break;
      }
      case DeclKind::operation: {
        const auto& o = static_cast<const OperationDecl&>(d);
        line(depth, d.range) << "operation " << attrs(d.attrs) << type(o.return_type.get());
        for (bool c : o.return_pointer_const) out_ << (c ? "*const" : "*");
        out_ << ' ' << o.name << (o.varargs ? " varargs" : "") << '\n';
        for (const auto& p : o.params) {
          line(depth + 1, p.range) << "param " << attrs(p.attrs) << type(p.type.get()) << ' ' << declarator(p.declarator)
                                   << '\n';
          inline_types(p.type.get(), depth + 2);
        }
        break;
      }
      case DeclKind::interface:
      case DeclKind::library:
      case DeclKind::coclass:
      case DeclKind::module:
      case DeclKind::dispinterface: {
        static const char* names[] = {"interface", "library", "coclass", "module", "dispinterface"};
        int k = d.kind == DeclKind::interface ? 0 : static_cast<int>(d.kind) - static_cast<int>(DeclKind::library) + 1;
        const auto& s = static_cast<const ScopeDecl&>(d);
        line(depth, d.range) << names[k] << ' ' << attrs(d.attrs) << s.name;
        if (!s.base.empty()) out_ << " : " << s.base;
        out_ << (s.forward ? " forward" : "") << '\n';
        decls(s.body, depth + 1);
        break;
      }
    }
  }

  const SourceManager& sources_;
  std::ostream& out_;
};

}  // namespace

void dump_ast(const ast::File& file, const SourceManager& sources, std::ostream& out) {
  Dumper(sources, out).decls(file.decls, 0);
}

}  // namespace nca::idl
