// The PDU codec: our encodings decode to what we encoded; hand-built big-endian PDUs (C706
// layout) decode; every truncation of a valid PDU fails cleanly. Independent checks of our bytes
// (tshark, Samba's client and server) are in interop_test.py.
#include <catch2/catch.hpp>

#include "nca/rpc/cn/pdu.h"

using namespace nca::rpc;
using namespace nca::rpc::cn;

namespace {
constexpr SyntaxId kEcho{Uuid::from_literal("60a15ec5-4de8-11d7-a637-005056a20182"), 1, 0};
}

TEST_CASE("pdu_bind_round_trip", "[cn][pdu]") {
  Encoder enc;
  BindBody b{4280, 5840, 0x1234, {{0, kEcho, {kNdr20, kNdr64}}, {1, kEcho, {bind_time_feature_syntax(3)}}}};
  encode_bind(enc, PduType::bind, kPfcFirstFrag | kPfcLastFrag, 7, b);
  // C706 12.6.4.3: 16 header + 12 fixed + (4 + 20 + 2*20) + (4 + 20 + 20) = 136
  REQUIRE(enc.out.size() == 136);
  CHECK(enc.out[8] == 136);
  auto d = decode(enc.out);
  REQUIRE(d.ok());
  CHECK(d->header.call_id == 7);
  const auto& body = std::get<BindBody>(d->body);
  CHECK(body.max_xmit_frag == 4280);
  CHECK(body.max_recv_frag == 5840);
  CHECK(body.assoc_group_id == 0x1234);
  REQUIRE(body.contexts.size() == 2);
  CHECK(body.contexts[0].transfer_syntaxes == std::vector<SyntaxId>{kNdr20, kNdr64});
  CHECK(bind_time_features(body.contexts[1].transfer_syntaxes[0]) == uint16_t(3));
  CHECK_FALSE(bind_time_features(kNdr20).has_value());
  // The NDR20 UUID's first field is little-endian on the wire: 04 5d 88 8a.
  CHECK(enc.out[52] == 0x04);
  CHECK(enc.out[55] == 0x8a);
}

TEST_CASE("pdu_bind_ack_secondary_address_alignment", "[cn][pdu]") {
  for (std::string addr : {"", "1", "135", "49152", "ncalrpc_name"}) {
    Encoder enc;
    BindAckBody a{5840, 5840, 99, addr, {{ContextResult::acceptance, 0, kNdr20},
                                          {ContextResult::provider_rejection, 2, {}}}};
    encode_bind_ack(enc, PduType::bind_ack, 3, 1, a);
    auto d = decode(enc.out);
    REQUIRE(d.ok());
    const auto& body = std::get<BindAckBody>(d->body);
    CHECK(body.secondary_address == addr);
    REQUIRE(body.results.size() == 2);
    CHECK(body.results[0].transfer_syntax == kNdr20);
    CHECK(body.results[1].reason == 2);
    // The result list starts 4-aligned from the PDU start.
    size_t list = 26 + (addr.empty() ? 0 : addr.size() + 1);
    list = (list + 3) & ~size_t(3);
    CHECK(enc.out[list] == 2);
  }
}

TEST_CASE("pdu_big_endian_request_decodes", "[cn][pdu]") {
  // A request as a big-endian client (smbtorture's bigendian option) sends it: drep 00, every
  // integer most significant byte first, the object UUID's first three fields too.
  std::vector<uint8_t> p = {5, 0, 0, 0x83, 0x00, 0, 0, 0, 0, 44, 0, 0, 0, 0, 0, 9,
                            0, 0, 0, 4, 0, 1, 0, 6,
                            0x60, 0xa1, 0x5e, 0xc5, 0x4d, 0xe8, 0x11, 0xd7,
                            0xa6, 0x37, 0x00, 0x50, 0x56, 0xa2, 0x01, 0x82,
                            0, 0, 0, 3};
  auto d = decode(p);
  REQUIRE(d.ok());
  CHECK_FALSE(d->header.little_endian());
  CHECK(d->header.call_id == 9);
  const auto& r = std::get<RequestBody>(d->body);
  CHECK(r.alloc_hint == 4);
  CHECK(r.context_id == 1);
  CHECK(r.opnum == 6);
  REQUIRE(r.object.has_value());
  CHECK(r.object->to_string() == "60a15ec5-4de8-11d7-a637-005056a20182");
  CHECK(r.stub.size() == 4);
}

TEST_CASE("pdu_auth_trailer_is_parsed", "[cn][pdu]") {
  Encoder enc;
  encode_request_head(enc, 3, 5, 4, 0, 0, std::nullopt, 4);
  for (int i = 0; i < 4; ++i) enc.u8(0xaa);
  // 12 bytes of auth padding would be odd; use 4 so the trailer starts 8-aligned.
  for (int i = 0; i < 4; ++i) enc.u8(0);
  enc.bytes(std::vector<uint8_t>{10, 2, 4, 0, 1, 0, 0, 0});  // NTLMSSP, connect, pad 4, ctx 1
  enc.bytes(std::vector<uint8_t>{'t', 'o', 'k', 'n'});
  enc.out[8] = uint8_t(enc.out.size());
  enc.out[10] = 4;  // auth_length
  auto d = decode(enc.out);
  REQUIRE(d.ok());
  REQUIRE(d->auth.has_value());
  CHECK(d->auth->auth_type == 10);
  CHECK(d->auth->auth_level == 2);
  CHECK(d->auth->auth_context_id == 1);
  CHECK(d->auth->credentials.size() == 4);
  CHECK(std::get<RequestBody>(d->body).stub.size() == 4);  // the padding is not stub data
}

TEST_CASE("pdu_every_truncation_fails_cleanly", "[cn][pdu]") {
  Encoder enc;
  BindBody b{5840, 5840, 0, {{0, kEcho, {kNdr20}}, {1, kEcho, {kNdr64}}}};
  encode_bind(enc, PduType::bind, 3, 1, b);
  Encoder ack;
  encode_bind_ack(ack, PduType::bind_ack, 3, 1,
                  BindAckBody{5840, 5840, 1, "1234", {{ContextResult::acceptance, 0, kNdr20}}});
  for (const auto& full : {enc.out, ack.out}) {
    for (size_t n = 0; n < full.size(); ++n) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + n);
      if (n >= 10) {  // keep frag_length consistent so that the body check is what fails
        cut[8] = uint8_t(n);
        cut[9] = uint8_t(n >> 8);
      }
      CHECK_FALSE(decode(cut).ok());
    }
  }
}

TEST_CASE("pdu_counts_beyond_the_fragment_are_refused", "[cn][pdu]") {
  Encoder enc;
  BindBody b{5840, 5840, 0, {{0, kEcho, {kNdr20}}}};
  encode_bind(enc, PduType::bind, 3, 1, b);
  auto bad = enc.out;
  bad[24] = 255;  // num_contexts
  CHECK_FALSE(decode(bad).ok());
  bad = enc.out;
  bad[30] = 255;  // num_transfer_syntaxes of the first context
  CHECK_FALSE(decode(bad).ok());
  bad = enc.out;
  bad[0] = 4;  // rpc_vers
  CHECK_FALSE(decode(bad).ok());
  bad = enc.out;
  bad[2] = 42;  // no such PDU type
  CHECK_FALSE(decode(bad).ok());
  bad = enc.out;
  bad[10] = 200;  // auth_length beyond the fragment
  CHECK_FALSE(decode(bad).ok());
}
