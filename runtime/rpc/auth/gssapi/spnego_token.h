// The mechanism token a SPNEGO token carries (RFC 4178 4.2): the mechToken of a NegTokenInit
// (inside its GSS-API framing, [APPLICATION 0]) or the responseToken of a NegTokenResp. Only
// read, to find an NTLMSSP AUTHENTICATE message's flags when NTLMSSP runs under SPNEGO; the
// SPNEGO exchange itself is MIT's.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace nca::rpc::auth::gss {

// The inner token of `token` (a view into it), or nullopt when it is not a SPNEGO token with
// one or its DER encoding is malformed.
std::optional<std::span<const uint8_t>> spnego_inner_token(std::span<const uint8_t> token);

// Whether `token` is a SPNEGO NegTokenResp carrying a mechListMIC ([3]).
bool spnego_has_mech_list_mic(std::span<const uint8_t> token);

}  // namespace nca::rpc::auth::gss
