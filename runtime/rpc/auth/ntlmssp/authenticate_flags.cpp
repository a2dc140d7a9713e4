#include "authenticate_flags.h"

#include <cstring>

namespace nca::rpc::auth::ntlmssp {

std::optional<uint32_t> authenticate_flags(std::span<const uint8_t> token) {
  constexpr uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
  constexpr size_t kFlagsAt = 60;
  if (token.size() < kFlagsAt + 4 || std::memcmp(token.data(), kSignature, 8) != 0) return {};
  auto u32 = [&](size_t at) {
    return uint32_t(token[at]) | uint32_t(token[at + 1]) << 8 | uint32_t(token[at + 2]) << 16 |
           uint32_t(token[at + 3]) << 24;
  };
  if (u32(8) != 3) return {};
  return u32(kFlagsAt);
}

}  // namespace nca::rpc::auth::ntlmssp
