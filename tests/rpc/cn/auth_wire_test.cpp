// The security seam's bytes on the wire, driven by hand against the server with the test
// provider (test_auth_provider.h): the bind's and bind_ack's trailers, auth3, auth_pad_length
// and the 16-byte padding of the stub (MS-RPCE 2.2.2.11), the verifier's place and coverage,
// sealing, and a corrupted verifier answered as Samba answers it.
#include "cn_fixture.h"
#include "nca/rpc/auth/padding.h"
#include "nca/rpc/auth/registry.h"
#include "test_auth_provider.h"

using namespace cntest;
using namespace nca;
using namespace nca::rpc::cn;
namespace auth = nca::rpc::auth;

namespace {

constexpr uint32_t kCtxId = 7;

uint32_t u32_at(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24; }

Bytes tagged(std::string_view tag, Bytes payload) {
  Bytes t(tag.begin(), tag.end());
  t.insert(t.end(), payload.begin(), payload.end());
  return t;
}

AuthTrailer trailer(auth::Level level) {
  AuthTrailer t;
  t.auth_type = kTestAuthType;
  t.auth_level = uint8_t(level);
  t.auth_context_id = kCtxId;
  return t;
}

// Sends a bind of rpcecho with the test provider's first token ("HELO" + user) and returns
// the answer.
Pdu send_auth_bind(RawPeer& p, auth::Level level) {
  Encoder enc;
  encode_bind(enc, PduType::bind, kPfcFirstFrag | kPfcLastFrag, 1,
              BindBody{5840, 5840, 0, {{0, kRpcEcho, {rpc::kNdr20}}}});
  append_auth(enc, 0, trailer(level), tagged("HELO", {'a', 'l', 'i', 'c', 'e'}));
  p.send(enc.out);
  return p.receive();
}

struct AuthedPeer {
  explicit AuthedPeer(Fixture& f, auth::Level level) : p(f), level(level) {
    Pdu ack = send_auth_bind(p, level);
    REQUIRE(ack.header.type == PduType::bind_ack);
    // The bind_ack's trailer: our type, level and context id, no padding, the CHAL token.
    REQUIRE(ack.auth);
    CHECK(ack.header.auth_length == 8);
    const std::vector<uint8_t> tail(p.last.data() + p.last.size() - 16, p.last.data() + p.last.size());
    CHECK(std::vector<uint8_t>(tail.begin(), tail.begin() + 8) ==
          std::vector<uint8_t>{kTestAuthType, uint8_t(level), 0, 0, kCtxId, 0, 0, 0});
    CHECK(std::string(tail.begin() + 8, tail.begin() + 12) == "CHAL");
    key = TestAuthProvider::session_key(u32_at(tail.data() + 12), "secret");
    // auth3: header, 4 bytes of padding, trailer, token; no answer.
    Encoder e3;
    encode_empty(e3, PduType::auth3, kPfcFirstFrag | kPfcLastFrag, 2);
    Bytes proof{uint8_t(key), uint8_t(key >> 8), uint8_t(key >> 16), uint8_t(key >> 24)};
    append_auth(e3, 0, trailer(level), tagged("AUTH", proof));
    CHECK(e3.out.size() == 16 + 4 + 8 + 8);
    p.send(e3.out);
  }

  // A protected request fragment built by hand, as a client must lay it out.
  std::vector<uint8_t> request(uint32_t call_id, uint16_t opnum, const Bytes& stub,
                               bool corrupt = false) {
    Encoder enc;
    encode_request_head(enc, kPfcFirstFrag | kPfcLastFrag, call_id, uint32_t(stub.size()), 0,
                        opnum, std::nullopt, stub.size());
    enc.bytes(stub);
    uint8_t pad = auth::auth_pad_length(stub.size());
    enc.out.insert(enc.out.end(), pad, 0);
    Bytes body(enc.out.begin() + 24, enc.out.end());
    AuthTrailer t = trailer(level);
    for (uint8_t b : {t.auth_type, t.auth_level, pad, uint8_t(0)}) enc.u8(b);
    enc.u32(kCtxId);
    uint32_t sum = TestAuthProvider::checksum(key, send_seq++, body) ^ (corrupt ? 1u : 0u);
    if (level == auth::Level::privacy)
      TestAuthProvider::transform(key, std::span<uint8_t>(enc.out).subspan(24, body.size()));
    enc.bytes(std::vector<uint8_t>{'T', 'S', 'I', 'G'});
    enc.u32(send_seq - 1);
    enc.u32(sum);
    enc.u32(0);
    set_lengths(enc.out, uint16_t(enc.out.size()), 16);
    return enc.out;
  }

