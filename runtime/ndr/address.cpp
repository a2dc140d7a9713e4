// ipv6address text <-> octets: any text inet_pton accepts (as Samba's push does), and Samba's
// pull format back.
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
  // Eight groups of four hex digits, nothing compressed: what Samba's ndr_pull_ipv6address
  // gives (and prints), so that our dumps and JSON read like Samba's.
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(39);
  for (size_t i = 0; i < 16; ++i) {
    if (i && i % 2 == 0) s += ':';
    s += kHex[octets[i] >> 4];
    s += kHex[octets[i] & 15];
  }
  return s;
}

}  // namespace nca::ndr
