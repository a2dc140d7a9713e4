#include "frontend/ast_builder.h"

#include <set>

#include "IdlParser.h"
#include "diag/diagnostics.h"

namespace nca::idl::detail {
namespace {

using G = grammar::IdlParser;
using namespace ast;

// Attributes whose arguments are types even when written as a single name.
const std::set<std::string, std::less<>> kTypeAttributes = {
    "switch_type", "transmit_as", "represent_as", "wire_marshal", "user_marshal",
};

// Decodes the body of a C string or character literal (without its quotes).
std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\' || i + 1 == s.size()) { out += c; continue; }
    char e = s[++i];
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        unsigned v = 0;
        size_t n = 0;
        while (i + 1 < s.size() && n < 2 && std::isxdigit(static_cast<unsigned char>(s[i + 1]))) {
          char h = s[++i];
          v = v * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h))
                                                 ? h - '0'
                                                 : (std::tolower(static_cast<unsigned char>(h)) - 'a' + 10));
          ++n;
        }
        out += static_cast<char>(v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          unsigned v = static_cast<unsigned>(e - '0');
          for (int n = 0; n < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++n)
            v = v * 8 + static_cast<unsigned>(s[++i] - '0');
          out += static_cast<char>(v & 0xff);
        } else {
          out += e;  // \\ \" \' \? and unknown escapes keep the character
        }
    }
  }
  return out;
}

}  // namespace

class AstBuilder::Impl {
 public:
  Impl(uint32_t unit, std::string_view text, std::vector<SourceRange> pragmas, DiagnosticEngine& diags)
      : unit_(unit), text_(text), diags_(diags), pragmas_(std::move(pragmas)), pragma_used_(pragmas_.size(), false) {}

  void file(G::FileContext* ctx, std::vector<DeclPtr>& out) {
    for (auto* d : ctx->definition()) definition(d, out);
    attach_pragmas(out, 0, UINT32_MAX);
  }

  std::unique_ptr<ScopeDecl> open_scope(G::ScopeOpenContext* c) {
    auto d = std::make_unique<ScopeDecl>(scope_kind(c->scopeKeyword()));
    set_common(*d, c, c->attributes());
    set_scope_names(*d, c->name());
    return d;
  }
  // ------------------------------------------------------------------------------------------
  // Positions and text

  SourceRange range(antlr4::Token* t) const {
    if (!t || t->getType() == antlr4::Token::EOF)
      return SourceRange{SourceLoc{unit_, static_cast<uint32_t>(text_.size())}, 0};
    size_t b = t->getStartIndex(), e = t->getStopIndex();
    return SourceRange{SourceLoc{unit_, static_cast<uint32_t>(b)},
                       static_cast<uint32_t>(e >= b ? e - b + 1 : 0)};
  }
  SourceRange range(antlr4::ParserRuleContext* ctx) const {
    if (!ctx || !ctx->getStart()) return {};
    SourceRange r = range(ctx->getStart());
    antlr4::Token* stop = ctx->getStop();
    if (stop && stop->getType() != antlr4::Token::EOF && stop->getStopIndex() + 1 > r.begin.offset &&
        stop->getTokenIndex() >= ctx->getStart()->getTokenIndex())
      r.length = static_cast<uint32_t>(stop->getStopIndex() + 1 - r.begin.offset);
    else
      r.length = 0;
    return r;
  }
  std::string text(SourceRange r) const {
    if (r.begin.offset >= text_.size()) return {};
    return std::string(text_.substr(r.begin.offset, r.length));
  }
  std::string text(antlr4::Token* t) const { return text(range(t)); }
  std::string text(antlr4::ParserRuleContext* ctx) const { return text(range(ctx)); }

