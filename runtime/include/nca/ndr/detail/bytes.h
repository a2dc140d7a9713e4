// Private helpers shared by Push and Pull: byte swapping and the string-form flags.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <type_traits>

static_assert(std::endian::native == std::endian::little,
              "nca::ndr assumes a little-endian host (push writes memory order)");

namespace nca::ndr::detail {

template <class T>
inline T byteswap(T v) noexcept {
  static_assert(std::is_arithmetic_v<T>);
  if constexpr (sizeof(T) == 1) {
    return v;
  } else if constexpr (std::is_floating_point_v<T>) {
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    return std::bit_cast<T>(byteswap(std::bit_cast<U>(v)));
  } else if constexpr (sizeof(T) == 2) {
    return static_cast<T>(__builtin_bswap16(static_cast<std::uint16_t>(v)));
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<T>(__builtin_bswap32(static_cast<std::uint32_t>(v)));
  } else {
    return static_cast<T>(__builtin_bswap64(static_cast<std::uint64_t>(v)));
  }
}

// Identity of a C++ type without RTTI, for the full-pointer tables (one address per T).
template <class T>
inline constexpr char kTypeKey = 0;
template <class T>
constexpr const void* type_key() noexcept {
  return &kTypeKey<T>;
}

}  // namespace nca::ndr::detail
