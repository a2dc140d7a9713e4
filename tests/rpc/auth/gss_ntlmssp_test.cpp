// The GSSAPI providers' contexts against each other in process, through the real mechanisms
// (gss-ntlmssp with an NTLM_USER_FILE of this test's own): the handshake legs, the identity the
// server sees, and protected fragments both ways at integrity and privacy.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

#include "nca/rpc/auth/gssapi.h"

using namespace nca::rpc;
using namespace nca::rpc::auth;

namespace {

void use_accounts() {
  static const std::string path = [] {
    std::string p = "/tmp/nca_gss_ntlmssp_test_" + std::to_string(getpid());
    std::ofstream(p) << "NCA:alice:Wonderland-42\n";
    setenv("NTLM_USER_FILE", p.c_str(), 1);
    return p;
  }();
}

struct Pair {
  std::unique_ptr<SecurityContext> client, server;
  int legs = 0;
};

// Runs the handshake as the cn engine would (bind, bind_ack, auth3 or alter_context legs).
Result<Pair> handshake(const Provider& p, Level level, std::string password) {
  use_accounts();
  ClientSecurityRequest r;
  r.auth_type = p.auth_type();
  r.level = level;
  r.credentials = {"alice", "NCA", std::move(password), false};
  auto c = p.client_context(r);
  if (!c) return c.error();
  auto s = p.server_context(level);
  if (!s) return s.error();
  Pair pair{std::move(*c), std::move(*s)};
  Bytes token;
  for (bool client_turn = true; !(pair.client->complete() && pair.server->complete());
       client_turn = !client_turn) {
    auto& side = client_turn ? pair.client : pair.server;
    if (side->complete()) continue;
    auto step = side->step(token);
    if (!step) return step.error();
    token = std::move(step->token);
    ++pair.legs;
    if (pair.legs > 8) return Status::protocol(0, "too many legs");
  }
  return pair;
}

// A fake request fragment: 24-byte header, body, 8-byte trailer.
struct Fragment {
  Bytes bytes;
  PduRegions regions() {
    PduRegions r;
    r.fragment = std::span<uint8_t>(bytes);
    r.body_offset = 24;
    r.body_length = bytes.size() - 32;
    r.header_signing = true;
    return r;
  }
};
Fragment fragment(uint8_t fill) {
  Fragment f{Bytes(24 + 48 + 8, fill)};
  for (size_t i = 0; i < f.bytes.size(); ++i) f.bytes[i] = uint8_t(fill + i);
  return f;
}

}  // namespace

TEST_CASE("gss NTLMSSP: three messages, the server learns who, both directions protected") {
  auto pair = handshake(*ntlmssp_provider(), Level::privacy, "Wonderland-42");
  INFO((pair ? std::string() : pair.error().message));
  REQUIRE(pair);
  CHECK(pair->legs == 4);  // steps: client, server, client (AUTHENTICATE for auth3), server
  CHECK(pair->server->peer_identity().principal == "NCA\\alice");
  CHECK(pair->server->peer_identity().user == "alice");
  CHECK(pair->server->peer_identity().domain == "NCA");
  REQUIRE(pair->client->signature_size() == 16);

  for (int i = 0; i < 3; ++i) {
    auto plain = fragment(uint8_t(i));
    auto f = fragment(uint8_t(i));
    Bytes sig(16);
    REQUIRE(pair->client->seal(f.regions(), sig).ok());
    CHECK(f.bytes != plain.bytes);
    REQUIRE(pair->server->unseal(f.regions(), sig).ok());
    CHECK(f.bytes == plain.bytes);
    REQUIRE(pair->server->sign(f.regions(), sig).ok());
    REQUIRE(pair->client->verify(f.regions(), sig).ok());
  }
  auto f = fragment(9);
  Bytes sig(16);
  REQUIRE(pair->client->sign(f.regions(), sig).ok());
  f.bytes[3] ^= 0x10;  // the header is covered
  CHECK_FALSE(pair->server->verify(f.regions(), sig).ok());
}

TEST_CASE("gss NTLMSSP: a wrong password fails the server's last leg") {
  auto pair = handshake(*ntlmssp_provider(), Level::integrity, "wrong");
  REQUIRE_FALSE(pair);
  CHECK(pair.error().message.find("NTLMSSP") != std::string::npos);
}

TEST_CASE("gss SPNEGO over NTLMSSP: the handshake completes and protects both ways") {
  auto pair = handshake(*spnego_provider(), Level::privacy, "Wonderland-42");
  INFO((pair ? std::string() : pair.error().message));
  REQUIRE(pair);
  CHECK(pair->server->peer_identity().principal == "NCA\\alice");
  REQUIRE(pair->client->signature_size() == 16);
  auto plain = fragment(1);
  auto f = fragment(1);
  Bytes sig(16);
  REQUIRE(pair->client->seal(f.regions(), sig).ok());
  REQUIRE(pair->server->unseal(f.regions(), sig).ok());
  CHECK(f.bytes == plain.bytes);
}
