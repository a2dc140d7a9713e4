// Address: a transport address as a value: inet (IPv4 or IPv6, with port) or a unix socket path.
// No DNS: names are resolved elsewhere, before they reach nca::net.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <sys/socket.h>
#include <netinet/in.h>

#include "nca/net/status.h"

namespace nca::net {

enum class AddressFamily : std::uint8_t { none, ipv4, ipv6, unix_path };

class Address {
 public:
  // An empty address (family none): what a connected socketpair reports, and the default.
  Address() = default;

  // family is "ipv4", "ipv6" or "ip" (either, decided by the literal); addr is a numeric literal
  // ("127.0.0.1", "::1", "fe80::1%lo"); an empty addr means "any" (0.0.0.0 for "ipv4" and "ip",
  // :: for "ipv6"). Errc::invalid_argument for an unknown family, a name, or a literal of the
  // wrong family.
  static Result<Address> inet(std::string_view family, std::string_view addr, std::uint16_t port);
  // A unix socket path; Errc::name_too_long when it does not fit sockaddr_un (with its NUL),
  // Errc::invalid_argument when empty or containing a NUL byte.
  static Result<Address> unix_path(std::string_view path);
  // From a socket address (AF_INET, AF_INET6, AF_UNIX); Errc::invalid_argument otherwise.
  static Result<Address> from_sockaddr(const sockaddr* sa, socklen_t len);

  AddressFamily family() const { return family_; }
  bool is_inet() const { return family_ == AddressFamily::ipv4 || family_ == AddressFamily::ipv6; }
  bool is_unix() const { return family_ == AddressFamily::unix_path; }
  bool empty() const { return family_ == AddressFamily::none; }

  // inet only (0 otherwise).
  std::uint16_t port() const;
  // inet only: Errc::invalid_argument for other families.
  Status set_port(std::uint16_t port);
  // The numeric host ("127.0.0.1", "::1"); empty for non-inet.
  std::string ip() const;
  // The path of a unix address; empty otherwise.
  const std::string& path() const { return path_; }

  // For logs: "ipv4:127.0.0.1:135", "ipv6:[::1]:135", "unix:/run/x.sock", "none".
  std::string to_string() const;

  // Writes the socket address into storage; returns its length, or 0 for family none.
  socklen_t to_sockaddr(sockaddr_storage& storage) const;

  friend bool operator==(const Address& a, const Address& b);

 private:
  AddressFamily family_ = AddressFamily::none;
  sockaddr_storage inet_{};  // AF_INET or AF_INET6 when is_inet()
  std::string path_;         // when is_unix()
};

}  // namespace nca::net
