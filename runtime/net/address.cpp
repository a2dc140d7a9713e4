#include "nca/net/address.h"

#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <sys/un.h>
#include <uv.h>

namespace nca::net {

Result<Address> Address::inet(std::string_view family, std::string_view addr,
                              std::uint16_t port) {
  bool want4 = family == "ipv4";
  bool want6 = family == "ipv6";
  if (!want4 && !want6 && family != "ip") {
    return Status(Errc::invalid_argument, 0, "address family must be ipv4, ipv6 or ip");
  }
  // uv_ip*_addr want a NUL-terminated string; a string_view need not be one.
  std::string text(addr);
  if (text.empty()) text = want6 ? "::" : "0.0.0.0";
  if (text.find('\0') != std::string::npos) {
    return Status(Errc::invalid_argument, 0, "address contains a NUL byte");
  }
  Address a;
  if (!want6) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&a.inet_);
    if (uv_ip4_addr(text.c_str(), port, sin) == 0) {
      a.family_ = AddressFamily::ipv4;
      return a;
    }
    if (want4) return Status(Errc::invalid_argument, 0, "not a numeric IPv4 address");
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&a.inet_);
  // uv_ip6_addr accepts a "%scope" suffix (interface name or index) for link-local addresses.
  if (uv_ip6_addr(text.c_str(), port, sin6) == 0) {
    a.family_ = AddressFamily::ipv6;
    return a;
  }
  return Status(Errc::invalid_argument, 0,
                want6 ? "not a numeric IPv6 address" : "not a numeric IP address");
}

Result<Address> Address::unix_path(std::string_view path) {
  if (path.empty()) return Status(Errc::invalid_argument, 0, "empty unix socket path");
  if (path.find('\0') != std::string_view::npos) {
    return Status(Errc::invalid_argument, 0, "unix socket path contains a NUL byte");
  }
  // sun_path must hold the path and its terminating NUL; libuv before 1.46 silently truncates
  // longer paths, which would bind or connect somewhere else.
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return Status(Errc::name_too_long, UV_ENAMETOOLONG, "unix socket path does not fit sun_path");
  }
  Address a;
  a.family_ = AddressFamily::unix_path;
  a.path_ = std::string(path);
  return a;
}

Result<Address> Address::from_sockaddr(const sockaddr* sa, socklen_t len) {
  if (sa == nullptr) return Status(Errc::invalid_argument, 0, "no socket address");
  Address a;
  switch (sa->sa_family) {
    case AF_INET:
      if (len < static_cast<socklen_t>(sizeof(sockaddr_in))) break;
      std::memcpy(&a.inet_, sa, sizeof(sockaddr_in));
      a.family_ = AddressFamily::ipv4;
      return a;
    case AF_INET6:
      if (len < static_cast<socklen_t>(sizeof(sockaddr_in6))) break;
      std::memcpy(&a.inet_, sa, sizeof(sockaddr_in6));
      a.family_ = AddressFamily::ipv6;
      return a;
    case AF_UNIX: {
      auto* sun = reinterpret_cast<const sockaddr_un*>(sa);
      std::size_t offset = offsetof(sockaddr_un, sun_path);
      if (len <= static_cast<socklen_t>(offset)) return Address();  // unnamed (unbound) socket
      std::size_t max = std::min<std::size_t>(len - offset, sizeof(sun->sun_path));
      std::size_t n = strnlen(sun->sun_path, max);
      if (n == 0) return Address();  // unnamed, or the abstract namespace (not supported)
      return unix_path(std::string_view(sun->sun_path, n));
    }
    default:
      break;
  }
  return Status(Errc::invalid_argument, 0, "unsupported or short socket address");
}

std::uint16_t Address::port() const {
  if (family_ == AddressFamily::ipv4)
    return ntohs(reinterpret_cast<const sockaddr_in*>(&inet_)->sin_port);
  if (family_ == AddressFamily::ipv6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&inet_)->sin6_port);
  return 0;
}

Status Address::set_port(std::uint16_t port) {
  if (family_ == AddressFamily::ipv4) {
    reinterpret_cast<sockaddr_in*>(&inet_)->sin_port = htons(port);
  } else if (family_ == AddressFamily::ipv6) {
    reinterpret_cast<sockaddr_in6*>(&inet_)->sin6_port = htons(port);
  } else {
    return Status(Errc::invalid_argument, 0, "only inet addresses have a port");
  }
  return Status();
}

std::string Address::ip() const {
  char text[INET6_ADDRSTRLEN + 1] = {};
  if (family_ == AddressFamily::ipv4) {
    uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&inet_), text, sizeof text);
  } else if (family_ == AddressFamily::ipv6) {
    uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&inet_), text, sizeof text);
  }
  return text;
}

std::string Address::to_string() const {
  switch (family_) {
    case AddressFamily::none: return "none";
    case AddressFamily::ipv4: return "ipv4:" + ip() + ":" + std::to_string(port());
    case AddressFamily::ipv6: {
      std::string s = "ipv6:[" + ip();
      auto scope = reinterpret_cast<const sockaddr_in6*>(&inet_)->sin6_scope_id;
      if (scope != 0) s += "%" + std::to_string(scope);
      return s + "]:" + std::to_string(port());
    }
    case AddressFamily::unix_path: return "unix:" + path_;
  }
  return "none";
}

socklen_t Address::to_sockaddr(sockaddr_storage& storage) const {
  std::memset(&storage, 0, sizeof storage);
  switch (family_) {
    case AddressFamily::none: return 0;
    case AddressFamily::ipv4:
      std::memcpy(&storage, &inet_, sizeof(sockaddr_in));
      return sizeof(sockaddr_in);
    case AddressFamily::ipv6:
      std::memcpy(&storage, &inet_, sizeof(sockaddr_in6));
      return sizeof(sockaddr_in6);
    case AddressFamily::unix_path: {
      auto* sun = reinterpret_cast<sockaddr_un*>(&storage);
      sun->sun_family = AF_UNIX;
      std::memcpy(sun->sun_path, path_.data(), path_.size());  // fits: checked in unix_path()
      return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path_.size() + 1);
    }
  }
  return 0;
}

bool operator==(const Address& a, const Address& b) {
  if (a.family_ != b.family_) return false;
  switch (a.family_) {
    case AddressFamily::none: return true;
    case AddressFamily::unix_path: return a.path_ == b.path_;
    case AddressFamily::ipv4: {
      auto* x = reinterpret_cast<const sockaddr_in*>(&a.inet_);
      auto* y = reinterpret_cast<const sockaddr_in*>(&b.inet_);
      return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    case AddressFamily::ipv6: {
      auto* x = reinterpret_cast<const sockaddr_in6*>(&a.inet_);
      auto* y = reinterpret_cast<const sockaddr_in6*>(&b.inet_);
      return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
             std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
  }
  return false;
}

}  // namespace nca::net
