// Constant evaluation over the AST's expression trees (see const_eval.h for the contract).
#include "sema/const_eval.h"

#include "diag/diagnostics.h"

namespace nca::idl::sema {

using ir::Int;

ConstEvaluator::ConstEvaluator(DiagnosticEngine& diags, NameLookup names, SizeofLookup sizes)
    : diags_(diags), names_(std::move(names)), sizes_(std::move(sizes)) {}

std::optional<Int> ConstEvaluator::parse_integer_literal(const std::string& text) {
  size_t end = text.size();
  // Suffixes (u, l, ll, i64 in any case) carry no meaning here: values are exact.
  while (end > 0 && (text[end - 1] == 'u' || text[end - 1] == 'U' || text[end - 1] == 'l' ||
                     text[end - 1] == 'L'))
    --end;
  if (end >= 3 && (text.compare(end - 3, 3, "i64") == 0 || text.compare(end - 3, 3, "I64") == 0))
    end -= 3;
  size_t pos = 0;
  int base = 10;
  if (end >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    pos = 2;
  } else if (end >= 2 && text[0] == '0') {
    base = 8;
    pos = 1;
  }
  if (pos >= end) return base == 8 ? std::optional<Int>(0) : std::nullopt;
  Int v = 0;
  for (; pos < end; ++pos) {
    char c = text[pos];
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    if (d >= base) return std::nullopt;
    v = v * base + d;
    if (v > kIntMax) return std::nullopt;  // checked each digit: no 128-bit overflow either
  }
  return v;
}

std::optional<Int> ConstEvaluator::evaluate(const ast::Expr& e) { return eval(e, 0); }

std::optional<Int> ConstEvaluator::checked(Int v, const ast::Expr& where) {
  if (v < kIntMin || v > kIntMax) {
    diags_.error(where.range, "integer overflow in constant expression", "constant-overflow");
    return std::nullopt;
  }
  return v;
}

std::optional<Int> ConstEvaluator::eval(const ast::Expr& e, int depth) {
  if (depth > kMaxExprDepth) {
    diags_.error(e.range, "expression is nested too deeply", "expression-too-deep");
    return std::nullopt;
  }
  auto operand = [&](size_t i) -> std::optional<Int> {
    if (i >= e.operands.size() || !e.operands[i]) return std::nullopt;
    return eval(*e.operands[i], depth + 1);
  };
  switch (e.kind) {
    case ast::ExprKind::integer: {
      auto v = parse_integer_literal(e.text);
      if (!v) diags_.error(e.range, "integer literal '" + e.text + "' is invalid or too large",
                           "invalid-integer");
      return v;
    }
    case ast::ExprKind::char_lit: {
      if (e.text.empty()) {
        diags_.error(e.range, "empty character constant", "invalid-integer");
        return std::nullopt;
      }
      return static_cast<Int>(static_cast<unsigned char>(e.text[0]));
    }
    case ast::ExprKind::identifier: {
      NameValue nv = names_ ? names_(e.text, e.range) : NameValue{};
      switch (nv.status) {
        case NameValue::Status::value: return nv.value;
        case NameValue::Status::not_constant:
          diags_.error(e.range, "'" + e.text + "' is not a constant", "not-constant");
          return std::nullopt;
        case NameValue::Status::unknown:
          diags_.error(e.range, "use of undeclared identifier '" + e.text + "'",
                       "undeclared-identifier");
          return std::nullopt;
        case NameValue::Status::error_reported: return std::nullopt;
      }
      return std::nullopt;
    }
    case ast::ExprKind::unary: {
      if (e.text == "*" || e.text == "&") break;
      auto a = operand(0);
      if (!a) return std::nullopt;
      if (e.text == "-") return checked(-*a, e);
      if (e.text == "+") return *a;
      if (e.text == "~") return checked(-*a - 1, e);
      if (e.text == "!") return Int(*a == 0);
      break;
    }
    case ast::ExprKind::binary: {
      auto a = operand(0);
      if (!a) return std::nullopt;
      // && and || short-circuit as in C, so `n && 10 / n` is fine for n == 0.
      if (e.text == "&&" && *a == 0) return Int(0);
      if (e.text == "||" && *a != 0) return Int(1);
      auto b = operand(1);
      if (!b) return std::nullopt;
      const Int x = *a, y = *b;
      const std::string& op = e.text;
      if (op == "&&" || op == "||") return Int(y != 0);
      if (op == "+") return checked(x + y, e);
      if (op == "-") return checked(x - y, e);
      if (op == "*") {
        Int r;
        if (__builtin_mul_overflow(x, y, &r)) return checked(kIntMax + 1, e);
        return checked(r, e);
      }
      if (op == "/" || op == "%") {
        if (y == 0) {
          diags_.error(e.range, "division by zero in constant expression", "division-by-zero");
          return std::nullopt;
        }
        return checked(op == "/" ? x / y : x % y, e);  // truncation toward zero, as in C
      }
      if (op == "<<" || op == ">>") {
        if (y < 0 || y >= 64) {
          diags_.error(e.range, "shift count " + ir::to_string(y) + " is out of range",
                       "shift-out-of-range");
          return std::nullopt;
        }
        if (op == ">>") return x >> static_cast<int>(y);
        // x < 2^64 and y < 64, so the exact result fits in 128 bits unless x is huge and negative.
        Int r;
        if (__builtin_mul_overflow(x, static_cast<Int>(1) << static_cast<int>(y), &r))
          return checked(kIntMax + 1, e);
        return checked(r, e);
      }
      if (op == "&") return checked(x & y, e);
      if (op == "|") return checked(x | y, e);
      if (op == "^") return checked(x ^ y, e);
      if (op == "<") return Int(x < y);
      if (op == ">") return Int(x > y);
      if (op == "<=") return Int(x <= y);
      if (op == ">=") return Int(x >= y);
      if (op == "==") return Int(x == y);
      if (op == "!=") return Int(x != y);
      break;
    }
    case ast::ExprKind::ternary: {
      auto c = operand(0);
      if (!c) return std::nullopt;
      return operand(*c != 0 ? 1 : 2);
    }
    case ast::ExprKind::cast: {
      // A cast keeps the exact value; the declared type of what receives it checks the range.
      return operand(0);
    }
    case ast::ExprKind::sizeof_type: {
      if (e.cast_type && sizes_) {
        if (auto s = sizes_(*e.cast_type)) return Int(*s);
      }
      diags_.error(e.range, "'sizeof' of this type is not a constant", "not-constant");
      return std::nullopt;
    }
    default: break;
  }
  diags_.error(e.range, "expression is not an integer constant", "not-constant");
  return std::nullopt;
}

}  // namespace sema