  RawPeer p;
  auth::Level level;
  uint32_t key = 0;
  uint32_t send_seq = 0;
};

rpc::cn::ServerConfig with_provider() {
  rpc::cn::ServerConfig c;
  auto r = std::make_shared<auth::Registry>();
  r->add(std::make_shared<TestAuthProvider>());
  c.auth_providers = r;
  return c;
}

}  // namespace

TEST_CASE("cn_auth_wire_signed_request_and_response_padding", "[cn][auth]") {
  Fixture f(with_provider());
  AuthedPeer a(f, auth::Level::integrity);
  // AddOne's 4-byte stub: 12 bytes of padding, trailer at 40, verifier at 48; 64 bytes.
  auto req = a.request(3, 0, addone_in(41));
  CHECK(req.size() == 64);
  CHECK(req[10] == 16);  // auth_length
  a.p.send(req);
  Pdu resp = a.p.receive();
  REQUIRE(resp.header.type == PduType::response);
  const uint8_t* b = a.p.last.data();
  REQUIRE(a.p.last.size() == 64);
  CHECK(resp.header.frag_length == 64);
  CHECK(resp.header.auth_length == 16);
  CHECK(std::get<ResponseBody>(resp.body).alloc_hint == 4);  // the stub, without its padding
  CHECK(u32_at(b + 24) == 42);
  CHECK(std::vector<uint8_t>(b + 28, b + 40) == std::vector<uint8_t>(12, 0));
  CHECK(std::vector<uint8_t>(b + 40, b + 48) ==
        std::vector<uint8_t>{kTestAuthType, 5, 12, 0, kCtxId, 0, 0, 0});
  CHECK(std::string(b + 48, b + 52) == "TSIG");
  CHECK(u32_at(b + 52) == 0);  // the server's first sequence number
  CHECK(u32_at(b + 56) == TestAuthProvider::checksum(a.key, 0, std::span(b + 24, 16)));
  CHECK(f.impl.last_caller.identity.principal == "TEST\\alice");

  // EchoData of 5 bytes: a 13-byte stub, 3 bytes of padding; its 9-byte answer, 7.
  a.p.send(a.request(4, 1, echodata_in({1, 2, 3, 4, 5})));
  resp = a.p.receive();
  REQUIRE(resp.header.type == PduType::response);
  b = a.p.last.data();
  CHECK(a.p.last.size() == 24 + 9 + 7 + 8 + 16);
  CHECK(b[24 + 16 + 2] == 7);  // auth_pad_length
  CHECK(std::get<ResponseBody>(resp.body).stub.size() == 9);
  CHECK(u32_at(b + 52) == 1);
}

TEST_CASE("cn_auth_wire_sealed_request_and_response", "[cn][auth]") {
  Fixture f(with_provider());
  AuthedPeer a(f, auth::Level::privacy);
  Bytes data{'p', 'l', 'a', 'i', 'n', 't', 'e', 'x', 't', '!', '!'};
  a.p.send(a.request(3, 1, echodata_in(data)));
  Pdu resp = a.p.receive();
  REQUIRE(resp.header.type == PduType::response);
  std::vector<uint8_t> frag(a.p.last.data(), a.p.last.data() + a.p.last.size());
  // 4 + 11 = 15 stub bytes, 1 byte of padding; the body is sealed, the header and trailer not.
  REQUIRE(frag.size() == 24 + 16 + 8 + 16);
  CHECK(frag[42] == 1);
  CHECK(frag[41] == 6);
  std::vector<uint8_t> body(frag.begin() + 24, frag.begin() + 40);
  CHECK(std::search(body.begin(), body.end(), data.begin(), data.end()) == body.end());
  TestAuthProvider::transform(a.key, body);
  CHECK(u32_at(body.data()) == 11);
  CHECK(std::vector<uint8_t>(body.begin() + 4, body.begin() + 15) == data);
  CHECK(body[15] == 0);
  // The verifier covers the plaintext.
  CHECK(u32_at(frag.data() + 56) == TestAuthProvider::checksum(a.key, 0, body));
}

