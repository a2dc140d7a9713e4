// Result<T, E>: a value or an error, the one such template of nca (net::Result and rpc::Result
// are names for it with their own error types).
//
//   Result<Address> a = Address::parse(text);
//   if (!a) return a.status();      // or a.error()
//   use(*a);
//
// Reading the side a Result does not hold is a bug (NCA_REQUIRE). An error type can say how a
// Result checks and describes it by specialising ResultErrorTraits (net::Status does: a Result
// must not hold an ok Status, and a failed value() prints the status's message).
#pragma once

#include <concepts>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

#include "nca/base/require.h"

namespace nca::base {

template <class E>
struct ResultErrorTraits {
  // Called when a Result is made from an error.
  static void check(const E&) {}
  // The text NCA_REQUIRE prints when value() is read from a Result holding `e`.
  static std::string describe(const E&) { return "value() of a failed Result"; }
};

// E must not be usable as T (a value and an error are told apart by their types).
template <class T, class E>
class Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(E error) : v_(std::in_place_index<1>, std::move(error)) {
    ResultErrorTraits<E>::check(std::get<1>(v_));
  }
  // An error made in place from its constructor's arguments (net: `return Errc::eof;`).
  template <class... A>
    requires(sizeof...(A) >= 1 && std::is_constructible_v<E, A...> && !std::is_constructible_v<T, A...> &&
             !(sizeof...(A) == 1 && (std::is_same_v<std::remove_cvref_t<A>, E> && ...)))
  Result(A&&... args) : Result(E(std::forward<A>(args)...)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    require_value();
    return std::get<0>(v_);
  }
  const T& value() const& {
    require_value();
    return std::get<0>(v_);
  }
  T&& value() && {
    require_value();
    return std::get<0>(std::move(v_));
  }
  const E& error() const {
    NCA_REQUIRE(!ok(), "error() of a successful Result");
    return std::get<1>(v_);
  }
  E&& take_error() && {
    NCA_REQUIRE(!ok(), "error() of a successful Result");
    return std::get<1>(std::move(v_));
  }
  // The error, or a default E (an ok status) when the Result holds a value.
  E status() const
    requires std::default_initializable<E>
  {
    return ok() ? E() : std::get<1>(v_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void require_value() const { NCA_REQUIRE(ok(), ResultErrorTraits<E>::describe(std::get<1>(v_))); }

  std::variant<T, E> v_;
};

}  // namespace nca::base
