#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <sys/un.h>

#include <string>

#include "nca/net/address.h"

using namespace nca::net;

TEST_CASE("address_ipv4_from_string", "[address]") {
  auto a = Address::inet("ipv4", "192.168.1.20", 135);
  REQUIRE(a.ok());
  CHECK(a->family() == AddressFamily::ipv4);
  CHECK(a->ip() == "192.168.1.20");
  CHECK(a->port() == 135);
  CHECK(a->to_string() == "ipv4:192.168.1.20:135");
}

TEST_CASE("address_ipv6_from_string", "[address]") {
  auto a = Address::inet("ipv6", "::1", 49152);
  REQUIRE(a.ok());
  CHECK(a->family() == AddressFamily::ipv6);
  CHECK(a->ip() == "::1");
  CHECK(a->to_string() == "ipv6:[::1]:49152");
}

TEST_CASE("address_ip_family_takes_either", "[address]") {
  CHECK(Address::inet("ip", "10.0.0.1", 1)->family() == AddressFamily::ipv4);
  CHECK(Address::inet("ip", "fe80::1", 1)->family() == AddressFamily::ipv6);
}

TEST_CASE("address_empty_means_any", "[address]") {
  CHECK(Address::inet("ipv4", "", 0)->ip() == "0.0.0.0");
  CHECK(Address::inet("ip", "", 0)->ip() == "0.0.0.0");
  CHECK(Address::inet("ipv6", "", 0)->ip() == "::");
}

TEST_CASE("address_rejects_names_and_wrong_families", "[address]") {
  CHECK(Address::inet("ipv4", "localhost", 1).status() == Errc::invalid_argument);
  CHECK(Address::inet("ipv4", "::1", 1).status() == Errc::invalid_argument);
  CHECK(Address::inet("ipv6", "127.0.0.1", 1).status() == Errc::invalid_argument);
  CHECK(Address::inet("ip", "1.2.3", 1).status() == Errc::invalid_argument);
  CHECK(Address::inet("inet", "1.2.3.4", 1).status() == Errc::invalid_argument);
  CHECK(Address::inet("ipv4", std::string_view("1.2.3.4\0x", 9), 1).status() ==
        Errc::invalid_argument);
}

TEST_CASE("address_unix_path_too_long", "[address]") {
  std::size_t limit = sizeof(sockaddr_un::sun_path);  // 108 on Linux, including the NUL
  std::string fits(limit - 1, 'a');
  std::string too_long(limit, 'a');
  auto ok = Address::unix_path(fits);
  REQUIRE(ok.ok());
  CHECK(ok->path() == fits);
  CHECK(ok->to_string() == "unix:" + fits);
  auto bad = Address::unix_path(too_long);
  CHECK(bad.status() == Errc::name_too_long);
  CHECK(Address::unix_path("").status() == Errc::invalid_argument);
}

TEST_CASE("address_port_get_and_set", "[address]") {
  auto a = Address::inet("ipv4", "127.0.0.1", 1).value();
  REQUIRE(a.set_port(65535).ok());
  CHECK(a.port() == 65535);
  auto u = Address::unix_path("/tmp/x").value();
  CHECK(u.set_port(1) == Errc::invalid_argument);
  CHECK(u.port() == 0);
}

TEST_CASE("address_copy_and_compare", "[address]") {
  auto a = Address::inet("ipv6", "2001:db8::7", 80).value();
  Address b = a;
  CHECK(b == a);
  REQUIRE(b.set_port(81).ok());
  CHECK(!(b == a));
  CHECK(a.port() == 80);
  CHECK(!(Address::unix_path("/a").value() == Address::unix_path("/b").value()));
  CHECK(Address() == Address());
}

TEST_CASE("address_sockaddr_round_trip", "[address]") {
  for (auto a : {Address::inet("ipv4", "127.0.0.2", 4242).value(),
                 Address::inet("ipv6", "2001:db8::1", 4243).value(),
                 Address::unix_path("/tmp/sock").value()}) {
    sockaddr_storage ss;
    socklen_t len = a.to_sockaddr(ss);
    REQUIRE(len > 0);
    auto b = Address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    REQUIRE(b.ok());
    CHECK(b.value() == a);
    CHECK(b->to_string() == a.to_string());
  }
  // The kernel's bytes, checked independently of our own parser.
  sockaddr_storage ss;
  Address::inet("ipv4", "10.1.2.3", 0x1234).value().to_sockaddr(ss);
  auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
  CHECK(sin->sin_family == AF_INET);
  CHECK(ntohs(sin->sin_port) == 0x1234);
  CHECK(ntohl(sin->sin_addr.s_addr) == 0x0a010203u);
}

TEST_CASE("address_from_unsupported_sockaddr", "[address]") {
  sockaddr sa{};
  sa.sa_family = AF_APPLETALK;
  CHECK(Address::from_sockaddr(&sa, sizeof sa).status() == Errc::invalid_argument);
  sockaddr_in short_in{};
  short_in.sin_family = AF_INET;
  CHECK(Address::from_sockaddr(reinterpret_cast<sockaddr*>(&short_in), 4).status() ==
        Errc::invalid_argument);
}
