// ipv6address text <-> octets through the C library, which is what Samba uses on both ends, so
// the text we print and accept is the text Samba prints and accepts.
#include "nca/ndr/address.h"

#include <arpa/inet.h>

#include <cstring>

namespace nca::ndr {

std::optional<std::array<std::uint8_t, 16>> ipv6_from_text(std::string_view text) {
  // inet_pton needs a NUL-terminated string; no valid address is longer than INET6_ADDRSTRLEN.
  char buf[INET6_ADDRSTRLEN];
  if (text.size() >= sizeof buf) return std::nullopt;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::array<std::uint8_t, 16> out{};
  if (inet_pton(AF_INET6, buf, out.data()) != 1) return std::nullopt;
  return out;
}

std::string ipv6_to_text(const std::array<std::uint8_t, 16>& octets) {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, octets.data(), buf, sizeof buf)) return {};
  return buf;
}

}  // namespace nca::ndr
