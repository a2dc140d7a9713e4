#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "nca/net/datagram.h"
#include "nca/net/sync.h"
#include "net_test_util.h"

using namespace nca::net;
using namespace nca::net::test;

namespace {

ConstBuffer text(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string as_string(const Bytes& b) { return std::string(b.data(), b.data() + b.size()); }

}  // namespace

TEST_CASE("udp_sendto_and_recvfrom_report_addresses", "[dgram][udp]") {
  Loop loop;
  {
    auto any_port = Address::inet("ipv4", "127.0.0.1", 0).value();
    auto a = udp_open(loop, any_port);
    auto b = udp_open(loop, any_port);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a.value()->local_address().port() != 0);
    Address to_b = b.value()->local_address();
    REQUIRE(sync::sendto(*a.value(), text("hello"), &to_b).ok());
    auto got = sync::recvfrom(*b.value());
    REQUIRE(got.ok());
    CHECK(as_string(got->data) == "hello");
    CHECK(got->from == a.value()->local_address());
    // Reply to where it came from.
    REQUIRE(sync::sendto(*b.value(), text("back"), &got->from).ok());
    auto reply = sync::recvfrom(*a.value());
    REQUIRE(reply.ok());
    CHECK(as_string(reply->data) == "back");
    // Not connected: a destination is required.
    CHECK(a.value()->sendto(text("x"), nullptr, [](Status) {}) == Errc::invalid_argument);
    auto unix_to = Address::unix_path("/tmp/x").value();
    CHECK(a.value()->sendto(text("x"), &unix_to, [](Status) {}) == Errc::invalid_argument);
  }
  require_clean_close(loop);
}

TEST_CASE("udp_connected_sends_to_its_peer", "[dgram][udp]") {
  Loop loop;
  {
    auto server = udp_open(loop, Address::inet("ipv4", "127.0.0.1", 0).value()).value();
    auto client = udp_open(loop, Address::inet("ipv4", "127.0.0.1", 0).value(),
                           server->local_address())
                      .value();
    CHECK(client->remote_address() == server->local_address());
    REQUIRE(sync::sendto(*client, text("connected")).ok());
    auto got = sync::recvfrom(*server);
    REQUIRE(got.ok());
    CHECK(as_string(got->data) == "connected");
    CHECK(got->from == client->local_address());
    // Elsewhere than the connected peer is refused.
    auto elsewhere = Address::inet("ipv4", "127.0.0.1", 9).value();
    CHECK(client->sendto(text("x"), &elsewhere, [](Status) {}) == Errc::invalid_argument);
  }
  require_clean_close(loop);
}

TEST_CASE("udp_ipv6_loopback", "[dgram][udp]") {
  Loop loop;
  {
    auto a = udp_open(loop, Address::inet("ipv6", "::1", 0).value());
    if (!a.ok() && a.status().sys_code() == UV_EADDRNOTAVAIL) {
      WARN("no IPv6 loopback on this machine");
    } else {
      REQUIRE(a.ok());
      auto b = udp_open(loop, Address::inet("ipv6", "::1", 0).value()).value();
      Address to = b->local_address();
      CHECK(to.family() == AddressFamily::ipv6);
      REQUIRE(sync::sendto(*a.value(), text("six"), &to).ok());
      auto got = sync::recvfrom(*b);
      REQUIRE(got.ok());
      CHECK(as_string(got->data) == "six");
      CHECK(got->from.ip() == "::1");
    }
  }
  require_clean_close(loop);
}

TEST_CASE("recvfrom_never_returns_an_empty_datagram", "[dgram][udp]") {
  Loop loop;
  {
    auto a = udp_open(loop, Address::inet("ipv4", "127.0.0.1", 0).value()).value();
    auto b = udp_open(loop, Address::inet("ipv4", "127.0.0.1", 0).value()).value();
    Address to = b->local_address();
    REQUIRE(sync::sendto(*a, ConstBuffer(), &to).ok());
    REQUIRE(sync::sendto(*a, text("after the empty one"), &to).ok());
    auto got = sync::recvfrom(*b);
    REQUIRE(got.ok());
    CHECK(as_string(got->data) == "after the empty one");
  }
  require_clean_close(loop);
}

TEST_CASE("dgram_one_outstanding_and_disconnect_cancels", "[dgram][udp]") {
  Loop loop;
  {
    auto a = udp_open(loop, Address::inet("ipv4", "127.0.0.1", 0).value()).value();
    std::vector<std::string> order;
    REQUIRE(a->recvfrom([&](Status s, ConstBuffer data, const Address&) {
      CHECK(data.empty());
      order.push_back(std::string("recv ") + to_string(s.code()));
    }).ok());
    CHECK(a->recvfrom([&](Status, ConstBuffer, const Address&) { order.push_back("second"); }) ==
          Errc::busy);
    REQUIRE(a->disconnect([&](Status s) {
      order.push_back(std::string("disconnect ") + to_string(s.code()));
    }).ok());
    CHECK(order.empty());
    CHECK(a->recvfrom([](Status, ConstBuffer, const Address&) {}) == Errc::not_connected);
    loop.run_until([&] { return order.size() == 2; }, 5000);
    CHECK(order == std::vector<std::string>{"recv cancelled", "disconnect ok"});
  }
  require_clean_close(loop);
}

