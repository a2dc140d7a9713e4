// The server against hand-made PDUs: negotiation answers, refusals, protocol errors and broken
// clients. After each, another client is still served.
#include "cn_fixture.h"

using namespace cntest;
using namespace nca;
using namespace nca::rpc::cn;
using rpc::kNdr20;
using rpc::kNdr64;

namespace {

void still_serving(Fixture& f) {
  auto& c = f.client();
  auto r = f.call(c, rpcecho_spec(), 0, addone_in(100));
  REQUIRE(r.ok());
  CHECK(read_u32(*r) == 101u);
}

std::vector<uint8_t> request(uint32_t call_id, uint16_t ctx, uint16_t opnum, const Bytes& stub,
                             uint8_t flags = kPfcFirstFrag | kPfcLastFrag) {
  Encoder enc;
  encode_request_head(enc, flags, call_id, uint32_t(stub.size()), ctx, opnum, std::nullopt,
                      stub.size());
  enc.bytes(stub);
  return enc.out;
}

std::vector<uint8_t> bind_pdu(BindBody body, PduType type = PduType::bind, uint32_t call_id = 1) {
  Encoder enc;
  encode_bind(enc, type, kPfcFirstFrag | kPfcLastFrag, call_id, body);
  return enc.out;
}

const FaultBody& expect_fault(const Pdu& p, rpc::FaultCode code) {
  REQUIRE(p.header.type == PduType::fault);
  const auto& fb = std::get<FaultBody>(p.body);
  CHECK(fb.status == uint32_t(code));
  return fb;
}

}  // namespace

TEST_CASE("cn_server_bind_answers_per_context", "[cn]") {
  Fixture f;
  RawPeer p(f);
  const rpc::SyntaxId bogus_ts{kUnknownIf.uuid, 2, 0};
  p.send(bind_pdu({8000, 8000, 0,
                   {{0, kRpcEcho, {kNdr20}},
                    {1, kUnknownIf, {kNdr20}},
                    {2, kRpcEcho, {bogus_ts}},
                    {3, kRpcEcho, {kNdr64, kNdr20}},       // rpcecho (test) speaks NDR20 only
                    {4, kNdr64Echo, {kNdr64}},
                    {5, kRpcEcho, {bind_time_feature_syntax(3)}}}}));
  auto ack = p.receive();
  REQUIRE(ack.header.type == PduType::bind_ack);
  const auto& b = std::get<BindAckBody>(ack.body);
  CHECK(b.max_xmit_frag == 5840);  // our default limit below the client's 8000
  CHECK(b.max_recv_frag == 5840);
  CHECK(b.assoc_group_id != 0);
  REQUIRE(b.results.size() == 6);
  CHECK(b.results[0].result == ContextResult::acceptance);
  CHECK(b.results[0].transfer_syntax == kNdr20);
  CHECK(b.results[1].result == ContextResult::provider_rejection);
  CHECK(b.results[1].reason == uint16_t(ProviderReason::abstract_syntax_not_supported));
  CHECK(b.results[2].result == ContextResult::provider_rejection);
  CHECK(b.results[2].reason == uint16_t(ProviderReason::proposed_transfer_syntaxes_not_supported));
  CHECK(b.results[3].result == ContextResult::acceptance);
  CHECK(b.results[3].transfer_syntax == kNdr20);
  CHECK(b.results[4].transfer_syntax == kNdr64);
  CHECK(b.results[5].result == ContextResult::negotiate_ack);
  CHECK(b.results[5].reason == kFeatureKeepConnectionOnOrphan);
  // A request on a rejected context: fault nca_s_unk_if, did not execute, connection stays.
  p.send(request(2, 1, 0, addone_in(1)));
  auto fault = p.receive();
  expect_fault(fault, rpc::FaultCode::unk_if);
  CHECK(fault.header.has(kPfcDidNotExecute));
  p.send(request(3, 0, 0, addone_in(1)));
  auto resp = p.receive();
  REQUIRE(resp.header.type == PduType::response);
  CHECK(resp.header.call_id == 3);
  still_serving(f);
}

TEST_CASE("cn_server_frag_size_negotiation_floor", "[cn]") {
  Fixture f;
  RawPeer p(f);
  p.send(bind_pdu({1024, 1024, 0, {{0, kRpcEcho, {kNdr20}}}}));
  auto ack = p.receive();
  CHECK(std::get<BindAckBody>(ack.body).max_xmit_frag == kMinFragSize);
}

