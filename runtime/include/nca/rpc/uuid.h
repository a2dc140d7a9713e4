// Uuid and SyntaxId: interface and object identities, and the transfer syntaxes.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nca::rpc {

// A UUID in the byte order of its text form ("8a885d04-1ceb-..." gives bytes 8a 88 5d 04 1c eb
// ...), i.e. RFC 4122 network order. NDR puts the first three fields on the wire in the stream's
// byte order; converting is the NDR layer's job.
struct Uuid {
  std::array<uint8_t, 16> bytes{};

  // Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (either case); nullopt for anything else.
  static constexpr std::optional<Uuid> parse(std::string_view text);
  // For constants in generated code: a malformed literal is a compile-time error.
  static consteval Uuid from_literal(std::string_view text) {
    auto u = parse(text);
    if (!u) invalid_uuid_literal();
    return *u;
  }

  constexpr bool is_nil() const {
    for (uint8_t b : bytes)
      if (b != 0) return false;
    return true;
  }
  std::string to_string() const;  // lowercase, 36 characters
  friend constexpr auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  static void invalid_uuid_literal();  // not constexpr: calling it fails constant evaluation
};

// An abstract or transfer syntax: a UUID and a version (major.minor).
struct SyntaxId {
  Uuid uuid;
  uint16_t major = 0;
  uint16_t minor = 0;
  friend constexpr auto operator<=>(const SyntaxId&, const SyntaxId&) = default;
};

// "8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0"
std::string to_string(const SyntaxId& id);

constexpr std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid u;
  size_t out = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = -1, lo = -1;
    for (int* nibble : {&hi, &lo}) {
      char c = text[i++];
      if (c >= '0' && c <= '9') *nibble = c - '0';
      else if (c >= 'a' && c <= 'f') *nibble = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') *nibble = c - 'A' + 10;
      else return std::nullopt;
    }
    u.bytes[out++] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return u;
}

inline constexpr SyntaxId kNdr20{Uuid::from_literal("8a885d04-1ceb-11c9-9fe8-08002b104860"), 2, 0};
inline constexpr SyntaxId kNdr64{Uuid::from_literal("71710533-beba-4937-8319-b5dbef9ccc36"), 1, 0};

}  // namespace nca::rpc
