// The NTLMSSP per-message layer (MS-NLMP 3.4) against known answers computed by Impacket's
// independent implementation (impacket.ntlm SIGNKEY/SEALKEY/SIGN/SEAL, 0.10), and its contract:
// each direction's own keys and sequence, tampering, replay and reordering refused.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "ntlmssp/authenticate_flags.h"
#include "ntlmssp/message_security.h"
#include "ntlmssp/short_messages.h"

using namespace nca::rpc::auth::ntlmssp;

namespace {

std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::vector<uint8_t> hex(std::string_view h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(uint8_t(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}
std::vector<uint8_t> key() {
  std::vector<uint8_t> k;
  for (int i = 0x10; i < 0x20; ++i) k.push_back(uint8_t(i));
  return k;
}
constexpr uint32_t kFlags128 = kNegotiateExtendedSessionSecurity | kNegotiate128 |
                               kNegotiateKeyExchange | kNegotiateSign | kNegotiateSeal;
constexpr uint32_t kFlags56 = kNegotiateExtendedSessionSecurity | kNegotiate56 | kNegotiateSeal;

MessageSecurity make(uint32_t flags, Role role) {
  auto k = key();
  auto s = MessageSecurity::create(k, flags, role);
  REQUIRE(s);
  return std::move(*s);
}

struct SealedMessage {
  std::vector<uint8_t> message;  // header, body, trailer
  std::span<uint8_t> body() { return std::span<uint8_t>(message).subspan(8, 33); }
};
SealedMessage sample() { return {bytes("HEADER--stub and padding 0123456789abcdefTRAILER!")}; }

}  // namespace

TEST_CASE("NTLMSSP signatures and sealing match Impacket's MS-NLMP (128-bit, key exchange)") {
  auto client = make(kFlags128, Role::client);
  uint8_t sig[16];
  auto msg1 = bytes("DCE/RPC whole PDU, signed only");
  client.sign(msg1, std::span<uint8_t, 16>(sig));
  CHECK(std::vector<uint8_t>(sig, sig + 16) == hex("010000006472265ceda524b000000000"));
  auto m = sample();
  client.seal(m.message, m.body(), std::span<uint8_t, 16>(sig));
  CHECK(std::vector<uint8_t>(m.body().begin(), m.body().end()) ==
        hex("51f5314b187ba312399ba93383647838934ef7044bc3b768e3fd48027ade0cd09b"));
  CHECK(std::vector<uint8_t>(sig, sig + 16) == hex("010000004ed88e4d4a9dc18901000000"));
  CHECK(client.send_sequence() == 2);

  auto server = make(kFlags128, Role::server);
  server.sign(msg1, std::span<uint8_t, 16>(sig));
  CHECK(std::vector<uint8_t>(sig, sig + 16) == hex("0100000072cadd5e5e1309b100000000"));
}

TEST_CASE("NTLMSSP sealing matches Impacket's MS-NLMP (56-bit, no key exchange)") {
  auto client = make(kFlags56, Role::client);
  uint8_t sig[16];
  auto m = sample();
  client.seal(m.message, m.body(), std::span<uint8_t, 16>(sig));
  CHECK(std::vector<uint8_t>(m.body().begin(), m.body().end()) ==
        hex("ad5c1d61086e0204e03e5177caad67b8a77fa2fd6f0ce3bdea08dd02bdf2c884d4"));
  CHECK(std::vector<uint8_t>(sig, sig + 16) == hex("01000000d9ae90510a4af9e100000000"));
}

TEST_CASE("NTLMSSP: the peer verifies and unseals in order; tampering, replay and reordering fail") {
  auto client = make(kFlags128, Role::client);
  auto server = make(kFlags128, Role::server);
  uint8_t sig[16];
  auto plain = sample();
  auto m = sample();
  client.seal(m.message, m.body(), std::span<uint8_t, 16>(sig));
  CHECK(m.message != plain.message);
  CHECK(server.unseal(m.message, m.body(), sig));
  CHECK(m.message == plain.message);

  // The answer goes the other way with the server's keys.
  server.sign(plain.message, std::span<uint8_t, 16>(sig));
  CHECK(client.verify(plain.message, sig));

  // A replayed signature (sequence 1 again) fails, and so does one from the future.
  auto msg = bytes("request two");
  auto fresh = make(kFlags128, Role::server);
  uint8_t first[16];
  auto c2 = make(kFlags128, Role::client);
  c2.sign(msg, std::span<uint8_t, 16>(first));
  CHECK(fresh.verify(msg, first));
  CHECK_FALSE(fresh.verify(msg, first));  // replay of sequence 0 where 1 is expected

  auto in_order = make(kFlags128, Role::server);
  uint8_t s0[16], s1[16];
  auto c3 = make(kFlags128, Role::client);
  c3.sign(msg, std::span<uint8_t, 16>(s0));
  c3.sign(msg, std::span<uint8_t, 16>(s1));
  CHECK_FALSE(in_order.verify(msg, s1));  // reordered: sequence 1 before 0

  // One flipped bit of the message fails.
  auto tampered_peer = make(kFlags128, Role::server);
  auto c4 = make(kFlags128, Role::client);
  uint8_t s4[16];
  c4.sign(msg, std::span<uint8_t, 16>(s4));
  msg[0] ^= 1;
  CHECK_FALSE(tampered_peer.verify(msg, s4));

  // A client's own signature does not verify as the server's (directions have their own keys).
  auto c5 = make(kFlags128, Role::client);
  auto c6 = make(kFlags128, Role::client);
  uint8_t s5[16];
  c5.sign(msg, std::span<uint8_t, 16>(s5));
  CHECK_FALSE(c6.verify(msg, s5));
}

TEST_CASE("NTLMSSP: a session without extended session security or with a short key is refused") {
  auto k = key();
  CHECK_FALSE(MessageSecurity::create(k, kNegotiate128 | kNegotiateKeyExchange, Role::client));
  CHECK_FALSE(MessageSecurity::create(std::span(k).first(8), kFlags128, Role::client));
}

TEST_CASE("NTLMSSP: the AUTHENTICATE message's flags") {
  std::vector<uint8_t> m(72, 0);
  std::string_view sig("NTLMSSP\0", 8);
  std::copy(sig.begin(), sig.end(), m.begin());
  m[8] = 3;
  m[60] = 0x35; m[61] = 0x82; m[62] = 0x88; m[63] = 0xe2;
  CHECK(authenticate_flags(m) == 0xe2888235u);
  m[8] = 2;  // a CHALLENGE message
  CHECK_FALSE(authenticate_flags(m));
  m[8] = 3;
  m.resize(63);
  CHECK_FALSE(authenticate_flags(m));
}

TEST_CASE("NTLMSSP: short NEGOTIATE and AUTHENTICATE messages get gss-ntlmssp's long form") {
  // Impacket 0.10's NEGOTIATE: no Version flag, no payload, 32 bytes.
  auto neg = hex("4e544c4d5353500001000000358288e000000000000000000000000000000000");
  auto long_neg = lengthen_for_gss_ntlmssp(neg);
  REQUIRE(long_neg);
  CHECK(long_neg->size() == 40);
  CHECK(std::equal(neg.begin(), neg.begin() + 16, long_neg->begin()));
  CHECK((*long_neg)[20] == 40);  // empty domain's offset: past the Version
  CHECK((*long_neg)[28] == 40);
  // With the Version flag (bit 25) the message is long already.
  auto versioned = neg;
  versioned[15] |= 0x02;
  CHECK_FALSE(lengthen_for_gss_ntlmssp(versioned));

  // An AUTHENTICATE whose payload starts at 64: domain "D" (2 bytes) at 64, user "u" at 66.
  std::vector<uint8_t> auth(68, 0);
  std::string_view sig("NTLMSSP\0", 8);
  std::copy(sig.begin(), sig.end(), auth.begin());
  auth[8] = 3;
  auth[28] = 2; auth[30] = 2; auth[32] = 64;  // domain: len, maxlen, offset
  auth[36] = 2; auth[38] = 2; auth[40] = 66;  // user
  auth[60] = 0x01;                            // UNICODE, no Version flag
  auth[64] = 'D'; auth[66] = 'u';
  auto long_auth = lengthen_for_gss_ntlmssp(auth);
  REQUIRE(long_auth);
  REQUIRE(long_auth->size() == 68 + 24);
  CHECK((*long_auth)[32] == 88);
  CHECK((*long_auth)[40] == 90);
  CHECK((*long_auth)[88] == 'D');
  CHECK((*long_auth)[90] == 'u');
  CHECK((*long_auth)[16] == 88);  // an empty field (LM response) points at the payload
  // A field pointing into the fixed header: not a message to touch.
  auth[32] = 40;
  CHECK_FALSE(lengthen_for_gss_ntlmssp(auth));
  // Any other message type is left alone.
  auth[8] = 2;
  CHECK_FALSE(lengthen_for_gss_ntlmssp(auth));
}