  // `"abc"` or `L"abc"` -> abc (unescaped); sets `wide` for the L form.
  std::string string_token(antlr4::Token* t, bool* wide = nullptr) const {
    std::string s = text(t);
    size_t b = s.find_first_of("\"'");
    if (wide && b == 1) *wide = true;
    if (b == std::string::npos || s.size() < b + 2) return {};
    return unescape(std::string_view(s).substr(b + 1, s.size() - b - 2));
  }

  // ------------------------------------------------------------------------------------------
  // Declarations

  template <typename T> void set_common(T& d, antlr4::ParserRuleContext* ctx, G::AttributesContext* attrs) {
    d.range = range(ctx);
    if (attrs) append_attributes(attrs, d.attrs);
  }

  void definition(G::DefinitionContext* ctx, std::vector<DeclPtr>& out) {
    if (auto* c = ctx->importDecl()) {
      auto d = std::make_unique<ImportDecl>();
      d->range = range(c);
      for (auto* s : c->STRING()) d->files.push_back({string_token(s->getSymbol()), range(s->getSymbol())});
      out.push_back(std::move(d));
    } else if (auto* c = ctx->importlibDecl()) {
      auto d = std::make_unique<TextDecl>(DeclKind::importlib);
      d->range = range(c);
      d->keyword = "importlib";
      d->text = string_token(c->STRING()->getSymbol());
      out.push_back(std::move(d));
    } else if (auto* c = ctx->cppQuote()) {
      auto d = std::make_unique<TextDecl>(DeclKind::cpp_quote);
      d->range = range(c);
      d->keyword = "cpp_quote";
      for (auto* s : c->STRING()) d->text += string_token(s->getSymbol());
      out.push_back(std::move(d));
    } else if (auto* c = ctx->midlPragma()) {
      auto d = std::make_unique<TextDecl>(DeclKind::pragma);
      d->range = range(c);
      d->keyword = "midl_pragma";
      std::string all = text(c);
      d->text = trim(all.substr(std::min(all.size(), std::string("midl_pragma").size())));
      out.push_back(std::move(d));
    } else if (auto* c = ctx->scopeDecl()) {
      out.push_back(scope(c));
    } else if (auto* c = ctx->typedefDecl()) {
      auto d = std::make_unique<TypedefDecl>();
      d->range = range(c);
      for (auto* a : c->attributes()) append_attributes(a, d->attrs);
      d->type = type_spec(c->typeSpec());
      for (auto* dc : c->declarators()->declarator()) d->declarators.push_back(declarator(dc));
      out.push_back(std::move(d));
    } else if (auto* c = ctx->constDecl()) {
      auto d = std::make_unique<ConstDecl>();
      set_common(*d, c, c->attributes());
      d->type = type_spec(c->typeSpec());
      d->declarator = declarator(c->declarator());
      d->value = expr(c->expr());
      out.push_back(std::move(d));
    } else if (auto* c = ctx->typeDeclStmt()) {
      auto d = std::make_unique<TypeDeclStmt>();
      set_common(*d, c, c->attributes());
      if (c->typeDefinition()) {
        d->decl = type_definition(c->typeDefinition());
      } else {
        auto* f = c->forwardDecl();
        auto t = std::make_unique<TypeDecl>();
        t->range = range(f);
        t->forward = true;
        std::string k = text(f->kind);
        t->kind = k == "union" ? TypeDecl::Kind::union_ : k == "enum" ? TypeDecl::Kind::enum_ : TypeDecl::Kind::struct_;
        t->name = text(f->name());
        t->name_range = range(f->name());
        d->decl = std::move(t);
      }
      out.push_back(std::move(d));
    } else if (auto* c = ctx->operationDecl()) {
      auto d = std::make_unique<OperationDecl>();
      set_common(*d, c, c->attributes());
      d->return_type = type_spec(c->typeSpec());
      d->return_pointer_const = pointers(c->pointers());
      d->name = text(c->name());
      d->name_range = range(c->name());
      if (c->params()) params(c->params(), d->params, d->varargs);
      out.push_back(std::move(d));
    } else if (auto* c = ctx->unknownBlock()) {
      auto d = std::make_unique<TextDecl>(DeclKind::other);
      set_common(*d, c, c->attributes());
      d->keyword = text(c->IDENT()->getSymbol());
      d->text = text(c);
      diags_.warning(range(c->IDENT()->getSymbol()), "unsupported construct '" + d->keyword + "'; the block is ignored",
                     "unsupported-construct");
      out.push_back(std::move(d));
    } else if (auto* c = ctx->propertyDecl()) {
      auto d = std::make_unique<TextDecl>(DeclKind::other);
      set_common(*d, c, c->attributes());
      d->keyword = "property";
      d->text = text(c);
      out.push_back(std::move(d));
    }
    // emptyDecl: a stray ';' says nothing.
  }

