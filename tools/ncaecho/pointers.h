// Reading and filling values that the IDL reaches through pointers, whatever C++ form the types
// back end gives the pointer (a plain T for [ref], nca::ndr::Unique<T> for [unique]).
#pragma once

#include "nca/ndr/types.h"

namespace ncaecho {

// The value itself, or the value in the box (created empty if the box is null).
template <class T>
T& filled(T& v) { return v; }
template <class T>
auto& filled(nca::ndr::Unique<T>& u) {
  if (!u) u.emplace();
  return filled(*u);
}

// A pointer to the innermost value, or nullptr when any box on the way is null.
template <class T>
const T* innermost(const T& v) { return &v; }
template <class T>
auto innermost(const nca::ndr::Unique<T>& u) -> decltype(innermost(*u)) {
  return u ? innermost(*u) : nullptr;
}

}  // namespace ncaecho
