// The abstract syntax tree: a data-only record of what one IDL file says, faithful to the source.
//
// Contract:
// - Built once by the AST builder (the only code that sees ANTLR's parse tree) and never mutated
//   afterwards; every later stage takes `const` references.
// - Nothing is resolved here: type names are names, attribute arguments are expressions or
//   literals as written, constant expressions are trees. Semantic analysis resolves and checks.
// - Every node carries the SourceRange of the text it came from.
// - Spellings are kept (`unsigned long` stays two words joined by one space, `uint32` stays
//   `uint32`); MIDL, DCE and pidl spellings all appear here unchanged.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diag/source.h"

namespace nca::idl::ast {

struct TypeSpec;
struct TypeDecl;

// ---------------------------------------------------------------------------------------------
// Expressions (constants, and the references size/length/switch attributes use)

enum class ExprKind {
  integer,     // text: the literal as written (`0x10`, `10L`, `'a'` for char literals is char_lit)
  floating,    // text: as written
  string,      // text: the unescaped contents (wide strings: L"..." sets `wide`)
  char_lit,    // text: the unescaped character(s)
  identifier,  // text: the name (`count`, `r`, `TRUE`, `NULL`)
  unary,       // text: operator (`-` `+` `~` `!` `*` (dereference) `&` (address of)); operands[0]
  binary,      // text: operator (`+ - * / % << >> < > <= >= == != & | ^ && ||`); operands[0..1]
  ternary,     // operands: condition, then, else
  cast,        // cast_type; operands[0]
  member,      // text: `.` or `->`; member: the name; operands[0]: the object
  index,       // operands[0][operands[1]]
  call,        // operands[0]: callee; operands[1..]: arguments (rare: MIDL macros left by cpp)
  sizeof_type, // cast_type
  sizeof_expr, // operands[0]
};

struct Expr {
  ExprKind kind = ExprKind::integer;
  SourceRange range;
  std::string text;
  std::string member;
  bool wide = false;
  std::vector<std::unique_ptr<const Expr>> operands;
  std::unique_ptr<const TypeSpec> cast_type;
};
using ExprPtr = std::unique_ptr<const Expr>;

// ---------------------------------------------------------------------------------------------
// Attributes: `[name]`, `[name(arg, arg, ...)]`

struct AttrArg {
  enum class Kind {
    empty,  // an omitted argument: `size_is(, n)` has an empty first argument
    expr,   // any expression (identifiers included: `switch_is(level)`, `charset(UTF16)`)
    type,   // a type where only a type fits: `switch_type(unsigned short)`, `transmit_as(T)`
    uuid,   // `uuid(60a15ec5-4de8-11d7-a637-005056a20182)` unquoted; text: as written
    version // `version(1.0)`; text: as written (`1.0`, `3`)
  };
  Kind kind = Kind::empty;
  SourceRange range;
  std::string text;  // uuid and version spelling; for expr/type the source text (for messages)
  ExprPtr expr;
  std::unique_ptr<const TypeSpec> type;
};

struct Attribute {
  std::string name;  // as written: `size_is`, `in`, `v1_enum`, `uuid`, ...
  SourceRange range;
  SourceRange name_range;
  bool has_parens = false;  // `[ptr]` versus `[ptr()]`
  std::vector<AttrArg> args;
};
using AttributeList = std::vector<Attribute>;

// ---------------------------------------------------------------------------------------------
// Types as written

struct TypeSpec {
  enum class Kind {
    named,        // name: a built-in or typedef name: `long`, `unsigned short`, `uint32`, `GUID`
    struct_ref,   // `struct name` without a body
    union_ref,    // `union name` without a body
    enum_ref,     // `enum name` without a body
    bitmap_ref,   // pidl's `bitmap name` without a body (`typedef bitmap X X;`)
    inline_decl,  // a struct/union/enum/bitmap defined right here (named or anonymous)
    pipe,         // `pipe T`: element
  };
  Kind kind = Kind::named;
  SourceRange range;
  std::string name;
  bool is_const = false;
  // Pointers of a type written without a declarator (casts, sizeof, type arguments of attributes:
  // `(uint8 *)p`, `transmit_as(FOO *)`): one entry per `*` with its `const`. Empty elsewhere:
  // a declared entity's pointers are in its Declarator.
  std::vector<bool> abstract_pointer_const;
  std::unique_ptr<const TypeDecl> decl;    // inline_decl
  std::unique_ptr<const TypeSpec> element; // pipe
};
using TypeSpecPtr = std::unique_ptr<const TypeSpec>;

// One array dimension of a declarator.
struct ArrayDim {
  enum class Kind {
    fixed,  // `[N]`: size
    open,   // `[]`
    star,   // `[*]`
    range,  // `[lo..hi]` (DCE): low, size holds hi (null for `[lo..*]`)
  };
  Kind kind = Kind::open;
  SourceRange range;
  ExprPtr size;
  ExprPtr low;
};

// `*const *name[2][]`: pointers (outermost first, with their own `const`), the name, the dims.
struct Declarator {
  SourceRange range;
  std::string name;  // empty for an unnamed parameter: `void f(long)`
  SourceRange name_range;
  std::vector<bool> pointer_const;  // one entry per `*`, outermost first
  std::vector<ArrayDim> dims;
  bool function_pointer = false;  // `(*name)(params)`: kept, not marshallable
  size_t pointer_depth() const { return pointer_const.size(); }
};

// ---------------------------------------------------------------------------------------------
// Members of aggregate types

// `[attrs] type decl1, decl2;` inside a struct (or one arm of a union).
struct Field {
  SourceRange range;
  AttributeList attrs;
  TypeSpecPtr type;
  std::vector<Declarator> declarators;
};

// One arm of a union. Non-encapsulated (MIDL/pidl): `[case(1)] long x;`, `[default];`
// (labels are in attrs: `attrs` holds only the `case` and `default` attributes, every other
// attribute of the arm, `[case(1), string] char *s;`, is on the field). Encapsulated (DCE): `case 1: case 2: long x;`, `default: ;`
// (labels in case_labels / is_default). An empty arm has no field.
struct UnionArm {
  SourceRange range;
  AttributeList attrs;
  std::vector<ExprPtr> case_labels;
  bool is_default = false;
  std::optional<Field> field;
};

struct EnumMember {
  SourceRange range;
  AttributeList attrs;  // MIDL type libraries: `[helpstring("...")] RED = 1`
  std::string name;
  ExprPtr value;  // may be null
};

// A struct, union, enum, bitmap or pipe type declaration (named, anonymous, or forward).
struct TypeDecl {
  enum class Kind { struct_, union_, enum_, bitmap };
  Kind kind = Kind::struct_;
  SourceRange range;
  SourceRange name_range;
  AttributeList attrs;
  std::string name;       // empty when anonymous
  bool forward = false;   // `struct foo;` (no body)
  std::vector<Field> fields;           // struct_
  std::vector<UnionArm> arms;          // union_
  std::vector<EnumMember> enumerators; // enum_ and bitmap (bitmap values are the flag masks)

