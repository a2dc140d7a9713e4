// Socket streams: TCP (IPv4 and IPv6), unix, socketpair and a wrapped fd.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "nca/net/stream.h"
#include "nca/net/sync.h"
#include "net_test_util.h"

using namespace nca::net;
using namespace nca::net::test;

namespace {

std::vector<std::uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace

TEST_CASE("tcp_listen_port_zero_reports_bound_port", "[stream][tcp]") {
  Loop loop;
  {
    auto listener = tcp_listen(loop, Address::inet("ipv4", "127.0.0.1", 0).value(),
                               [](Status, std::unique_ptr<Stream>) {});
    REQUIRE(listener.ok());
    const Address& bound = listener.value()->local_address();
    CHECK(bound.family() == AddressFamily::ipv4);
    CHECK(bound.ip() == "127.0.0.1");
    CHECK(bound.port() != 0);
  }
  require_clean_close(loop);
}

TEST_CASE("tcp_listen_reuse_port_shares_one_port", "[stream][tcp]") {
  Loop loop;
  {
    ListenOptions reuse;
    reuse.reuse_port = true;
    int accepted[2] = {0, 0};
    auto first = tcp_listen(loop, Address::inet("ipv4", "127.0.0.1", 0).value(),
                            [&](Status st, std::unique_ptr<Stream> s) { accepted[0] += st.ok() && s; }, reuse);
    REQUIRE(first.ok());
    Address where = first.value()->local_address();
    REQUIRE(where.port() != 0);
    // Without SO_REUSEPORT the port is taken.
    auto plain = tcp_listen(loop, where, [](Status, std::unique_ptr<Stream>) {});
    CHECK(plain.status() == Errc::system);
    CHECK(plain.status().sys_code() == UV_EADDRINUSE);
    auto second = tcp_listen(loop, where,
                             [&](Status st, std::unique_ptr<Stream> s) { accepted[1] += st.ok() && s; }, reuse);
    REQUIRE(second.ok());
    CHECK(second.value()->local_address() == where);
    // Every connection is accepted by one of the two (which one: the kernel's 4-tuple hash).
    std::vector<std::unique_ptr<Stream>> clients;
    for (int i = 0; i < 16; ++i) {
      auto c = sync::tcp_connect(loop, where);
      REQUIRE(c.ok());
      clients.push_back(std::move(c).value());
    }
    REQUIRE(loop.run_until([&] { return accepted[0] + accepted[1] == 16; }, 5000));
  }
  require_clean_close(loop);
}

TEST_CASE("unix_listen_refuses_reuse_port", "[stream][unix]") {
  Loop loop;
  ListenOptions reuse;
  reuse.reuse_port = true;
  auto l = unix_listen(loop, Address::unix_path("/tmp/nca-net-reuse-port.sock").value(),
                       [](Status, std::unique_ptr<Stream>) {}, reuse);
  CHECK(l.status() == Errc::invalid_argument);
  require_clean_close(loop);
}

TEST_CASE("tcp_connect_accept_exchange", "[stream][tcp]") {
  Loop loop;
  {
    auto [client, server] = tcp_pair(loop);
    CHECK(client->remote_address() == server->local_address());
    CHECK(server->remote_address() == client->local_address());
    auto msg = bytes_of("hello, server");
    REQUIRE(sync::write_all(*client, msg).ok());
    std::vector<std::uint8_t> got(msg.size());
    REQUIRE(sync::read_all(*server, got).ok());
    CHECK(got == msg);
  }
  require_clean_close(loop);
}

TEST_CASE("tcp_ipv6_loopback", "[stream][tcp]") {
  Loop loop;
  {
    auto where = Address::inet("ipv6", "::1", 0).value();
    auto probe = tcp_listen(loop, where, [](Status, std::unique_ptr<Stream>) {});
    if (!probe.ok() && probe.status().sys_code() == UV_EADDRNOTAVAIL) {
      WARN("no IPv6 loopback on this machine: " << probe.status().message());
    } else {
      REQUIRE(probe.ok());
      probe.value().reset();
      auto [client, server] = connected_pair(loop, where, false);
      CHECK(client->local_address().family() == AddressFamily::ipv6);
      CHECK(server->remote_address().ip() == "::1");
      auto msg = bytes_of("over ipv6");
      REQUIRE(sync::write_all(*server, msg).ok());
      std::vector<std::uint8_t> got(msg.size());
      REQUIRE(sync::read_all(*client, got).ok());
      CHECK(got == msg);
    }
  }
  require_clean_close(loop);
}

TEST_CASE("tcp_connect_refused", "[stream][tcp]") {
  Loop loop;
  // A port that was just free: bind a listener, note its port, close it, connect there.
  std::uint16_t port;
  {
    auto l = tcp_listen(loop, Address::inet("ipv4", "127.0.0.1", 0).value(),
                        [](Status, std::unique_ptr<Stream>) {});
    REQUIRE(l.ok());
    port = l.value()->local_address().port();
  }
  auto r = sync::tcp_connect(loop, Address::inet("ipv4", "127.0.0.1", port).value());
  CHECK(r.status() == Errc::system);
  CHECK(r.status().sys_code() == UV_ECONNREFUSED);
  require_clean_close(loop);
}

TEST_CASE("tcp_connect_cancelled", "[stream][tcp]") {
  Loop loop;
  {
    int accepted = 0;
    auto listener = tcp_listen(loop, Address::inet("ipv4", "127.0.0.1", 0).value(),
                               [&](Status, std::unique_ptr<Stream>) { ++accepted; });
    REQUIRE(listener.ok());
    int calls = 0;
    Status result;
    auto req = tcp_connect(loop, listener.value()->local_address(),
                           [&](Status s, std::unique_ptr<Stream> st) {
                             ++calls;
                             result = s;
                             CHECK(st == nullptr);
                           });
    REQUIRE(req.ok());
    // Cancelled before the loop has seen the connect complete: libuv's request is cancelled
    // whatever the kernel did meanwhile.
    req.value().cancel();
    req.value().cancel();  // twice is harmless
    CHECK(calls == 0);     // never inside the call
    loop.run_until([&] { return calls == 1; }, 5000);
    CHECK(calls == 1);
    CHECK(result == Errc::cancelled);
  }
  require_clean_close(loop);
}

TEST_CASE("tcp_connect_needs_inet_address", "[stream][tcp]") {
  Loop loop;
  int calls = 0;
  auto r = tcp_connect(loop, Address::unix_path("/tmp/x").value(),
                       [&](Status, std::unique_ptr<Stream>) { ++calls; });
  CHECK(r.status() == Errc::invalid_argument);
  loop.run();
  CHECK(calls == 0);  // a failed start never runs the callback
  require_clean_close(loop);
}

TEST_CASE("unix_connect_accept_exchange", "[stream][unix]") {
  Loop loop;
  std::string path = temp_socket_path("exchange");
  {
    auto [client, server] = unix_pair(loop, "exchange");
    CHECK(server->local_address().path() == path);
    CHECK(client->remote_address().path() == path);
    auto msg = bytes_of("over a unix socket");
    REQUIRE(sync::write_all(*client, msg).ok());
    std::vector<std::uint8_t> got(msg.size());
    REQUIRE(sync::read_all(*server, got).ok());
    CHECK(got == msg);
  }
  require_clean_close(loop);
  CHECK(::access(path.c_str(), F_OK) != 0);  // the listener removed its socket file
}

TEST_CASE("unix_connect_missing_path", "[stream][unix]") {
  Loop loop;
  auto r = sync::unix_connect(loop, Address::unix_path("/nonexistent/nca-net.sock").value());
  CHECK(r.status() == Errc::system);
  CHECK(r.status().sys_code() == UV_ENOENT);
  require_clean_close(loop);
}

TEST_CASE("unix_listen_over_long_path_is_an_error", "[stream][unix]") {
  // The error comes from Address before any socket exists: libuv 1.44 would silently truncate
  // the path and bind somewhere else.
  std::string path = "/tmp/" + std::string(200, 'p');
  auto a = Address::unix_path(path);
  CHECK(a.status() == Errc::name_too_long);
  CHECK(a.status().message().find("too long") != std::string::npos);
}

TEST_CASE("socketpair_exchange_both_ways", "[stream][socketpair]") {
  Loop loop;
  {
    auto pair = stream_socketpair(loop);
    REQUIRE(pair.ok());
    auto& [a, b] = pair.value();
    auto ping = bytes_of("ping");
    auto pong = bytes_of("pong!");
    std::vector<std::uint8_t> got_ping(4), got_pong(5);
    std::vector<std::string> events;
    REQUIRE(a->write(ping, [&](Status s) { CHECK(s.ok()); events.push_back("a wrote"); }).ok());
    REQUIRE(b->read(got_ping, [&](Status s) {
      CHECK(s.ok());
      events.push_back("b read");
      REQUIRE(b->write(pong, [&](Status s2) { CHECK(s2.ok()); events.push_back("b wrote"); }).ok());
    }).ok());
    REQUIRE(a->read(got_pong, [&](Status s) { CHECK(s.ok()); events.push_back("a read"); }).ok());
    CHECK(events.empty());
    loop.run_until([&] { return events.size() == 4; }, 5000);
    REQUIRE(events.size() == 4);
    CHECK(events.back() == "a read");
    CHECK(got_ping == ping);
    CHECK(got_pong == pong);
  }
  require_clean_close(loop);
}

TEST_CASE("stream_from_existing_nonblocking_fd", "[stream][fd]") {
  Loop loop;
  {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0);
    auto wrapped = stream_from_fd(loop, fds[0]);
    REQUIRE(wrapped.ok());
    const char text[] = "from a plain fd";
    REQUIRE(::write(fds[1], text, sizeof text) == static_cast<ssize_t>(sizeof text));
    std::vector<std::uint8_t> got(sizeof text);
    REQUIRE(sync::read_all(*wrapped.value(), got).ok());
    CHECK(std::memcmp(got.data(), text, sizeof text) == 0);
    ::close(fds[1]);
    std::uint8_t one;
    CHECK(sync::read_all(*wrapped.value(), {&one, 1}) == Errc::eof);
  }
  require_clean_close(loop);
}

