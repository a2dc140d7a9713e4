// Authentication levels and types as DCE/RPC carries them in the sec_trailer (C706 13.1.2.1,
// MS-RPCE 2.2.1.1.7-2.2.1.1.8), shared by every engine and provider.
#pragma once

#include <cstdint>
#include <string_view>

namespace nca::rpc::auth {

// auth_level. An unauthenticated association is `none` (no trailer at all).
enum class Level : uint8_t {
  none = 1,
  connect = 2,    // authenticated once, at bind; requests and responses carry no trailer
  call = 3,       // treated as packet, as Windows does (MS-RPCE 2.2.1.1.8)
  packet = 4,     // every fragment signed (header and trailer; the stub too)
  integrity = 5,  // the same, as sign
  privacy = 6,    // every fragment signed and its stub sealed
};
std::string_view to_string(Level level);
// True for connect..privacy: the levels a sec_trailer may carry.
constexpr bool is_valid(uint8_t level) { return level >= 2 && level <= 6; }
// Levels at which request/response/fault fragments carry a verifier (packet and above; call is
// raised to packet).
constexpr bool protects_pdus(Level level) { return level >= Level::call; }

// auth_type values registered by Microsoft (MS-RPCE 2.2.1.1.7) and Samba.
using AuthType = uint8_t;
inline constexpr AuthType kAuthTypeNone = 0x00;
inline constexpr AuthType kAuthTypeSpnego = 0x09;
inline constexpr AuthType kAuthTypeNtlmssp = 0x0a;
inline constexpr AuthType kAuthTypeKerberos = 0x10;
inline constexpr AuthType kAuthTypeNetlogon = 0x44;  // schannel
inline constexpr AuthType kAuthTypeDefault = 0xff;   // RPC_C_AUTHN_DEFAULT, never on the wire

}  // namespace nca::rpc::auth
