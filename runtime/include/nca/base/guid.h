// Guid: a DCE UUID / Microsoft GUID, the one type for interface, object and context-handle
// identities in every layer (rpc::Uuid and ndr::Guid name it too).
//
// The 16 bytes are kept in the order of the text form ("8a885d04-1ceb-..." gives bytes 8a 88 5d
// 04 1c eb ...), i.e. RFC 4122 network order, so comparing bytes orders GUIDs as their text and
// as their fields. On the wire (C706 appendix A, NDR) a GUID is the fields time_low (u32),
// time_mid (u16), time_hi_and_version (u16) in the stream's byte order, then clock_seq (2 bytes)
// and node (6 bytes) as they are: to_wire() and from_wire() are that conversion, the fields'
// accessors are it for encoders that write integers themselves.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace nca::base {

struct Guid {
  static constexpr std::size_t kWireSize = 16;

  std::array<std::uint8_t, 16> bytes{};

  // Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", either case, optionally in braces
  // ("{...}", as Windows writes GUIDs); nullopt for anything else.
  static constexpr std::optional<Guid> parse(std::string_view text);
  // For constants in code and in generated code: a malformed literal is a compile-time error.
  static consteval Guid from_literal(std::string_view text) {
    auto g = parse(text);
    if (!g) invalid_guid_literal();
    return *g;
  }
  static constexpr Guid from_fields(std::uint32_t time_low, std::uint16_t time_mid,
                                    std::uint16_t time_hi_and_version,
                                    std::array<std::uint8_t, 2> clock_seq,
                                    std::array<std::uint8_t, 6> node) {
    Guid g;
    put_be(g.bytes.data(), time_low, 4);
    put_be(g.bytes.data() + 4, time_mid, 2);
    put_be(g.bytes.data() + 6, time_hi_and_version, 2);
    for (std::size_t i = 0; i < 2; ++i) g.bytes[8 + i] = clock_seq[i];
    for (std::size_t i = 0; i < 6; ++i) g.bytes[10 + i] = node[i];
    return g;
  }

  constexpr std::uint32_t time_low() const { return std::uint32_t(get_be(bytes.data(), 4)); }
  constexpr std::uint16_t time_mid() const { return std::uint16_t(get_be(bytes.data() + 4, 2)); }
  constexpr std::uint16_t time_hi_and_version() const {
    return std::uint16_t(get_be(bytes.data() + 6, 2));
  }
  // clock_seq and node: bytes[8..9] and bytes[10..15], the same on the wire as in text.

  // The NDR wire form: the first three fields little- or big-endian, then 8 bytes as they are.
  constexpr void to_wire(std::span<std::uint8_t, kWireSize> out, bool little_endian) const {
    for (std::size_t i = 0; i < kWireSize; ++i) out[i] = bytes[wire_index(i, little_endian)];
  }
  static constexpr Guid from_wire(std::span<const std::uint8_t, kWireSize> in,
                                  bool little_endian) {
    Guid g;
    for (std::size_t i = 0; i < kWireSize; ++i) g.bytes[wire_index(i, little_endian)] = in[i];
    return g;
  }

  constexpr bool is_nil() const {
    for (std::uint8_t b : bytes)
      if (b != 0) return false;
    return true;
  }
  std::string to_string() const;  // lowercase, 36 characters, no braces
  friend constexpr auto operator<=>(const Guid&, const Guid&) = default;

 private:
  static void invalid_guid_literal();  // not constexpr: calling it fails constant evaluation

  // Which text-order byte is wire byte `i`: a little-endian stream reverses each of the first
  // three fields (4, 2, 2 bytes); the conversion is its own inverse.
  static constexpr std::size_t wire_index(std::size_t i, bool little_endian) {
    if (!little_endian || i >= 8) return i;
    if (i < 4) return 3 - i;
    return i < 6 ? 9 - i : 13 - i;
  }
  static constexpr void put_be(std::uint8_t* p, std::uint32_t v, int n) {
    for (int i = 0; i < n; ++i) p[i] = std::uint8_t(v >> (8 * (n - 1 - i)));
  }
  static constexpr std::uint32_t get_be(const std::uint8_t* p, int n) {
    std::uint32_t v = 0;
    for (int i = 0; i < n; ++i) v = v << 8 | p[i];
    return v;
  }
};

constexpr std::optional<Guid> Guid::parse(std::string_view text) {
  if (text.size() == 38 && text.front() == '{' && text.back() == '}') text = text.substr(1, 36);
  if (text.size() != 36) return std::nullopt;
  Guid g;
  std::size_t out = 0;
  for (std::size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int nibbles[2];
    for (int& nibble : nibbles) {
      char c = text[i++];
      if (c >= '0' && c <= '9') nibble = c - '0';
      else if (c >= 'a' && c <= 'f') nibble = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') nibble = c - 'A' + 10;
      else return std::nullopt;
    }
    g.bytes[out++] = static_cast<std::uint8_t>(nibbles[0] << 4 | nibbles[1]);
  }
  return g;
}

}  // namespace nca::base
