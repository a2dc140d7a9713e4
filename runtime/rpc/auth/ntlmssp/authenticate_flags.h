// The NegotiateFlags an NTLMSSP AUTHENTICATE_MESSAGE carries (MS-NLMP 2.2.1.3): the flags both
// sides of a connection-oriented session use from then on. gss-ntlmssp exports the session key
// (GSS_C_INQ_SSPI_SESSION_KEY) but not the flags, and the per-message layer needs them (key
// exchange, key strength), so the provider reads them from the last token, which both sides see.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace nca::rpc::auth::ntlmssp {

// The flags of `token` if it is an AUTHENTICATE_MESSAGE ("NTLMSSP\0", type 3, long enough to
// hold the flags at offset 60); nullopt otherwise.
std::optional<uint32_t> authenticate_flags(std::span<const uint8_t> token);

}  // namespace nca::rpc::auth::ntlmssp