  static std::string trim(std::string s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  }

  void ignored_cpp_quote(G::CppQuoteContext* c) {
    diags_.warning(range(c), "cpp_quote inside a type definition is ignored", "ignored-cpp-quote");
  }

  // Inserts, in source order, the pragma lines within [begin, end) that stand between the
  // declarations of `body`. Inner scopes run first and take their own; a pragma inside any other
  // declaration (a struct body, a parameter list) is dropped.
  void attach_pragmas(std::vector<DeclPtr>& body, uint32_t begin, uint32_t end) {
    std::vector<DeclPtr> merged;
    size_t next = 0;
    auto flush_until = [&](uint32_t offset) {
      for (; next < pragmas_.size() && pragmas_[next].begin.offset < offset; ++next) {
        const SourceRange& r = pragmas_[next];
        if (pragma_used_[next] || r.begin.offset < begin || r.begin.offset >= end) continue;
        pragma_used_[next] = true;
        auto d = std::make_unique<TextDecl>(DeclKind::pragma);
        d->range = r;
        d->keyword = "#pragma";
        std::string line = text(r);
        size_t p = line.find("pragma");
        d->text = trim(p == std::string::npos ? line : line.substr(p + 6));
        merged.push_back(std::move(d));
      }
    };
    for (auto& d : body) {
      flush_until(d->range.begin.offset);
      // Skip (and drop) the pragmas inside this declaration.
      for (; next < pragmas_.size() && pragmas_[next].begin.offset < d->range.begin.offset + d->range.length; ++next)
        pragma_used_[next] = true;
      merged.push_back(std::move(d));
    }
    flush_until(end);
    body = std::move(merged);
  }

  DeclKind scope_kind(G::ScopeKeywordContext* k) {
    std::string kw = text(k);
    return kw == "library"         ? DeclKind::library
           : kw == "coclass"       ? DeclKind::coclass
           : kw == "module"        ? DeclKind::module
           : kw == "dispinterface" ? DeclKind::dispinterface
                                   : DeclKind::interface;
  }

  void set_scope_names(ScopeDecl& d, const std::vector<G::NameContext*>& names) {
    d.name = text(names.at(0));
    d.name_range = range(names[0]);
    if (names.size() > 1) {
      d.base = text(names[1]);
      d.base_range = range(names[1]);
    }
  }

  DeclPtr scope(G::ScopeDeclContext* c) {
    auto d = std::make_unique<ScopeDecl>(scope_kind(c->scopeKeyword()));
    set_common(*d, c, c->attributes());
    set_scope_names(*d, c->name());
    if (auto* body = c->scopeBody()) {
      for (auto* def : body->definition()) definition(def, d->body);
      SourceRange r = range(c);
      attach_pragmas(d->body, r.begin.offset, r.begin.offset + r.length);
    } else {
      d->forward = true;
    }
    return d;
  }

