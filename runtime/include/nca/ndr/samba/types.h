// Value types of pidl built-ins that generated types name (nca/ndr/samba/builtins.h marshals
// them). Kept apart so that generated *_types.h headers need no engine header.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace nca::ndr::samba {

// A security identifier as Samba's `struct dom_sid` holds it (security.idl declares it
// [nopull,nopush]: its IDL body is not its wire form).
struct DomSid {
  std::uint8_t sid_rev_num = 0;
  std::int8_t num_auths = 0;  // 0..15: how many of sub_auths are used
  std::array<std::uint8_t, 6> id_auth{};
  std::array<std::uint32_t, 15> sub_auths{};
  bool operator==(const DomSid&) const = default;
};
// "S-1-5-21-..." (the authority in decimal when it fits 32 bits, else 0x-hex, as Samba prints).
std::string to_string(const DomSid& sid);
// JSON: {"sid_rev_num", "num_auths", "id_auth": [6], "sub_auths": [num_auths]}.
void to_json(nlohmann::json& j, const DomSid& sid);
void from_json(const nlohmann::json& j, DomSid& sid);

}  // namespace nca::ndr::samba
