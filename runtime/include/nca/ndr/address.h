// pidl's address types in text form: ipv6address is 16 octets on the wire (network order, no
// alignment of its own) and text in the value: push accepts what inet_pton accepts, pull gives
// eight 4-digit groups ("fe80:0000:...:0003"), as Samba's ndr_push/pull_ipv6address do.
// ipv4address stays in the generated code.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nca::ndr {

// The 16 octets of an IPv6 address in text form; nullopt when `text` is not one.
std::optional<std::array<std::uint8_t, 16>> ipv6_from_text(std::string_view text);
// Eight groups of four lowercase hex digits separated by ':', nothing compressed.
std::string ipv6_to_text(const std::array<std::uint8_t, 16>& octets);

}  // namespace nca::ndr