TEST_CASE("stream_from_fd_rejects_datagram_socket", "[stream][fd]") {
  Loop loop;
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  CHECK(stream_from_fd(loop, fd).status() == Errc::invalid_argument);
  CHECK(::fcntl(fd, F_GETFD) == -1);  // ownership was taken: the fd is closed
  require_clean_close(loop);
}

// The behaviours every Stream shares, run over each transport.
TEST_CASE("stream_contract", "[stream]") {
  auto transport = GENERATE(Transport::memory, Transport::socketpair, Transport::tcp,
                            Transport::unix_stream);
  INFO("transport " << name(transport));
  Loop loop;

  SECTION("readv_completes_only_when_every_buffer_is_full") {
    auto [a, b] = make_pair_of(loop, transport);
    std::uint8_t x[3], y[5], z[2];
    MutableBuffer bufs[] = {x, y, z};
    int done = 0;
    REQUIRE(b->readv(bufs, [&](Status s) { CHECK(s.ok()); ++done; }).ok());
    auto part1 = bytes_of("abcd");
    auto part2 = bytes_of("efghij");
    REQUIRE(sync::write_all(*a, part1).ok());
    loop.run_until([] { return false; }, 20);
    CHECK(done == 0);  // 4 of 10 bytes
    REQUIRE(sync::write_all(*a, part2).ok());
    loop.run_until([&] { return done == 1; }, 5000);
    CHECK(done == 1);
    CHECK(std::string(x, x + 3) == "abc");
    CHECK(std::string(y, y + 5) == "defgh");
    CHECK(std::string(z, z + 2) == "ij");
  }

  SECTION("read_some_waits_for_one_byte_then_takes_what_arrived") {
    auto [a, b] = make_pair_of(loop, transport);
    std::uint8_t buf[64];
    int done = 0;
    std::size_t got = 0;
    REQUIRE(b->read_some(buf, [&](Status s, std::size_t n) {
                CHECK(s.ok());
                got = n;
                ++done;
              }).ok());
    loop.run_until([] { return false; }, 20);
    CHECK(done == 0);  // nothing has arrived
    auto msg = bytes_of("abcdefgh");
    REQUIRE(sync::write_all(*a, msg).ok());
    REQUIRE(loop.run_until([&] { return done == 1; }, 5000));
    REQUIRE(got >= 1);
    REQUIRE(got <= msg.size());
    // The rest, if it came apart, with further reads; never beyond what was written.
    std::string text(buf, buf + got);
    while (text.size() < msg.size()) {
      done = 0;
      REQUIRE(b->read_some(buf, [&](Status s, std::size_t n) {
                  CHECK(s.ok());
                  text.append(buf, buf + n);
                  ++done;
                }).ok());
      REQUIRE(loop.run_until([&] { return done == 1; }, 5000));
    }
    CHECK(text == "abcdefgh");
  }

  SECTION("read_some_after_an_exact_read_takes_the_bytes_behind_it") {
    // A small exact read may leave bytes read ahead inside the stream: read_some hands them out.
    auto [a, b] = make_pair_of(loop, transport);
    auto msg = bytes_of("0123456789");
    REQUIRE(sync::write_all(*a, msg).ok());
    std::uint8_t two[2];
    REQUIRE(sync::read_all(*b, two).ok());
    CHECK(std::string(two, two + 2) == "01");
    std::string rest;
    while (rest.size() < 8) {
      std::uint8_t buf[32];
      int done = 0;
      REQUIRE(b->read_some(buf, [&](Status s, std::size_t n) {
                  REQUIRE(s.ok());
                  rest.append(buf, buf + n);
                  ++done;
                }).ok());
      REQUIRE(loop.run_until([&] { return done == 1; }, 5000));
    }
    CHECK(rest == "23456789");
  }

  SECTION("read_some_at_the_peers_close_is_eof") {
    auto [a, b] = make_pair_of(loop, transport);
    std::uint8_t buf[16];
    Status result;
    std::size_t got = 99;
    int done = 0;
    REQUIRE(b->read_some(buf, [&](Status s, std::size_t n) {
                result = s;
                got = n;
                ++done;
              }).ok());
    a.reset();
    REQUIRE(loop.run_until([&] { return done == 1; }, 5000));
    CHECK(result == Errc::eof);
    CHECK(got == 0);
  }

  SECTION("second_outstanding_read_is_busy") {
    auto [a, b] = make_pair_of(loop, transport);
    std::uint8_t one[1], two[1];
    int first = 0, second = 0;
    REQUIRE(b->read(one, [&](Status s) { CHECK(s.ok()); ++first; }).ok());
    Status s = b->read(two, [&](Status) { ++second; });
    CHECK(s == Errc::busy);
    std::uint8_t w = 7;
    REQUIRE(sync::write_all(*a, {&w, 1}).ok());
    loop.run_until([&] { return first == 1; }, 5000);
    CHECK(first == 1);
    CHECK(second == 0);
    CHECK(one[0] == 7);
  }

  SECTION("second_outstanding_write_is_busy") {
    auto [a, b] = make_pair_of(loop, transport);
    auto msg = bytes_of("x");
    int first = 0, second = 0;
    REQUIRE(a->write(msg, [&](Status s) { CHECK(s.ok()); ++first; }).ok());
    CHECK(a->write(msg, [&](Status) { ++second; }) == Errc::busy);
    CHECK(first == 0);  // never inside the call
    loop.run_until([&] { return first == 1; }, 5000);
    CHECK(second == 0);
  }

  SECTION("empty_read_is_invalid_and_empty_write_completes") {
    auto [a, b] = make_pair_of(loop, transport);
    int reads = 0, writes = 0;
    CHECK(b->readv({}, [&](Status) { ++reads; }) == Errc::invalid_argument);
    REQUIRE(a->writev({}, [&](Status s) { CHECK(s.ok()); ++writes; }).ok());
    CHECK(writes == 0);
    loop.run_until([&] { return writes == 1; }, 5000);
    CHECK(writes == 1);
    CHECK(reads == 0);
  }

  SECTION("peer_close_at_boundary_is_eof_and_mid_read_is_truncated") {
    auto [a, b] = make_pair_of(loop, transport);
    std::uint8_t buf[8];
    auto three = bytes_of("abc");
    REQUIRE(sync::write_all(*a, three).ok());
    REQUIRE(sync::disconnect(*a).ok());
    CHECK(sync::read_all(*b, buf) == Errc::truncated);
    CHECK(sync::read_all(*b, buf) == Errc::eof);
  }

  SECTION("eof_arriving_while_no_read_is_outstanding_is_not_lost") {
    // The peer's bytes and its close arrive together while the reader has no read waiting
    // (libuv then reports EOF on its own); later reads must still see the bytes, then eof.
    auto [a, b] = make_pair_of(loop, transport);
    auto msg = bytes_of("0123456789");
    REQUIRE(sync::write_all(*a, msg).ok());
    REQUIRE(sync::disconnect(*a).ok());
    std::uint8_t first[4];
    REQUIRE(sync::read_all(*b, first).ok());
    // The next read starts at once, before the loop polls again. One byte more than is left: the 6 bytes, then the close, in one read.
    std::uint8_t rest[7];
    CHECK(sync::read_all(*b, rest) == Errc::truncated);
    CHECK(std::string(rest, rest + 6) == "456789");
    std::uint8_t more;
    CHECK(sync::read_all(*b, {&more, 1}) == Errc::eof);
  }

  SECTION("write_to_closed_peer_fails") {
    auto [a, b] = make_pair_of(loop, transport);
    b.reset();
    loop.run_until([] { return false; }, 20);
    std::vector<std::uint8_t> chunk(64 * 1024, 1);
    Status s;
    // The first writes may still be accepted by the kernel; the peer's reset arrives later.
    for (int i = 0; i < 200 && s.ok(); ++i) s = sync::write_all(*a, chunk);
    CHECK(s == Errc::system);
    INFO(s.message());
    CHECK((s.sys_code() == UV_EPIPE || s.sys_code() == UV_ECONNRESET));
  }

  SECTION("disconnect_with_operations_outstanding_cancels_them") {
    auto [a, b] = make_pair_of(loop, transport);
    // A write larger than any socket buffer stays outstanding while nobody reads.
    std::vector<std::uint8_t> big(16 * 1024 * 1024, 3);
    std::uint8_t in[4];
    std::vector<std::string> order;
    REQUIRE(a->write(big, [&](Status s) { order.push_back(std::string("write ") + to_string(s.code())); }).ok());
    REQUIRE(a->read(in, [&](Status s) { order.push_back(std::string("read ") + to_string(s.code())); }).ok());
    loop.run_until([] { return false; }, 20);
    CHECK(order.empty());
    REQUIRE(a->disconnect([&](Status s) { order.push_back(std::string("disconnect ") + to_string(s.code())); }).ok());
    CHECK(order.empty());  // nothing runs inside disconnect
    CHECK(a->read(in, [](Status) {}) == Errc::not_connected);
    CHECK(a->disconnect(nullptr) == Errc::not_connected);
    loop.run_until([&] { return order.size() == 3; }, 5000);
    REQUIRE(order.size() == 3);
    CHECK(order[2] == "disconnect ok");
    std::vector<std::string> first_two(order.begin(), order.begin() + 2);
    std::sort(first_two.begin(), first_two.end());
    CHECK(first_two == std::vector<std::string>{"read cancelled", "write cancelled"});
  }

  SECTION("destroying_a_stream_cancels_its_outstanding_read") {
    auto [a, b] = make_pair_of(loop, transport);
    std::uint8_t in[4];
    int calls = 0;
    Status result;
    REQUIRE(a->read(in, [&](Status s) { ++calls; result = s; }).ok());
    a.reset();
    CHECK(calls == 0);
    loop.run_until([&] { return calls == 1; }, 5000);
    CHECK(calls == 1);
    CHECK(result == Errc::cancelled);
  }

  SECTION("pending_bytes_counts_what_a_read_can_take") {
    auto [a, b] = make_pair_of(loop, transport);
    CHECK(b->pending_bytes().value() == 0);
    auto msg = bytes_of("0123456789");
    REQUIRE(sync::write_all(*a, msg).ok());
    loop.run_until([&] { return b->pending_bytes().value() == msg.size(); }, 5000);
    CHECK(b->pending_bytes().value() == msg.size());
  }

  require_clean_close(loop);
}

