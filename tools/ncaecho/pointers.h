// Reading and filling values that the IDL reaches through pointers, whatever C++ form the types
// back end gives the pointer (a plain T for [ref], nca::ndr::Unique<T> or std::optional<T> for
// [unique]).
#pragma once

#include <optional>
#include <type_traits>

#include "nca/ndr/types.h"

namespace ncaecho {

template <class T>
struct Innermost {
  using type = T;
  static constexpr bool boxed = false;
};
template <class T>
struct Innermost<nca::ndr::Unique<T>> {
  using type = typename Innermost<T>::type;
  static constexpr bool boxed = true;
};

template <class T>
struct Innermost<std::optional<T>> {
  using type = typename Innermost<T>::type;
  static constexpr bool boxed = true;
};

// The value itself, or the value in the box (created empty if the box is null), through every
// level of boxes.
template <class T>
typename Innermost<T>::type& filled(T& v) {
  if constexpr (Innermost<T>::boxed) {
    if (!v) v.emplace();
    return filled(*v);
  } else {
    return v;
  }
}

// A pointer to the innermost value, or nullptr when any box on the way is null.
template <class T>
const typename Innermost<T>::type* innermost(const T& v) {
  if constexpr (Innermost<T>::boxed) {
    return v ? innermost(*v) : nullptr;
  } else {
    return &v;
  }
}

}  // namespace ncaecho