TEST_CASE("cn_server_alter_context_adds_contexts", "[cn]") {
  Fixture f;
  RawPeer p(f);
  p.bind();
  p.send(bind_pdu({5840, 5840, 0, {{1, kNdr64Echo, {kNdr64}}, {2, kUnknownIf, {kNdr20}}}},
                  PduType::alter_context, 2));
  auto resp = p.receive();
  REQUIRE(resp.header.type == PduType::alter_context_resp);
  const auto& b = std::get<BindAckBody>(resp.body);
  REQUIRE(b.results.size() == 2);
  CHECK(b.results[0].result == ContextResult::acceptance);
  CHECK(b.results[1].reason == uint16_t(ProviderReason::abstract_syntax_not_supported));
  p.send(request(3, 1, 0, {}));
  auto r = p.receive();
  REQUIRE(r.header.type == PduType::response);
  auto stub = std::get<ResponseBody>(r.body).stub;
  CHECK(Bytes(stub.begin(), stub.end()) == Bytes(kNdr64.uuid.bytes.begin(), kNdr64.uuid.bytes.end()));
}

TEST_CASE("cn_server_unknown_auth_type_gets_bind_nak", "[cn]") {
  Fixture f;
  RawPeer p(f);
  auto pdu = bind_pdu({5840, 5840, 0, {{0, kRpcEcho, {kNdr20}}}});
  // NTLMSSP (10) at connect level with a 4-byte token.
  std::vector<uint8_t> trailer{10, 2, 0, 0, 1, 0, 0, 0, 'N', 'T', 'L', 'M'};
  pdu.insert(pdu.end(), trailer.begin(), trailer.end());
  pdu[8] = uint8_t(pdu.size());
  pdu[10] = 4;
  p.send(pdu);
  auto nak = p.receive();
  REQUIRE(nak.header.type == PduType::bind_nak);
  CHECK(std::get<BindNakBody>(nak.body).reason == BindNakReason::invalid_auth_type);
  CHECK(p.closed_by_server());
  still_serving(f);
}

TEST_CASE("cn_server_wrong_protocol_version_gets_bind_nak", "[cn]") {
  Fixture f;
  RawPeer p(f);
  auto pdu = bind_pdu({5840, 5840, 0, {{0, kRpcEcho, {kNdr20}}}});
  pdu[0] = 4;
  p.send(pdu);
  auto nak = p.receive();
  REQUIRE(nak.header.type == PduType::bind_nak);
  CHECK(std::get<BindNakBody>(nak.body).reason == BindNakReason::protocol_version_not_supported);
  CHECK(p.closed_by_server());
  still_serving(f);
}

TEST_CASE("cn_server_protocol_errors_fault_and_disconnect", "[cn]") {
  struct Case {
    const char* name;
    bool bind_first;
    std::function<std::vector<uint8_t>()> pdu;
  };
  std::vector<Case> cases{
      {"request before bind", false, [] { return request(1, 0, 0, addone_in(1)); }},
      {"second bind", true, [] { return bind_pdu({5840, 5840, 0, {{0, kRpcEcho, {kNdr20}}}}); }},
      {"middle fragment of no call", true, [] { return request(9, 0, 0, addone_in(1), 0); }},
      {"bind_ack from a client", true,
       [] {
         Encoder e;
         encode_bind_ack(e, PduType::bind_ack, 3, 4, BindAckBody{5840, 5840, 1, "", {}});
         return e.out;
       }},
      {"unknown PDU type", true,
       [] {
         auto b = request(1, 0, 0, addone_in(1));
         b[2] = 42;
         return b;
       }},
      {"frag_length shorter than the body", false,
       [] {
         auto b = bind_pdu({5840, 5840, 0, {{0, kRpcEcho, {kNdr20}}}});
         b[8] = 30;  // a bind cut inside its first context
         b.resize(30);
         return b;
       }},
      {"frag_length larger than negotiated", true,
       [] { return request(1, 0, 1, echodata_in(Bytes(6000, 1))); }},
  };
  for (auto& c : cases) {
    SECTION(c.name) {
      Fixture f;
      RawPeer p(f);
      if (c.bind_first) p.bind();
      p.send(c.pdu());
      auto fault = p.receive();
      expect_fault(fault, rpc::FaultCode::proto_error);
      CHECK(p.closed_by_server());
      still_serving(f);
      f.run_until([&] { return f.server->connection_count() == 1; });
    }
  }
}