TEST_CASE("cn_auth_wire_unverifiable_request_is_access_denied_then_disconnect", "[cn][auth]") {
  Fixture f(with_provider());
  auto expect_access_denied = [&](AuthedPeer& a) {
    Pdu fault = a.p.receive();
    REQUIRE(fault.header.type == PduType::fault);
    CHECK(std::get<FaultBody>(fault.body).status == 5);
    CHECK(a.p.closed_by_server());
    CHECK(f.impl.calls == 0);
  };
  SECTION("a sealed request with a wrong checksum") {
    AuthedPeer a(f, auth::Level::privacy);
    a.p.send(a.request(3, 0, addone_in(1), /*corrupt=*/true));
    expect_access_denied(a);
  }
  SECTION("no verifier at integrity") {
    AuthedPeer a(f, auth::Level::integrity);
    Encoder enc;
    encode_request_head(enc, kPfcFirstFrag | kPfcLastFrag, 3, 4, 0, 0, std::nullopt, 4);
    enc.bytes(addone_in(1));
    a.p.send(enc.out);
    expect_access_denied(a);
  }
  SECTION("a replayed sequence number") {
    AuthedPeer a(f, auth::Level::integrity);
    a.p.send(a.request(3, 0, addone_in(1)));
    REQUIRE(a.p.receive().header.type == PduType::response);
    a.send_seq = 0;
    a.p.send(a.request(4, 0, addone_in(1)));
    Pdu fault = a.p.receive();
    REQUIRE(fault.header.type == PduType::fault);
    CHECK(std::get<FaultBody>(fault.body).status == 5);
    CHECK(a.p.closed_by_server());
  }
}

TEST_CASE("cn_auth_wire_access_denied_bytes", "[cn][auth]") {
  Fixture f(with_provider());
  AuthedPeer a(f, auth::Level::integrity);
  a.p.send(a.request(9, 0, addone_in(1), /*corrupt=*/true));
  Pdu fault = a.p.receive();
  REQUIRE(fault.header.type == PduType::fault);
  CHECK(fault.header.call_id == 9);
  CHECK(fault.header.flags == (kPfcFirstFrag | kPfcLastFrag));
  CHECK(fault.header.auth_length == 0);
  const auto& fb = std::get<FaultBody>(fault.body);
  CHECK(fb.status == 5);
  CHECK(fb.context_id == 0);
  CHECK(a.p.closed_by_server());
  CHECK(f.impl.calls == 0);
  // Everyone else is still served.
  auto r = f.call(f.client(), rpcecho_spec(), 0, addone_in(1));
  REQUIRE(r.ok());
}

TEST_CASE("cn_auth_wire_trailer_of_another_context_or_early_call", "[cn][auth]") {
  Fixture f(with_provider());
  SECTION("a request before auth3") {
    RawPeer p(f);
    REQUIRE(send_auth_bind(p, auth::Level::integrity).header.type == PduType::bind_ack);
    Encoder req;
    encode_request_head(req, kPfcFirstFrag | kPfcLastFrag, 2, 4, 0, 0, std::nullopt, 4);
    req.bytes(addone_in(1));
    p.send(req.out);
    Pdu fault = p.receive();
    REQUIRE(fault.header.type == PduType::fault);
    CHECK(std::get<FaultBody>(fault.body).status == 5);
    CHECK(p.closed_by_server());
  }
  SECTION("an auth3 with another context id is a protocol error") {
    RawPeer p(f);
    REQUIRE(send_auth_bind(p, auth::Level::integrity).header.type == PduType::bind_ack);
    Encoder e3;
    encode_empty(e3, PduType::auth3, kPfcFirstFrag | kPfcLastFrag, 2);
    AuthTrailer other = trailer(auth::Level::integrity);
    other.auth_context_id = kCtxId + 1;
    append_auth(e3, 0, other, tagged("AUTH", {0, 0, 0, 0}));
    p.send(e3.out);
    Pdu fault = p.receive();
    REQUIRE(fault.header.type == PduType::fault);
    CHECK(std::get<FaultBody>(fault.body).status == uint32_t(rpc::FaultCode::proto_error));
    CHECK(p.closed_by_server());
  }
}
