// Constant evaluation with exact integer semantics.
//
// Every intermediate value is a mathematical integer that must lie in [-2^63, 2^64 - 1]; leaving
// that range, dividing by zero or shifting by a negative or too-large amount is an error (never a
// silent wrap). Errors go to the DiagnosticEngine; a failed evaluation returns nullopt and the
// caller reports nothing more about it.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "frontend/ast.h"
#include "ir/ir.h"

namespace nca::idl {

class DiagnosticEngine;

namespace sema {

inline constexpr ir::Int kIntMin = -(static_cast<ir::Int>(1) << 63);
inline constexpr ir::Int kIntMax = (static_cast<ir::Int>(1) << 64) - 1;
inline constexpr int kMaxExprDepth = 256;

// How an identifier inside a constant expression resolves.
struct NameValue {
  enum class Status { value, not_constant, unknown, error_reported };
  Status status = Status::unknown;
  ir::Int value = 0;
};
using NameLookup = std::function<NameValue(const std::string& name, SourceRange where)>;

// The size in bytes that `sizeof(type)` gives, or nullopt when the type has none.
using SizeofLookup = std::function<std::optional<uint64_t>(const ast::TypeSpec& type)>;

class ConstEvaluator {
 public:
  // `diags` must outlive the evaluator; the lookups are called during evaluate() only.
  ConstEvaluator(DiagnosticEngine& diags, NameLookup names, SizeofLookup sizes = {});

  // Evaluates `e`; reports the first problem found and returns nullopt.
  std::optional<ir::Int> evaluate(const ast::Expr& e);

  // Parses an integer literal as written (`0x1F`, `017`, `10UL`); nullopt if malformed or too large.
  static std::optional<ir::Int> parse_integer_literal(const std::string& text);

 private:
  std::optional<ir::Int> eval(const ast::Expr& e, int depth);
  std::optional<ir::Int> checked(ir::Int v, const ast::Expr& where);

  DiagnosticEngine& diags_;
  NameLookup names_;
  SizeofLookup sizes_;
};

}  // namespace sema
}  // namespace nca::idl
