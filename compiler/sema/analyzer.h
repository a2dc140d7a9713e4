// Private to semantic analysis: the Analyzer that analyze() runs, shared by analyze.cpp (symbols,
// declarations, interfaces) and elements.cpp (levels and reference expressions).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "diag/diagnostics.h"
#include "frontend/frontend.h"
#include "ir/ir.h"
#include "sema/analyze.h"
#include "sema/attributes.h"

namespace nca::idl::sema::detail {

// One pointer or array position of an element, before attributes turn it into levels.
struct Slot {
  bool is_pointer = false;
  std::optional<ir::PointerKind> kind;  // a pointer's explicit kind (from a typedef)
  const ast::ArrayDim* dim = nullptr;   // an array (from the element's or a typedef's declarator)
  bool string = false;                  // [string] applies here
};

enum class BuildState { pending, building, done };

// A type declaration and the IR type made from it.
struct TypeEntry {
  ir::Type* type = nullptr;  // owned by Analyzer::types_
  size_t file = 0;
  std::string scope;
  // Aggregates and enums: the declaration and the attribute lists that apply (the typedef's and
  // the declaration's own).
  const ast::TypeDecl* decl = nullptr;
  std::vector<const ast::AttributeList*> attrs;
  // Aliases and pipes: the typedef's parts.
  const ast::TypeSpec* spec = nullptr;
  const ast::Declarator* declarator = nullptr;
  BuildState state = BuildState::pending;
  // Aliases, once built: their pointer/array positions and their data, for expansion in uses.
  std::vector<Slot> slots;
  std::optional<ir::DataLevel> data;
};

struct ConstEntry {
  const ast::ConstDecl* decl = nullptr;
  ir::Constant* constant = nullptr;
  BuildState state = BuildState::pending;
  bool ok = false;
};

struct Symbol {
  enum class Kind { type, constant, enumerator, interface };
  Kind kind = Kind::type;
  SourceRange range;
  size_t file = 0;
  TypeEntry* type = nullptr;    // type, enumerator (its enum)
  ConstEntry* constant = nullptr;
  size_t index = 0;             // enumerator: position; interface: index into interface_decls_
};

// What a reference expression (size_is, switch_is, ...) may name.
struct Sibling {
  std::string name;
  const ast::TypeSpec* type = nullptr;
  const ast::Declarator* declarator = nullptr;
};

struct ElementScope {
  Place place = kField;
  const std::vector<Sibling>* siblings = nullptr;  // struct members or parameters
  ir::PointerKind pointer_default = ir::PointerKind::unique;
  bool top_level = false;  // parameters and return values: the outermost pointer is top-level
  std::string owner;       // for naming anonymous inline types
  bool top_level_ref = true;  // a top-level pointer defaults to ref (parameters, not results)
};

// Reads the names in pidl's `flag(A | B)` into `out` (0 adds nothing); a name that is not a LIBNDR
// flag (ir::parse_ndr_flag) is an error naming it.
void read_flag_names(const ast::Expr& e, ir::NdrFlags& out, DiagnosticEngine& diags);

// pidl's size functions in value(): strlen(m), strlen_m(m), strlen_m_term(m),
// strlen_m_term_null(m) and ndr_size_T(&m, flags), of a sibling member m. Null for any other call.
struct ValueCall {
  std::string function;  // the strlen spelling, or "ndr_size"
  std::string member;
  size_t sibling = 0;
};
std::optional<ValueCall> value_call(const ast::Expr& e, const ElementScope& scope);

class Analyzer {
 public:
  Analyzer(const ParsedProgram& program, DiagnosticEngine& diags, const SemaOptions& options);
  std::shared_ptr<const ir::Program> run();

  // elements.cpp
  // Builds an element from its attribute lists, type and declarator (null for a return value).
  ir::Element build_element(const std::vector<const ast::AttributeList*>& attrs,
                            const ast::TypeSpec& type, const ast::Declarator* decl,
                            const std::string& name, SourceRange range, const ElementScope& scope);
  // Resolves a reference expression against `scope`; nullopt after reporting a problem.
  std::optional<ir::Expr> build_ref_expr(const ast::Expr& e, const ElementScope& scope,
                                         const std::string& attr, int depth = 0);
  // The pointer/array positions and data of `type` written with `decl` (typedefs expanded);
  // false after reporting a problem (then `data` is a placeholder).
  bool gather(const ast::TypeSpec& type, const ast::Declarator* decl, std::vector<Slot>& slots,
              ir::DataLevel& data);
  // Applies the attributes that shape slots and data ([ref]..., [string], [context_handle],
  // charset, range, flag).
  void apply_shape_attrs(const std::vector<const ast::AttributeList*>& attrs,
                         std::vector<Slot>& slots, ir::DataLevel& data, const std::string& name,
                         SourceRange range);
  // Turns slots and data into levels, applying size/length/switch/subcontext attributes.
  std::vector<ir::Level> to_levels(const std::vector<const ast::AttributeList*>& attrs,
                                   const std::vector<Slot>& slots, ir::DataLevel data,
                                   const ElementScope& scope, const std::string& name,
                                   SourceRange range);
  // Evaluates an integer constant expression; nullopt after reporting a problem.
  std::optional<ir::Int> eval_const(const ast::Expr& e);

