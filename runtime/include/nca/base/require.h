// NCA_REQUIRE(condition [, message]): broken preconditions and our own bugs (never data from the
// wire). On failure it prints the place, the condition, the values of its operands and the
// message, then aborts: these are bugs, not expected failures.
//
//   NCA_REQUIRE(n == expected, "short frame");
//   -> pdu.cpp:42: NCA_REQUIRE(n == expected) failed [3 == 4]: short frame
//
// A comparison at the top of the condition (==, !=, <, <=, >, >=) is split so that both operands
// are printed; any other condition prints its value when that is not a plain bool. The message
// is evaluated only on failure. Operands print with to_string() (member or found by ADL) when
// they have one, as numbers when they are integers or enums, quoted when they are strings.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace nca::base::detail {

// The one line NCA_REQUIRE prints (without the newline); separate so tests can check it.
std::string require_message(std::string_view condition, std::string_view file, int line,
                            std::string_view operands, std::string_view message = {});
// Prints require_message() to stderr and aborts.
[[noreturn]] void require_failed(const char* condition, const char* file, int line,
                                 std::string_view operands, std::string_view message = {});

std::string describe_pointer(const void* p);
std::string describe_string(std::string_view s);

// ADL probe for a free to_string(v), kept out of nca::base::detail's own overloads.
namespace adl {
using std::to_string;
template <class T>
concept HasFreeToString = requires(const T& v) {
  { to_string(v) } -> std::convertible_to<std::string>;
};
template <class T>
std::string call_to_string(const T& v) {
  return to_string(v);
}
}  // namespace adl

// The printable form of one operand.
template <class T>
std::string describe(const T& v) {
  using U = std::remove_cvref_t<T>;
  if constexpr (std::is_same_v<U, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_same_v<U, std::nullptr_t>) {
    return "nullptr";
  } else if constexpr (std::is_pointer_v<U>) {
    if (v == nullptr) return "nullptr";
    if constexpr (std::is_convertible_v<U, std::string_view>) return describe_string(v);
    else return describe_pointer(static_cast<const void*>(v));
  } else if constexpr (std::is_convertible_v<const U&, std::string_view>) {
    return describe_string(std::string_view(v));
  } else if constexpr (std::is_integral_v<U>) {
    if constexpr (std::is_signed_v<U>) return std::to_string(static_cast<long long>(v));
    else return std::to_string(static_cast<unsigned long long>(v));
  } else if constexpr (std::is_enum_v<U>) {
    return describe(static_cast<std::underlying_type_t<U>>(v));
  } else if constexpr (std::is_floating_point_v<U>) {
    return std::to_string(v);
  } else if constexpr (requires { { v.to_string() } -> std::convertible_to<std::string>; }) {
    return v.to_string();
  } else if constexpr (adl::HasFreeToString<U>) {
    return adl::call_to_string(v);
  } else {
    return "(unprintable)";
  }
}

// What NCA_REQUIRE evaluated: whether it held and, only when it did not, the operands' text.
struct Evaluated {
  bool passed;
  std::string operands;
};

template <class L, class R>
struct Comparison {
  bool passed;
  const L& lhs;
  const R& rhs;
  const char* op;
  explicit operator bool() const { return passed; }
};

template <class L>
struct Operand {
  const L& value;
  explicit operator bool() const { return static_cast<bool>(value); }

  // The comparisons are computed here so the operands stay available for the message.
  template <class R> Comparison<L, R> operator==(const R& r) const { return {value == r, value, r, "=="}; }
  template <class R> Comparison<L, R> operator!=(const R& r) const { return {value != r, value, r, "!="}; }
  template <class R> Comparison<L, R> operator<(const R& r) const { return {value < r, value, r, "<"}; }
  template <class R> Comparison<L, R> operator<=(const R& r) const { return {value <= r, value, r, "<="}; }
  template <class R> Comparison<L, R> operator>(const R& r) const { return {value > r, value, r, ">"}; }
  template <class R> Comparison<L, R> operator>=(const R& r) const { return {value >= r, value, r, ">="}; }
};

// `Decomposer{} <= a == b` parses as `(Decomposer{} <= a) == b`: <= binds tighter than ==, !=,
// and as tightly as <, >, left to right, so the first operand is captured before the comparison.
struct Decomposer {
  template <class L>
  Operand<L> operator<=(const L& l) const {
    return {l};
  }
};

template <class L, class R>
Evaluated evaluate(const Comparison<L, R>& c) {
  if (c.passed) return {true, {}};
  return {false, describe(c.lhs) + " " + c.op + " " + describe(c.rhs)};
}
template <class L>
Evaluated evaluate(const Operand<L>& o) {
  if (static_cast<bool>(o.value)) return {true, {}};
  if constexpr (std::is_same_v<std::remove_cvref_t<L>, bool>) return {false, {}};
  else return {false, describe(o.value)};
}
// Conditions joined with && or || arrive as a plain bool (the operators stay built-in, so they
// still short-circuit).
inline Evaluated evaluate(bool b) { return {b, {}}; }

}  // namespace nca::base::detail

#if defined(__GNUC__)
#define NCA_REQUIRE_SUPPRESS_PARENTHESES_ _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wparentheses\"")
#define NCA_REQUIRE_RESTORE_ _Pragma("GCC diagnostic pop")
#else
#define NCA_REQUIRE_SUPPRESS_PARENTHESES_
#define NCA_REQUIRE_RESTORE_
#endif

#define NCA_REQUIRE(cond, ...)                                                                     \
  do {                                                                                             \
    NCA_REQUIRE_SUPPRESS_PARENTHESES_                                                              \
    if (const ::nca::base::detail::Evaluated nca_require_ =                                        \
            ::nca::base::detail::evaluate(::nca::base::detail::Decomposer{} <= cond);              \
        !nca_require_.passed) [[unlikely]]                                                         \
      ::nca::base::detail::require_failed(#cond, __FILE__, __LINE__,                               \
                                          nca_require_.operands __VA_OPT__(, __VA_ARGS__));        \
    NCA_REQUIRE_RESTORE_                                                                           \
  } while (false)