TEST_CASE("write_of_100_mib_arrives_intact", "[stream][big]") {
  // One 100 MiB writev against the kernel's partial writes, read into two buffers so the read
  // also straddles a buffer boundary.
  auto transport = GENERATE(Transport::tcp, Transport::socketpair);
  INFO("transport " << name(transport));
  Loop loop;
  {
    auto [a, b] = make_pair_of(loop, transport);
    constexpr std::size_t kSize = 100u * 1024 * 1024;
    Bytes out(kSize);
    // A pattern with a prime period, stamped with its own offset every 4 KiB: a lost, repeated or
    // reordered block cannot compare equal.
    std::uint8_t period[4093];
    for (std::size_t i = 0; i < sizeof period; ++i) period[i] = static_cast<std::uint8_t>(i * 7);
    for (std::size_t at = 0; at < kSize; at += sizeof period) {
      std::memcpy(out.data() + at, period, std::min(sizeof period, kSize - at));
    }
    for (std::uint64_t at = 0; at < kSize; at += 4096) std::memcpy(out.data() + at, &at, sizeof at);
    Bytes in(kSize);
    std::memset(in.data(), 0, kSize);
    Status wrote(Errc::busy), read(Errc::busy);
    REQUIRE(a->write(out, [&](Status s) { wrote = s; }).ok());
    MutableBuffer parts[] = {{in.data(), kSize / 3}, {in.data() + kSize / 3, kSize - kSize / 3}};
    REQUIRE(b->readv(parts, [&](Status s) { read = s; }).ok());
    loop.run_until([&] { return wrote != Errc::busy && read != Errc::busy; }, 60000);
    CHECK(wrote.ok());
    CHECK(read.ok());
    CHECK(std::memcmp(in.data(), out.data(), kSize) == 0);
  }
  require_clean_close(loop);
}
