#include "short_messages.h"

#include <algorithm>
#include <cstring>

namespace nca::rpc::auth::ntlmssp {

namespace {

constexpr uint32_t kNegotiateVersion = 0x02000000;

uint32_t u32(std::span<const uint8_t> b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
         uint32_t(b[at + 3]) << 24;
}
uint16_t u16(std::span<const uint8_t> b, size_t at) { return uint16_t(b[at] | b[at + 1] << 8); }
void put_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i));
}

// The long form of a message whose fixed header ends at `header`, with `fields` payload field
// descriptors (8 bytes: len, maxlen, offset) from `first_field` on: `extra` zero bytes inserted
// at `header` and every offset moved past them. Nullopt when the message is not in the short
// form (no payload starts at `header`... before header + extra) or a field points outside it.
std::optional<std::vector<uint8_t>> lengthen(std::span<const uint8_t> token, size_t header,
                                             size_t first_field, size_t fields, size_t extra) {
  if (token.size() < header) return {};
  uint32_t lowest = uint32_t(token.size());
  for (size_t i = 0; i < fields; ++i) {
    size_t at = first_field + 8 * i;
    uint16_t len = u16(token, at);
    uint32_t offset = u32(token, at + 4);
    if (len == 0) continue;
    if (offset < header || size_t(offset) + len > token.size()) return {};
    lowest = std::min(lowest, offset);
  }
  if (lowest >= header + extra) return {};  // the long form already
  std::vector<uint8_t> out(token.begin(), token.begin() + header);
  out.resize(header + extra, 0);
  out.insert(out.end(), token.begin() + header, token.end());
  for (size_t i = 0; i < fields; ++i) {
    size_t at = first_field + 8 * i;
    uint32_t offset = u32(token, at + 4);
    put_u32(out, at + 4, u16(token, at) == 0 ? uint32_t(header + extra) : offset + uint32_t(extra));
  }
  return out;
}

}  // namespace

std::optional<std::vector<uint8_t>> lengthen_for_gss_ntlmssp(std::span<const uint8_t> token) {
  constexpr uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
  if (token.size() < 16 || std::memcmp(token.data(), kSignature, 8) != 0) return {};
  switch (u32(token, 8)) {
    case 1:  // NEGOTIATE: flags at 12, domain and workstation at 16 and 24, Version at 32
      if (u32(token, 12) & kNegotiateVersion) return {};
      return lengthen(token, 32, 16, 2, 8);
    case 3:  // AUTHENTICATE: six fields at 12..59, flags at 60, then Version (8) and MIC (16)
      if (token.size() < 64 || (u32(token, 60) & kNegotiateVersion)) return {};
      return lengthen(token, 64, 12, 6, 24);
    default:
      return {};
  }
}

}  // namespace nca::rpc::auth::ntlmssp