  // Encapsulated union: `union name switch (long l) u { ... }`.
  bool encapsulated = false;
  TypeSpecPtr switch_type;
  std::string switch_name;
  std::string union_name;  // may be empty
};

// ---------------------------------------------------------------------------------------------
// Declarations

enum class DeclKind {
  import,      // `import "a.idl", "b.idl";`
  importlib,   // `importlib("stdole2.tlb");`
  cpp_quote,   // `cpp_quote("...")`
  pragma,      // a `#pragma` or `midl_pragma` line passed through: kept, ignored
  constant,    // `const T name = expr;`
  typedef_,    // `typedef [attrs] T d1, d2;`
  type,        // a struct/union/enum/bitmap declared on its own: `struct foo {...};`
  interface,   // `[attrs] interface name : base { ... }` or a forward `interface name;`
  operation,   // `[attrs] T name(params);`
  library,     // `library name { ... }` (MIDL type libraries: kept, not marshalled)
  coclass,     // `coclass name { [default] interface I; }`
  module,      // `module name { ... }`
  dispinterface,
  other,       // anything else tolerated and kept (TextDecl: keyword names it, text is the source);
               // keyword "property": a variable or dispinterface property `[id(1)] long x;`
};

struct Decl {
  explicit Decl(DeclKind k) : kind(k) {}
  virtual ~Decl() = default;
  DeclKind kind;
  SourceRange range;
  AttributeList attrs;

  template <typename T> const T* as() const {
    return kind == T::kKind ? static_cast<const T*>(this) : nullptr;
  }
};
using DeclPtr = std::unique_ptr<const Decl>;

struct ImportDecl : Decl {
  static constexpr DeclKind kKind = DeclKind::import;
  ImportDecl() : Decl(kKind) {}
  struct Item { std::string path; SourceRange range; };
  std::vector<Item> files;
};

// importlib, cpp_quote, pragma and other: `text` is the string or the rest of the line.
struct TextDecl : Decl {
  explicit TextDecl(DeclKind k) : Decl(k) {}
  std::string keyword;
  std::string text;
};

struct ConstDecl : Decl {
  static constexpr DeclKind kKind = DeclKind::constant;
  ConstDecl() : Decl(kKind) {}
  TypeSpecPtr type;
  Declarator declarator;
  ExprPtr value;
};

struct TypedefDecl : Decl {
  static constexpr DeclKind kKind = DeclKind::typedef_;
  TypedefDecl() : Decl(kKind) {}
  TypeSpecPtr type;  // may be an inline_decl
  std::vector<Declarator> declarators;
  // attrs (inherited): the attributes before the type: `typedef [public,v1_enum] enum {...} x;`
};

struct TypeDeclStmt : Decl {
  static constexpr DeclKind kKind = DeclKind::type;
  TypeDeclStmt() : Decl(kKind) {}
  std::unique_ptr<const TypeDecl> decl;
};

struct Param {
  SourceRange range;
  AttributeList attrs;
  TypeSpecPtr type;
  Declarator declarator;
};

struct OperationDecl : Decl {
  static constexpr DeclKind kKind = DeclKind::operation;
  OperationDecl() : Decl(kKind) {}
  TypeSpecPtr return_type;
  std::vector<bool> return_pointer_const;  // `char *f()`: one entry per `*`
  std::string name;
  SourceRange name_range;
  std::vector<Param> params;  // `f(void)` gives none
  bool varargs = false;       // `...` (kept, not marshallable)
};

// An interface, library, module, coclass or dispinterface: a named scope of declarations.
struct ScopeDecl : Decl {
  explicit ScopeDecl(DeclKind k) : Decl(k) {}
  std::string name;
  SourceRange name_range;
  std::string base;  // `interface IFoo : IUnknown`
  SourceRange base_range;
  bool forward = false;  // `interface IFoo;`
  std::vector<DeclPtr> body;
};

// One input file after preprocessing and parsing.
struct File {
  std::string path;  // as found on disk
  uint32_t unit = 0; // its preprocessed unit in the SourceManager
  std::vector<DeclPtr> decls;
};

}  // namespace nca::idl::ast