TEST_CASE("unix_dgram_exchange", "[dgram][unix]") {
  Loop loop;
  std::string server_path = temp_socket_path("dgram-server");
  std::string client_path = temp_socket_path("dgram-client");
  ::unlink(server_path.c_str());
  ::unlink(client_path.c_str());
  {
    auto server_addr = Address::unix_path(server_path).value();
    auto server = unix_dgram_open(loop, server_addr).value();
    auto client =
        unix_dgram_open(loop, Address::unix_path(client_path).value(), server_addr).value();
    REQUIRE(sync::sendto(*client, text("unix datagram")).ok());
    auto got = sync::recvfrom(*server);
    REQUIRE(got.ok());
    CHECK(as_string(got->data) == "unix datagram");
    CHECK(got->from.path() == client_path);
    REQUIRE(sync::sendto(*server, text("reply"), &got->from).ok());
    auto reply = sync::recvfrom(*client);
    REQUIRE(reply.ok());
    CHECK(as_string(reply->data) == "reply");
    CHECK(reply->from.path() == server_path);
  }
  require_clean_close(loop);
  CHECK(::access(server_path.c_str(), F_OK) != 0);
  CHECK(::access(client_path.c_str(), F_OK) != 0);
}

TEST_CASE("send_queue_keeps_order", "[dgram][queue]") {
  Loop loop;
  {
    auto a = udp_open(loop, Address::inet("ipv4", "127.0.0.1", 0).value()).value();
    auto b = udp_open(loop, Address::inet("ipv4", "127.0.0.1", 0).value()).value();
    SendQueue queue(*a);
    std::vector<int> sent;
    for (int i = 0; i < 20; ++i) {
      std::string s = "datagram " + std::to_string(i);
      queue.sendto(Bytes::copy_of(text(s)), b->local_address(), [&sent, i](Status st) {
        CHECK(st.ok());
        sent.push_back(i);
      });
    }
    CHECK(queue.length() == 20);
    CHECK(sent.empty());
    for (int i = 0; i < 20; ++i) {
      auto got = sync::recvfrom(*b);
      REQUIRE(got.ok());
      CHECK(as_string(got->data) == "datagram " + std::to_string(i));
    }
    loop.run_until([&] { return sent.size() == 20; }, 5000);
    REQUIRE(sent.size() == 20);
    for (int i = 0; i < 20; ++i) CHECK(sent[i] == i);
  }
  require_clean_close(loop);
}

TEST_CASE("oversized_datagram_is_reported_and_dropped", "[dgram][unix]") {
  // A unix datagram can exceed the 64 KiB receive buffer; it must come back as an error (never a
  // silently cut message), and the next datagram must still arrive intact.
  Loop loop;
  std::string server_path = temp_socket_path("dgram-big");
  ::unlink(server_path.c_str());
  {
    auto server_addr = Address::unix_path(server_path).value();
    auto server = unix_dgram_open(loop, server_addr).value();
    auto client = unix_dgram_open(loop, Address(), server_addr).value();
    std::vector<std::uint8_t> big(Datagram::kMaxDatagram + 100, 0xab);
    Status sent = sync::sendto(*client, big);
    if (!sent.ok()) {
      WARN("the kernel refused a " << big.size() << "-byte unix datagram: " << sent.message());
    } else {
      auto got = sync::recvfrom(*server);
      CHECK(got.status() == Errc::system);
      CHECK(got.status().sys_code() == UV_EMSGSIZE);
      REQUIRE(sync::sendto(*client, text("small")).ok());
      auto next = sync::recvfrom(*server);
      REQUIRE(next.ok());
      CHECK(as_string(next->data) == "small");
    }
  }
  require_clean_close(loop);
}

TEST_CASE("udp_sendto_sends_at_once_and_completes_later", "[dgram][udp]") {
  // The receiver is a plain socket, so the test can look for the datagram without the loop.
  int rfd = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(rfd >= 0);
  sockaddr_in rsa{};
  rsa.sin_family = AF_INET;
  rsa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(rfd, reinterpret_cast<sockaddr*>(&rsa), sizeof rsa) == 0);
  socklen_t rlen = sizeof rsa;
  REQUIRE(::getsockname(rfd, reinterpret_cast<sockaddr*>(&rsa), &rlen) == 0);
  Address to = Address::from_sockaddr(reinterpret_cast<sockaddr*>(&rsa), rlen).value();
  Loop loop;
  {
    auto a = udp_open(loop, Address::inet("ipv4", "127.0.0.1", 0).value()).value();
    int done = 0;
    REQUIRE(a->sendto(text("now"), &to, [&](Status s) {
      CHECK(s.ok());
      ++done;
    }).ok());
    // The datagram left inside sendto(), without a poll round first; the callback waits for the
    // loop, and until it has run that send is still the one outstanding.
    char buf[16];
    CHECK(::recv(rfd, buf, sizeof buf, MSG_DONTWAIT) == 3);
    CHECK(done == 0);
    CHECK(a->sendto(text("x"), &to, [](Status) {}) == Errc::busy);
    REQUIRE(loop.run_until([&] { return done == 1; }, 5000));
    // Sent, completion pending, then disconnected: the callback still runs exactly once.
    int late = 0;
    REQUIRE(a->sendto(text("late"), &to, [&](Status) { ++late; }).ok());
    bool closed = false;
    REQUIRE(a->disconnect([&](Status) { closed = true; }).ok());
    REQUIRE(loop.run_until([&] { return closed && late > 0; }, 5000));
    loop.run_until([] { return false; }, 20);
    CHECK(late == 1);
    CHECK(::recv(rfd, buf, sizeof buf, MSG_DONTWAIT) == 4);
  }
  require_clean_close(loop);
  ::close(rfd);
}
