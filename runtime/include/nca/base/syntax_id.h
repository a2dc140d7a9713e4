// SyntaxId: an abstract or transfer syntax (an interface or a transfer syntax such as NDR): a
// GUID and a version MAJOR.MINOR.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nca/base/guid.h"

namespace nca::base {

struct SyntaxId {
  Guid uuid;
  std::uint16_t major = 0;
  std::uint16_t minor = 0;

  // The one 32-bit if_version of the wire's syntax id (C706 p_syntax_id_t, MS-RPCE
  // RPC_SYNTAX_IDENTIFIER as sent): major in the low half, minor in the high half.
  constexpr std::uint32_t if_version() const {
    return std::uint32_t{major} | std::uint32_t{minor} << 16;
  }
  static constexpr SyntaxId from_if_version(const Guid& uuid, std::uint32_t if_version) {
    return SyntaxId{uuid, std::uint16_t(if_version & 0xffff), std::uint16_t(if_version >> 16)};
  }

  // A UUID (as Guid::parse takes it) and "MAJOR.MINOR" (decimal, each 0..65535, no sign or
  // spaces); nullopt if either is malformed.
  static std::optional<SyntaxId> parse(std::string_view uuid, std::string_view version);
  // The form to_string() writes: "UUID vMAJOR.MINOR".
  static std::optional<SyntaxId> parse(std::string_view text);

  friend constexpr auto operator<=>(const SyntaxId&, const SyntaxId&) = default;
};

// "8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0"
std::string to_string(const SyntaxId& id);

}  // namespace nca::base