  void params(G::ParamsContext* c, std::vector<Param>& out, bool& varargs) {
    for (auto* child : c->children)
      if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(child); t && t->getText() == "...") varargs = true;
    for (auto* p : c->param()) {
      Param param;
      param.range = range(p);
      if (p->attributes()) append_attributes(p->attributes(), param.attrs);
      param.type = type_spec(p->typeSpec());
      if (p->declarator()) {
        param.declarator = declarator(p->declarator());
      } else {
        SourceRange r = range(p);
        param.declarator.range = SourceRange{SourceLoc{unit_, r.begin.offset + r.length}, 0};
        param.declarator.name_range = param.declarator.range;
      }
      out.push_back(std::move(param));
    }
    // `f(void)`: no parameters.
    if (out.size() == 1 && out[0].attrs.empty() && out[0].type->kind == TypeSpec::Kind::named &&
        out[0].type->name == "void" && !out[0].type->is_const && out[0].declarator.name.empty() &&
        out[0].declarator.pointer_const.empty() && out[0].declarator.dims.empty())
      out.clear();
  }

  // ------------------------------------------------------------------------------------------
  // Attributes

  void append_attributes(G::AttributesContext* ctx, AttributeList& out) {
    for (auto* list : ctx->attrList())
      for (auto* a : list->attribute()) out.push_back(attribute(a));
  }

  Attribute attribute(G::AttributeContext* c) {
    Attribute a;
    a.range = range(c);
    a.name = text(c->attrName());
    a.name_range = range(c->attrName());
    auto* args = c->attrArgs();
    if (!args) return a;
    a.has_parens = true;
    // `size_is(, n)`: an omitted argument is a comma with nothing before it.
    bool filled = false, saw_comma = false;
    for (auto* child : args->children) {
      if (auto* arg = dynamic_cast<G::AttrArgContext*>(child)) {
        a.args.push_back(attr_arg(a.name, arg));
        filled = true;
      } else {
        saw_comma = true;
        if (!filled) a.args.push_back(empty_arg(child));
        filled = false;
      }
    }
    if (saw_comma && !filled) {
      SourceRange r = range(args);
      a.args.push_back(AttrArg{AttrArg::Kind::empty, SourceRange{SourceLoc{unit_, r.begin.offset + r.length}, 0}, {}, {}, {}});
    }
    return a;
  }

  AttrArg empty_arg(antlr4::tree::ParseTree* comma) {
    AttrArg arg;
    if (auto* t = dynamic_cast<antlr4::tree::TerminalNode*>(comma)) arg.range = SourceRange{range(t->getSymbol()).begin, 0};
    return arg;
  }

  AttrArg attr_arg(const std::string& attr, G::AttrArgContext* c) {
    AttrArg arg;
    arg.range = range(c);
    arg.text = text(c);
    if (dynamic_cast<G::UuidArgContext*>(c)) {
      arg.kind = AttrArg::Kind::uuid;
      return arg;
    }
    if (auto* t = dynamic_cast<G::TypeArgContext*>(c)) {
      arg.kind = AttrArg::Kind::type;
      arg.type = type_name(t->typeName());
      return arg;
    }
    auto* e = static_cast<G::ExprArgContext*>(c)->expr();
    if (attr == "version") {
      arg.kind = AttrArg::Kind::version;
      std::string v;
      for (char ch : arg.text)
        if (ch != ' ' && ch != '\t' && ch != '\n') v += ch;
      arg.text = v;
      return arg;
    }
    ExprPtr x = expr(e);
    if (attr == "uuid" && x->kind == ExprKind::string) {
      // `uuid("...")`: some files quote it.
      arg.kind = AttrArg::Kind::uuid;
      arg.text = x->text;
      return arg;
    }
    if (kTypeAttributes.count(attr) && x->kind == ExprKind::identifier) {
      auto ts = std::make_unique<TypeSpec>();
      ts->range = x->range;
      ts->name = x->text;
      arg.kind = AttrArg::Kind::type;
      arg.type = std::move(ts);
      return arg;
    }
    arg.kind = AttrArg::Kind::expr;
    arg.expr = std::move(x);
    return arg;
  }

  // ------------------------------------------------------------------------------------------
  // Types

  std::unique_ptr<TypeSpec> type_spec(G::TypeSpecContext* c) {
    auto ts = std::make_unique<TypeSpec>();
    ts->range = range(c);
    for (auto* q : c->qualifier())
      if (text(q) == "const") ts->is_const = true;
    auto* core = c->typeCore();
    if (auto* b = dynamic_cast<G::BuiltinTypeContext*>(core)) {
      ts->kind = TypeSpec::Kind::named;
      std::string words;
      for (auto* child : b->builtinWords()->children) {
        if (!words.empty()) words += ' ';
        words += child->getText();
      }
      ts->name = words;
      ts->range = range(b);
    } else if (auto* p = dynamic_cast<G::PipeTypeContext*>(core)) {
      ts->kind = TypeSpec::Kind::pipe;
      ts->element = type_spec(p->typeSpec());
    } else if (auto* i = dynamic_cast<G::InlineTypeContext*>(core)) {
      ts->kind = TypeSpec::Kind::inline_decl;
      auto decl = type_definition(i->typeDefinition());
      ts->name = decl->name;
      ts->decl = std::move(decl);
    } else if (auto* s = dynamic_cast<G::StructRefContext*>(core)) {
      ts->kind = TypeSpec::Kind::struct_ref;
      ts->name = text(s->name());
    } else if (auto* u = dynamic_cast<G::UnionRefContext*>(core)) {
      ts->kind = TypeSpec::Kind::union_ref;
      ts->name = text(u->name());
    } else if (auto* e = dynamic_cast<G::EnumRefContext*>(core)) {
      ts->kind = TypeSpec::Kind::enum_ref;
      ts->name = text(e->name());
    } else if (auto* bm = dynamic_cast<G::BitmapRefContext*>(core)) {
      ts->kind = TypeSpec::Kind::bitmap_ref;
      ts->name = text(bm->name());
    } else if (auto* n = dynamic_cast<G::NamedTypeContext*>(core)) {
      ts->kind = TypeSpec::Kind::named;
      ts->name = text(n->ident());
    }
    return ts;
  }

  TypeSpecPtr type_name(G::TypeNameContext* c) {
    auto ts = type_spec(c->typeSpec());
    ts->range = range(c);
    for (auto* p : c->pointer()) ts->abstract_pointer_const.push_back(pointer_is_const(p));
    return ts;
  }

  std::unique_ptr<const TypeDecl> type_definition(G::TypeDefinitionContext* c) {
    auto d = std::make_unique<TypeDecl>();
    d->range = range(c);
    auto set_name = [&](G::NameContext* n) {
      if (!n) return;
      d->name = text(n);
      d->name_range = range(n);
    };
    if (auto* s = dynamic_cast<G::StructDefContext*>(c)) {
      d->kind = TypeDecl::Kind::struct_;
      if (s->attributes()) append_attributes(s->attributes(), d->attrs);
      set_name(s->name());
      for (auto* m : s->structMember()) {
        if (m->field()) d->fields.push_back(field(m->field()));
        else if (m->cppQuote()) ignored_cpp_quote(m->cppQuote());
      }
    } else if (auto* u = dynamic_cast<G::UnionDefContext*>(c)) {
      d->kind = TypeDecl::Kind::union_;
      if (u->attributes()) append_attributes(u->attributes(), d->attrs);
      set_name(u->name());
      for (auto* m : u->unionMember()) {
        if (m->unionArm()) d->arms.push_back(union_arm(m->unionArm()));
        else if (m->cppQuote()) ignored_cpp_quote(m->cppQuote());
      }
    } else if (auto* e = dynamic_cast<G::EncapUnionDefContext*>(c)) {
      d->kind = TypeDecl::Kind::union_;
      d->encapsulated = true;
      if (e->attributes()) append_attributes(e->attributes(), d->attrs);
      // Names in order: [union name] switch (type switch_name) [union_name] { ... }
      auto names = e->name();
      size_t switch_at = 0;
      for (size_t i = 0; i < names.size(); ++i)
        if (names[i]->getStart()->getTokenIndex() > e->typeSpec()->getStart()->getTokenIndex()) { switch_at = i; break; }
      if (switch_at == 1) set_name(names[0]);
      d->switch_type = type_spec(e->typeSpec());
      d->switch_name = text(names.at(switch_at));
      if (switch_at + 1 < names.size()) d->union_name = text(names[switch_at + 1]);
      for (auto* arm : e->encapArm()) {
        UnionArm a;
        a.range = range(arm);
        for (auto* label : arm->caseLabel()) {
          if (label->expr()) a.case_labels.push_back(expr(label->expr()));
          else a.is_default = true;
        }
        if (arm->field()) a.field = field(arm->field());
        d->arms.push_back(std::move(a));
      }
    } else if (auto* en = dynamic_cast<G::EnumDefContext*>(c)) {
      d->kind = TypeDecl::Kind::enum_;
      if (en->attributes()) append_attributes(en->attributes(), d->attrs);
      set_name(en->name());
      enum_body(en->enumBody(), d->enumerators);
    } else if (auto* b = dynamic_cast<G::BitmapDefContext*>(c)) {
      d->kind = TypeDecl::Kind::bitmap;
      if (b->attributes()) append_attributes(b->attributes(), d->attrs);
      set_name(b->name());
      enum_body(b->enumBody(), d->enumerators);
    }
    return d;
  }

  void enum_body(G::EnumBodyContext* c, std::vector<EnumMember>& out) {
    for (auto* e : c->enumerator()) {
      EnumMember m;
      m.range = range(e);
      if (e->attributes()) append_attributes(e->attributes(), m.attrs);
      m.name = text(e->name());
      if (e->expr()) m.value = expr(e->expr());
      out.push_back(std::move(m));
    }
  }

  Field field(G::FieldContext* c) {
    Field f;
    f.range = range(c);
    if (c->attributes()) append_attributes(c->attributes(), f.attrs);
    f.type = type_spec(c->typeSpec());
    if (c->declarators())
      for (auto* d : c->declarators()->declarator()) f.declarators.push_back(declarator(d));
    return f;
  }

  static bool is_label(const Attribute& a) { return a.name == "case" || a.name == "default"; }

  UnionArm union_arm(G::UnionArmContext* c) {
    UnionArm arm;
    arm.range = range(c);
    AttributeList attrs;
    G::TypeSpecContext* type = nullptr;
    G::DeclaratorsContext* decls = nullptr;
    bool has_field = false;
    if (auto* f = dynamic_cast<G::UnionFieldArmContext*>(c)) {
      append_attributes(f->attributes(), attrs);
      type = f->typeSpec();
      decls = f->declarators();
      has_field = true;
    } else if (auto* e = dynamic_cast<G::UnionEmptyArmContext*>(c)) {
      append_attributes(e->attributes(), attrs);
    } else if (auto* p = dynamic_cast<G::UnionPlainArmContext*>(c)) {
      type = p->typeSpec();
      decls = p->declarators();
      has_field = true;
    }
    Field f;
    for (auto& a : attrs) {
      if (is_label(a)) {
        if (a.name == "default") arm.is_default = true;
        arm.attrs.push_back(std::move(a));
      } else {
        f.attrs.push_back(std::move(a));
      }
    }
    if (has_field) {
      f.range = range(c);
      f.type = type_spec(type);
      if (decls)
        for (auto* d : decls->declarator()) f.declarators.push_back(declarator(d));
      arm.field = std::move(f);
    }
    return arm;
  }

  // ------------------------------------------------------------------------------------------
  // Declarators

  bool pointer_is_const(G::PointerContext* p) {
    for (auto* q : p->qualifier())
      if (text(q) == "const") return true;
    return false;
  }

  std::vector<bool> pointers(G::PointersContext* c) {
    std::vector<bool> out;
    if (c)
      for (auto* p : c->pointer()) out.push_back(pointer_is_const(p));
    return out;
  }

  Declarator declarator(G::DeclaratorContext* c) {
    Declarator d;
    d.range = range(c);
    d.pointer_const = pointers(c->pointers());
    auto* dd = c->directDeclarator();
    if (auto* n = dynamic_cast<G::PlainNameContext*>(dd)) {
      d.name = text(n->name());
      d.name_range = range(n->name());
    } else if (auto* f = dynamic_cast<G::FunctionPointerContext*>(dd)) {
      // `(*name)(params)`: the outer pointers belong to the return type; keep the inner ones.
      d.function_pointer = true;
      d.pointer_const = pointers(f->pointers());
      if (f->name()) {
        d.name = text(f->name());
        d.name_range = range(f->name());
      }
    }
    for (auto* a : c->arrayDim()) d.dims.push_back(array_dim(a));
    return d;
  }

  ArrayDim array_dim(G::ArrayDimContext* c) {
    ArrayDim dim;
    dim.range = range(c);
    if (dynamic_cast<G::OpenDimContext*>(c)) {
      dim.kind = ArrayDim::Kind::open;
    } else if (dynamic_cast<G::StarDimContext*>(c)) {
      dim.kind = ArrayDim::Kind::star;
    } else if (auto* r = dynamic_cast<G::RangeDimContext*>(c)) {
      dim.kind = ArrayDim::Kind::range;
      dim.low = expr(r->expr(0));
      if (r->expr().size() > 1) dim.size = expr(r->expr(1));  // `[0..*]`: no upper bound
    } else if (auto* f = dynamic_cast<G::FixedDimContext*>(c)) {
      dim.kind = ArrayDim::Kind::fixed;
      dim.size = expr(f->expr());
    }
    return dim;
  }

  // ------------------------------------------------------------------------------------------
  // Expressions

  struct DepthGuard {
    int& depth;
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
  };

  std::unique_ptr<Expr> make(ExprKind kind, antlr4::ParserRuleContext* c) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->range = range(c);
    return e;
  }

  ExprPtr expr(G::ExprContext* c) {
    DepthGuard guard(depth_);
    if (depth_ > kMaxExprDepth) {
      if (!depth_reported_)
        diags_.error(range(c), "expression nested too deeply (more than " + std::to_string(kMaxExprDepth) + " levels)",
                     "nesting-too-deep");
      depth_reported_ = true;
      return make(ExprKind::integer, c);
    }
    if (auto* p = dynamic_cast<G::PrimaryExprContext*>(c)) return primary(p->primary());
    if (auto* m = dynamic_cast<G::MemberExprContext*>(c)) {
      auto e = make(ExprKind::member, c);
      e->text = text(m->op);
      e->member = text(m->name());
      e->operands.push_back(expr(m->expr()));
      return e;
    }
    if (auto* i = dynamic_cast<G::IndexExprContext*>(c)) {
      auto e = make(ExprKind::index, c);
      e->operands.push_back(expr(i->expr(0)));
      e->operands.push_back(expr(i->expr(1)));
      return e;
    }
    if (auto* call = dynamic_cast<G::CallExprContext*>(c)) {
      auto e = make(ExprKind::call, c);
      for (auto* x : call->expr()) e->operands.push_back(expr(x));
      return e;
    }
    if (auto* s = dynamic_cast<G::SizeofTypeExprContext*>(c)) {
      auto e = make(ExprKind::sizeof_type, c);
      e->cast_type = type_name(s->typeName());
      return e;
    }
    if (auto* s = dynamic_cast<G::SizeofExprContext*>(c)) {
      auto e = make(ExprKind::sizeof_expr, c);
      e->operands.push_back(expr(s->expr()));
      return e;
    }
    if (auto* u = dynamic_cast<G::UnaryExprContext*>(c)) {
      auto e = make(ExprKind::unary, c);
      e->text = text(u->op);
      e->operands.push_back(expr(u->expr()));
      return e;
    }
    if (auto* k = dynamic_cast<G::CastExprContext*>(c)) {
      auto e = make(ExprKind::cast, c);
      e->cast_type = type_name(k->typeName());
      e->operands.push_back(expr(k->expr()));
      return e;
    }
    if (auto* b = dynamic_cast<G::BinaryExprContext*>(c)) {
      auto e = make(ExprKind::binary, c);
      e->text = text(b->op);
      e->operands.push_back(expr(b->expr(0)));
      e->operands.push_back(expr(b->expr(1)));
      return e;
    }
    if (auto* t = dynamic_cast<G::TernaryExprContext*>(c)) {
      auto e = make(ExprKind::ternary, c);
      for (auto* x : t->expr()) e->operands.push_back(expr(x));
      return e;
    }
    return make(ExprKind::integer, c);
  }

  ExprPtr primary(G::PrimaryContext* c) {
    if (auto* i = dynamic_cast<G::IntLitContext*>(c)) {
      auto e = make(ExprKind::integer, i);
      e->text = text(i);
      return e;
    }
    if (auto* f = dynamic_cast<G::FloatLitContext*>(c)) {
      auto e = make(ExprKind::floating, f);
      e->text = text(f);
      return e;
    }
    if (auto* s = dynamic_cast<G::StringLitContext*>(c)) {
      auto e = make(ExprKind::string, s);
      for (auto* t : s->STRING()) e->text += string_token(t->getSymbol(), &e->wide);
      return e;
    }
    if (auto* ch = dynamic_cast<G::CharLitContext*>(c)) {
      auto e = make(ExprKind::char_lit, ch);
      e->text = string_token(ch->CHAR()->getSymbol(), &e->wide);
      return e;
    }
    if (auto* id = dynamic_cast<G::IdentExprContext*>(c)) {
      auto e = make(ExprKind::identifier, id);
      e->text = text(id);
      return e;
    }
    if (auto* p = dynamic_cast<G::ParenExprContext*>(c)) return expr(p->expr());
    return make(ExprKind::integer, c);
  }

  uint32_t unit_;
  std::string_view text_;
  DiagnosticEngine& diags_;
  int depth_ = 0;
  bool depth_reported_ = false;
  std::vector<SourceRange> pragmas_;
  std::vector<bool> pragma_used_;
};

AstBuilder::AstBuilder(uint32_t unit, std::string_view text, std::vector<SourceRange> pragmas, DiagnosticEngine& diags)
    : impl_(std::make_unique<Impl>(unit, text, std::move(pragmas), diags)) {}

AstBuilder::~AstBuilder() = default;

void AstBuilder::add_file(antlr4::ParserRuleContext* file, std::vector<ast::DeclPtr>& out) {
  if (auto* f = dynamic_cast<G::FileContext*>(file)) impl_->file(f, out);
}

void AstBuilder::add_definition(antlr4::ParserRuleContext* definition, std::vector<ast::DeclPtr>& out) {
  if (auto* d = dynamic_cast<G::DefinitionContext*>(definition)) impl_->definition(d, out);
}

std::unique_ptr<ast::ScopeDecl> AstBuilder::open_scope(antlr4::ParserRuleContext* scope_open) {
  auto* s = dynamic_cast<G::ScopeOpenContext*>(scope_open);
  return s ? impl_->open_scope(s) : nullptr;
}

void AstBuilder::attach_pragmas(std::vector<ast::DeclPtr>& body, uint32_t begin, uint32_t end) {
  impl_->attach_pragmas(body, begin, end);
}

}  // namespace nca::idl::detail