TEST_CASE("cn_server_garbage_truncated_and_oversized_input", "[cn]") {
  Fixture f;
  {
    RawPeer p(f);  // a header's worth of noise: version 0x9c, a huge big-endian frag_length
    std::vector<uint8_t> noise(16);
    for (size_t i = 0; i < noise.size(); ++i) noise[i] = uint8_t(i * 131 + 0x9c);
    p.send(noise);
    // Refused on its header alone, without waiting for the body it announces.
    expect_fault(p.receive(), rpc::FaultCode::proto_error);
    CHECK(p.closed_by_server());
  }
  {
    RawPeer p(f);  // frag_length 65000 beyond our 5840 limit, body never sent: fault, hang up
    auto b = request(1, 0, 0, addone_in(1));
    b[8] = 0xe8;
    b[9] = 0xfd;
    b.resize(kHeaderSize);
    p.send(b);
    expect_fault(p.receive(), rpc::FaultCode::proto_error);
    CHECK(p.closed_by_server());
  }
  {
    RawPeer p(f);  // frag_length below the header size
    auto b = request(1, 0, 0, addone_in(1));
    b[8] = 8;
    b[9] = 0;
    b.resize(kHeaderSize);
    p.send(b);
    expect_fault(p.receive(), rpc::FaultCode::proto_error);
    CHECK(p.closed_by_server());
  }
  {
    RawPeer p(f);  // half a PDU, then the client goes away
    p.bind();
    auto b = request(1, 0, 0, addone_in(1));
    b.resize(20);
    p.send(b);
  }
  f.run_until([&] { return f.server->connection_count() == 0; });
  still_serving(f);
}

TEST_CASE("cn_server_client_vanishes_mid_call", "[cn]") {
  Fixture f;
  {
    RawPeer p(f);
    p.bind();
    p.send(request(1, 0, 6, sleep_in(2)));
    f.run_until([&] { return f.impl.sleeping == 1; });
  }
  f.run_until([&] { return f.server->connection_count() == 0; });
  // The handler completes later into a connection that is gone: harmless.
  f.run_until([&] { return f.impl.sleeping == 0; });
  CHECK(f.server->association_group_count() == 0);
  still_serving(f);
}

TEST_CASE("cn_server_orphaned_call_gets_no_reply", "[cn]") {
  Fixture f;
  RawPeer p(f);
  p.bind();
  p.send(request(1, 0, 6, sleep_in(1)));
  Encoder e;
  encode_empty(e, PduType::orphaned, kPfcFirstFrag | kPfcLastFrag, 1);
  p.send(e.out);
  f.run_until([&] { return f.impl.sleeping == 0; });
  p.send(request(2, 0, 0, addone_in(7)));
  auto r = p.receive();
  REQUIRE(r.header.type == PduType::response);
  CHECK(r.header.call_id == 2);  // call 1's reply never came
}

TEST_CASE("cn_server_big_endian_client", "[cn]") {
  Fixture f;
  RawPeer p(f);
  p.bind();
  // AddOne(0x01020304) from a big-endian client: header and stub most significant byte first.
  std::vector<uint8_t> pdu = {5, 0, 0, 3, 0x00, 0, 0, 0, 0, 28, 0, 0, 0, 0, 0, 2,
                              0, 0, 0, 4, 0, 0, 0, 0, 1, 2, 3, 4};
  p.send(pdu);
  auto r = p.receive();
  REQUIRE(r.header.type == PduType::response);
  CHECK(r.header.call_id == 2);
  auto stub = std::get<ResponseBody>(r.body).stub;
  CHECK(read_u32(Bytes(stub.begin(), stub.end())) == 0x01020305u);  // our reply: little-endian
}

TEST_CASE("cn_server_fragmented_request_interleaved_with_another_call", "[cn]") {
  Fixture f;
  RawPeer p(f);
  p.bind();
  Bytes data(3000, 0x5a);
  Bytes stub = echodata_in(data);
  // Call 1 in two fragments with call 2 (AddOne) between them.
  Bytes first(stub.begin(), stub.begin() + 1504), second(stub.begin() + 1504, stub.end());
  p.send(request(1, 0, 1, first, kPfcFirstFrag));
  p.send(request(2, 0, 0, addone_in(1)));
  p.send(request(1, 0, 1, second, kPfcLastFrag));
  std::map<uint32_t, Bytes> got;
  while (got.size() < 2 || got[1].size() < 4 + data.size()) {
    auto r = p.receive();
    REQUIRE(r.header.type == PduType::response);
    auto s = std::get<ResponseBody>(r.body).stub;
    got[r.header.call_id].insert(got[r.header.call_id].end(), s.begin(), s.end());
  }
  CHECK(read_u32(got[2]) == 2u);
  CHECK(read_conformant_bytes(got[1]) == data);
}