  // analyze.cpp
  // The type a TypeSpec names; reports unknown types. `owner` names anonymous inline types.
  struct Resolved {
    const ir::Builtin* builtin = nullptr;
    TypeEntry* entry = nullptr;
  };
  std::optional<Resolved> resolve_type(const ast::TypeSpec& spec, bool report = true);
  std::optional<Resolved> resolve_named(const std::string& name, SourceRange where, bool report);
  void ensure_built(TypeEntry& e);
  const Symbol* lookup(const std::string& name, SourceRange where, bool report_invisible);

  DiagnosticEngine& diags() { return diags_; }
  size_t current_file() const { return current_file_; }

 private:
  // Pass 1: declare every name.
  void declare_file(size_t file);
  void declare_decls(const std::vector<ast::DeclPtr>& decls, size_t file, const std::string& scope,
                     bool in_module = false);
  TypeEntry* declare_type_decl(const ast::TypeDecl& decl, size_t file, const std::string& scope,
                               const std::string& fallback_name,
                               const ast::AttributeList* typedef_attrs);
  void declare_field_inline(const ast::Field& field, size_t file, const std::string& scope,
                            const std::string& owner);
  bool add_symbol(const std::string& name, Symbol sym);
  void check_pidl_string_form(const ir::Element& e);
  TypeEntry* new_type(ir::TypeKind kind, const std::string& name, SourceRange range, size_t file,
                      const std::string& scope);

  // Pass 2: build.
  void build_struct(TypeEntry& e);
  void build_union(TypeEntry& e);
  void build_enum(TypeEntry& e);
  void build_alias(TypeEntry& e);  // elements.cpp
  void read_type_flags(TypeEntry& e);
  std::optional<Resolved> switch_type_of(const ast::AttrArg& arg);
  bool set_switch_type(const std::optional<Resolved>& r, SourceRange where,
                       const ir::Builtin*& builtin, const ir::Type*& enum_type);
  void build_constant(ConstEntry& c);
  void build_interfaces();
  void build_interface(size_t index);
  void build_operation(const ast::OperationDecl& op, ir::Interface& itf, uint32_t opnum);

  const ast::Attribute* type_attr(const TypeEntry& e, std::string_view name) const;
  ir::PointerKind pointer_default_for(const std::string& scope) const;
  void check_type_attributes(const TypeEntry& e, Place place);
  std::string suggest(const std::string& name);
  int suggestions_ = 0;

  const ParsedProgram& program_;
  DiagnosticEngine& diags_;
  SemaOptions options_;
  std::unique_ptr<ir::Program> out_;
  std::vector<std::unique_ptr<TypeEntry>> type_entries_;
  std::vector<std::unique_ptr<ConstEntry>> const_entries_;
  std::vector<ir::Type*> types_;  // every type, mutable until run() returns
  std::unordered_map<std::string, Symbol> symbols_;
  // pidl keeps interface names apart from type names (interface server_id holds struct
  // server_id): an interface whose name a type also has lives here, and only a base-interface
  // lookup sees it.
  std::unordered_map<std::string, Symbol> shadowed_interfaces_;
  struct DuplicateConstant {
    ConstEntry* first;
    ConstEntry* second;
    SourceRange where;
  };
  std::vector<DuplicateConstant> duplicate_constants_;
  struct DuplicateFlag {
    Symbol first;
    Symbol second;
    std::string name;
  };
  std::vector<DuplicateFlag> duplicate_flags_;
  // `typedef bitmap X X;`: a re-export of X declared elsewhere (checked once all are declared).
  std::vector<std::pair<std::string, SourceRange>> reexports_;
  std::unordered_map<std::string, TypeEntry*> tags_;  // struct/union/enum tags
  std::unordered_map<const ast::TypeDecl*, TypeEntry*> by_decl_;
  std::unordered_map<const ast::TypeSpec*, TypeEntry*> by_spec_;  // inline pipes
  std::unordered_map<const ir::Type*, TypeEntry*> entry_of_;
  std::unordered_set<std::string> forward_interfaces_;  // `interface IFoo;`
  std::unordered_map<std::string, std::vector<const ir::Type*>> scope_types_;
  std::unordered_map<std::string, std::vector<const ir::Constant*>> scope_constants_;
  std::unordered_map<std::string, ir::PointerKind> scope_pointer_default_;
  std::vector<std::vector<bool>> visible_;  // visible_[f][g]: file f sees file g's names
  size_t current_file_ = 0;
  // Building one declaration may build others first (a typedef's target, a constant's operands,
  // a base interface); chains of them are bounded so that hostile input cannot exhaust the stack.
  int build_depth_ = 0;
  bool depth_reported_ = false;
  bool enter(SourceRange where);  // false (after reporting once) when the chain is too long

  struct InterfaceDecl {
    const ast::ScopeDecl* decl = nullptr;
    size_t file = 0;
    BuildState state = BuildState::pending;
    size_t ir_index = SIZE_MAX;
    uint32_t op_count = 0;  // including inherited
  };
  std::vector<InterfaceDecl> interface_decls_;
};

}  // namespace nca::idl::sema::detail
