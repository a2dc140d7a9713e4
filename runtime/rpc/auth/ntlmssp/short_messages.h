// gss-ntlmssp 1.2 decodes NEGOTIATE and AUTHENTICATE messages only in their long form, with the
// 8-byte Version field (and, in AUTHENTICATE, the 16-byte MIC) in the header; MS-NLMP 2.2.1.1
// and 2.2.1.3 let a client that does not set NTLMSSP_NEGOTIATE_VERSION leave them out and start
// the payload right after the fixed fields, as Impacket's client does (32- and 64-byte headers).
// gss-ntlmssp then answers "Failed to decode data" or EINVAL.
//
// lengthen_for_gss_ntlmssp() gives the mechanism such a message in the long form: the same
// fields with zeroed Version and MIC inserted and every payload offset moved past them. Nothing
// the client signed changes meaning: without the VERSION flag the Version is ignored, and a
// short AUTHENTICATE cannot carry a MIC (a client that put MsvAvFlags' MIC bit in its NTLMv2
// response with no MIC fails the check, as it would anywhere). Any other token: nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace nca::rpc::auth::ntlmssp {

std::optional<std::vector<uint8_t>> lengthen_for_gss_ntlmssp(std::span<const uint8_t> token);

}  // namespace nca::rpc::auth::ntlmssp
