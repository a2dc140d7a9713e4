// Helpers for the nca::net tests: PDU builders and connected stream pairs over real sockets.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include "nca/net/address.h"
#include "nca/net/loop.h"
#include "nca/net/stream.h"
#include "nca/net/sync.h"

namespace nca::net::test {

// A DCE/RPC CO PDU of frag_length bytes: a plausible header (version 5.0, ptype request, drep
// little- or big-endian) and a body whose byte i is (seed + i) & 0xff.
inline std::vector<std::uint8_t> make_pdu(std::size_t frag_length, std::uint8_t seed,
                                          bool little_endian = true) {
  std::vector<std::uint8_t> p(frag_length);
  for (std::size_t i = 0; i < frag_length; ++i) p[i] = static_cast<std::uint8_t>(seed + i);
  p[0] = 5;
  p[1] = 0;
  p[2] = 0;     // request
  p[3] = 0x03;  // first and last fragment
  p[4] = little_endian ? 0x10 : 0x00;
  p[5] = p[6] = p[7] = 0;
  auto len = static_cast<std::uint16_t>(frag_length);
  p[8] = static_cast<std::uint8_t>(little_endian ? len & 0xff : len >> 8);
  p[9] = static_cast<std::uint8_t>(little_endian ? len >> 8 : len & 0xff);
  return p;
}

using StreamPair = std::pair<std::unique_ptr<Stream>, std::unique_ptr<Stream>>;

// Connects a client to a fresh listener on `where` and returns (client, server side).
inline StreamPair connected_pair(Loop& loop, const Address& where, bool unix_socket) {
  std::unique_ptr<Stream> accepted;
  auto on_accept = [&accepted](Status s, std::unique_ptr<Stream> st) {
    REQUIRE(s.ok());
    accepted = std::move(st);
  };
  auto listener = unix_socket ? unix_listen(loop, where, on_accept) : tcp_listen(loop, where, on_accept);
  REQUIRE(listener.ok());
  auto client = unix_socket ? sync::unix_connect(loop, listener.value()->local_address())
                            : sync::tcp_connect(loop, listener.value()->local_address());
  REQUIRE(client.ok());
  REQUIRE(loop.run_until([&] { return accepted != nullptr; }, 5000));
  return {std::move(client).value(), std::move(accepted)};
}

inline StreamPair tcp_pair(Loop& loop) {
  return connected_pair(loop, Address::inet("ipv4", "127.0.0.1", 0).value(), false);
}

// A unix socket path unique to this process and test.
inline std::string temp_socket_path(const char* tag) {
  return "/tmp/nca-net-test-" + std::to_string(::getpid()) + "-" + tag + ".sock";
}

inline StreamPair unix_pair(Loop& loop, const char* tag) {
  auto path = temp_socket_path(tag);
  ::unlink(path.c_str());
  return connected_pair(loop, Address::unix_path(path).value(), true);
}

// Which transport a parametrised test runs over.
enum class Transport { memory, socketpair, tcp, unix_stream };

inline const char* name(Transport t) {
  switch (t) {
    case Transport::memory: return "memory";
    case Transport::socketpair: return "socketpair";
    case Transport::tcp: return "tcp";
    case Transport::unix_stream: return "unix";
  }
  return "?";
}

inline StreamPair make_pair_of(Loop& loop, Transport t) {
  switch (t) {
    case Transport::memory: return memory_stream_pair(loop);
    case Transport::socketpair: return std::move(stream_socketpair(loop)).value();
    case Transport::tcp: return tcp_pair(loop);
    case Transport::unix_stream: return unix_pair(loop, "pair");
  }
  return {};
}

// Every test ends here: the loop must close with nothing left open.
inline void require_clean_close(Loop& loop) {
  Status s = loop.close();
  INFO(s.message() << ", open: " << loop.open_count());
  REQUIRE(s.ok());
}

}  // namespace nca::net::test
