// The server against hand-made PDUs: negotiation answers, refusals, protocol errors and broken
// clients. After each, another client is still served.
#include "cn_fixture.h"

#include <fstream>
#include <unistd.h>

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
                             uint8_t flags = kPfcFirstFrag | kPfcLastFrag,
                             std::optional<uint32_t> alloc_hint = std::nullopt) {
  Encoder enc;
  encode_request_head(enc, flags, call_id, alloc_hint.value_or(uint32_t(stub.size())), ctx, opnum,
                      std::nullopt, stub.size());
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
  // One presentation context per bind, as Windows and Samba: the later ones are refused with
  // proposed_transfer_syntaxes_not_supported, however acceptable.
  for (size_t i : {3, 4}) {
    CHECK(b.results[i].result == ContextResult::provider_rejection);
    CHECK(b.results[i].reason == uint16_t(ProviderReason::proposed_transfer_syntaxes_not_supported));
  }
  CHECK(b.results[5].result == ContextResult::negotiate_ack);
  CHECK(b.results[5].reason == 3);  // both features, as Windows accepts them
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
  // Windows' answers, from Samba's raw_protocol tests (test_neg_xmit_*): min of the client's two
  // sizes, raised to 2048, lowered to ours (5840), rounded down to a multiple of 8; both fields
  // of bind_ack the same.
  struct Case {
    uint16_t xmit, recv, want;
  };
  for (Case c : {Case{0, 0, 2048}, Case{0, 0xffff, 2048}, Case{0xffff, 0, 2048},
                 Case{3199, 0, 2048}, Case{0, 3199, 2048}, Case{3199, 0xffff, 3192},
                 Case{0xffff, 3199, 3192}, Case{0xffff, 0xffff, 5840}, Case{1024, 1024, 2048},
                 Case{2049, 2049, 2048}, Case{5847, 5847, 5840}}) {
    Fixture f;
    RawPeer p(f);
    p.send(bind_pdu({c.xmit, c.recv, 0, {{0, kRpcEcho, {kNdr20}}}}));
    auto ack = p.receive();
    INFO("client " << c.xmit << "/" << c.recv);
    REQUIRE(ack.header.type == PduType::bind_ack);
    CHECK(std::get<BindAckBody>(ack.body).max_xmit_frag == c.want);
    CHECK(std::get<BindAckBody>(ack.body).max_recv_frag == c.want);
    // The negotiated size is what the server then accepts: one fragment of exactly that size.
    Bytes stub = echodata_in(Bytes(c.want - kRequestHeaderSize - 8, 7));
    p.send(request(2, 0, 1, stub));
    auto r = p.receive();
    REQUIRE(r.header.type == PduType::response);
  }
  {
    // What we accept stays our own max_frag (5840), whatever was agreed, as Windows: 5840 after
    // 2048 was negotiated is served, 5841 is a protocol error (fault without did_not_execute).
    Fixture f;
    RawPeer p(f);
    p.send(bind_pdu({0, 0, 0, {{0, kRpcEcho, {kNdr20}}}}));
    REQUIRE(p.receive().header.type == PduType::bind_ack);
    p.send(request(2, 0, 1, echodata_in(Bytes(5840 - kRequestHeaderSize - 8, 7))));
    for (bool last = false; !last;) {  // the reply comes in 2048-byte fragments
      auto r = p.receive();
      REQUIRE(r.header.type == PduType::response);
      last = r.header.has(kPfcLastFrag);
    }
    p.send(request(3, 0, 1, echodata_in(Bytes(5841 - kRequestHeaderSize - 8, 7))));
    auto fault = p.receive();
    expect_fault(fault, rpc::FaultCode::proto_error);
    CHECK_FALSE(fault.header.has(kPfcDidNotExecute));
    CHECK(p.closed_by_server());
  }
  // Below 2048 only when our own limit is lower (never below C706's 1432).
  rpc::cn::ServerConfig sc;
  sc.max_frag = 1500;
  Fixture f(sc);
  RawPeer p(f);
  p.send(bind_pdu({0xffff, 0xffff, 0, {{0, kRpcEcho, {kNdr20}}}}));
  auto ack = p.receive();
  CHECK(std::get<BindAckBody>(ack.body).max_xmit_frag == 1496);
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

TEST_CASE("cn_server_alter_of_an_accepted_context_to_another_known_syntax_is_proto_error", "[cn]") {
  // Samba's raw_protocol test_no_auth_presentation_ctx_invalid4 (Windows' answer): context 0 was
  // accepted with NDR; an alter_context for it offering a null syntax, a syntax that is not a
  // transfer syntax and NDR64 would change it: fault proto_error, did_not_execute, context 0,
  // then disconnect.
  const rpc::SyntaxId null_syntax{};
  const rpc::SyntaxId not_a_transfer = kUnknownIf;
  {
    Fixture f;
    RawPeer p(f);
    p.bind();
    p.send(bind_pdu({5840, 5840, 0, {{0, kRpcEcho, {null_syntax, not_a_transfer, kNdr64}}}},
                    PduType::alter_context, 2));
    auto fault = p.receive();
    const auto& fb = expect_fault(fault, rpc::FaultCode::proto_error);
    CHECK(fault.header.has(kPfcDidNotExecute));
    CHECK(fb.context_id == 0);
    CHECK(p.closed_by_server());
    still_serving(f);
  }
  {
    // Unknown syntaxes alone change nothing (raw_protocol's _valid2): the context is only
    // refused, and stays usable with its NDR.
    Fixture f;
    RawPeer p(f);
    p.bind();
    p.send(bind_pdu({5840, 5840, 0, {{0, kRpcEcho, {null_syntax, not_a_transfer}}}},
                    PduType::alter_context, 2));
    auto resp = p.receive();
    REQUIRE(resp.header.type == PduType::alter_context_resp);
    const auto& b = std::get<BindAckBody>(resp.body);
    REQUIRE(b.results.size() == 1);
    CHECK(b.results[0].result == ContextResult::provider_rejection);
    CHECK(b.results[0].reason == uint16_t(ProviderReason::proposed_transfer_syntaxes_not_supported));
    p.send(request(3, 0, 0, addone_in(7)));
    auto r = p.receive();
    REQUIRE(r.header.type == PduType::response);
  }
}

namespace {
// Appends an auth trailer (type, level, context 0, the 4-byte token "none") to a PDU and fixes
// frag_length and auth_length. The PDU's body ends 4-aligned, so no auth padding is needed.
std::vector<uint8_t> with_auth(std::vector<uint8_t> pdu, uint8_t type, uint8_t level) {
  REQUIRE(pdu.size() % 4 == 0);
  std::vector<uint8_t> trailer{type, level, 0, 0, 0, 0, 0, 0, 'n', 'o', 'n', 'e'};
  pdu.insert(pdu.end(), trailer.begin(), trailer.end());
  pdu[8] = uint8_t(pdu.size());
  pdu[9] = uint8_t(pdu.size() >> 8);
  pdu[10] = 4;
  return pdu;
}
}  // namespace

TEST_CASE("cn_server_unknown_auth_type_gets_bind_nak", "[cn]") {
  // Samba 4.17's answers (samba-dcerpcd and raw_protocol's test_auth_none_*_bind, which name
  // Windows' too), for auth types without a security provider here: the level decides.
  struct Case {
    uint8_t type, level;
    BindNakReason want;
  };
  for (Case c : {Case{0, 1, BindNakReason::not_specified}, Case{0, 2, BindNakReason::invalid_auth_type},
                 Case{0, 6, BindNakReason::invalid_auth_type}, Case{1, 0, BindNakReason::not_specified},
                 Case{1, 3, BindNakReason::invalid_auth_type}, Case{1, 7, BindNakReason::not_specified},
                 Case{10, 2, BindNakReason::invalid_auth_type}, Case{99, 5, BindNakReason::invalid_auth_type},
                 Case{10, 255, BindNakReason::not_specified}}) {
    Fixture f;
    RawPeer p(f);
    INFO("auth type " << int(c.type) << " level " << int(c.level));
    p.send(with_auth(bind_pdu({5840, 5840, 0, {{0, kRpcEcho, {kNdr20}}}}), c.type, c.level));
    auto nak = p.receive();
    REQUIRE(nak.header.type == PduType::bind_nak);
    CHECK(std::get<BindNakBody>(nak.body).reason == c.want);
    CHECK(p.closed_by_server());
    still_serving(f);
  }
}

TEST_CASE("cn_server_auth_trailer_on_alter_context_or_request_is_access_denied", "[cn]") {
  // An unauthenticated association: any auth trailer (type none included) on alter_context or
  // request is fault nca_s_fault_access_denied, then disconnect, as samba-dcerpcd answers
  // (raw_protocol's test_auth_none_*_request for requests).
  for (uint8_t type : {0, 1, 10, 99}) {
    for (uint8_t level : {1, 2, 6}) {
      INFO("auth type " << int(type) << " level " << int(level));
      {
        Fixture f;
        RawPeer p(f);
        p.bind();
        p.send(with_auth(bind_pdu({5840, 5840, 0, {{1, kRpcEcho, {kNdr20}}}}, PduType::alter_context, 2),
                         type, level));
        auto fault = p.receive();
        const auto& fb = expect_fault(fault, rpc::FaultCode::fault_access_denied);
        CHECK(fault.header.has(kPfcDidNotExecute));
        CHECK(fb.context_id == 0);
        CHECK(fb.alloc_hint != 0);
        CHECK(p.closed_by_server());
        still_serving(f);
      }
      {
        Fixture f;
        RawPeer p(f);
        p.bind();
        p.send(with_auth(request(3, 0, 0, addone_in(1)), type, level));
        auto fault = p.receive();
        const auto& fb = expect_fault(fault, rpc::FaultCode::fault_access_denied);
        CHECK(fault.header.flags == (kPfcFirstFrag | kPfcLastFrag));
        CHECK(fb.context_id == 0);
        CHECK(fb.alloc_hint != 0);
        CHECK(p.closed_by_server());
        still_serving(f);
      }
    }
  }
}

TEST_CASE("cn_server_second_bind_and_empty_bind_get_bind_nak", "[cn]") {
  // Windows and Samba (raw_protocol's test_no_auth_valid_valid_request, test_no_auth_no_ctx):
  // bind_nak not_specified, then disconnect.
  SECTION("second bind") {
    Fixture f;
    RawPeer p(f);
    p.bind();
    p.send(bind_pdu({5840, 5840, 0, {{1, kRpcEcho, {kNdr20}}}}, PduType::bind, 2));
    auto nak = p.receive();
    REQUIRE(nak.header.type == PduType::bind_nak);
    CHECK(std::get<BindNakBody>(nak.body).reason == BindNakReason::not_specified);
    CHECK(p.closed_by_server());
    still_serving(f);
  }
  SECTION("no context") {
    Fixture f;
    RawPeer p(f);
    p.send(bind_pdu({5840, 5840, 0, {}}));
    auto nak = p.receive();
    REQUIRE(nak.header.type == PduType::bind_nak);
    CHECK(std::get<BindNakBody>(nak.body).reason == BindNakReason::not_specified);
    CHECK(p.closed_by_server());
    still_serving(f);
  }
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
      {"frag_length beyond our max_frag", true,
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

TEST_CASE("cn_server_answers_as_windows_in_raw_protocol_edge_cases", "[cn]") {
  // What Samba's raw_protocol tests (written against Windows) and samba-dcerpcd 4.17 answer.
  Fixture f;
  RawPeer p(f);
  Encoder orphaned;
  encode_empty(orphaned, PduType::orphaned, kPfcFirstFrag | kPfcLastFrag, 1);
  SECTION("an orphaned during reassembly is advisory: the call is answered") {
    p.bind();
    p.send(request(1, 0, 0, addone_in(1), kPfcFirstFrag));
    p.send(orphaned.out);
    p.send(request(1, 0, 0, {}, kPfcLastFrag));
    auto r = p.receive();
    REQUIRE(r.header.type == PduType::response);
    CHECK(r.header.call_id == 1);
  }
  SECTION("without concurrent multiplexing, a new call during reassembly faults the pending one") {
    p.bind();
    p.send(request(1, 0, 0, addone_in(1), kPfcFirstFrag));
    p.send(request(2, 0, 0, addone_in(1)));
    auto r = p.receive();
    const auto& fb = expect_fault(r, rpc::FaultCode::proto_error);
    CHECK(r.header.call_id == 1);
    CHECK_FALSE(r.header.has(kPfcDidNotExecute));
    CHECK(fb.context_id == 0);
    CHECK(p.closed_by_server());
  }
  SECTION("with it, a new call on an unknown context during reassembly is a protocol error") {
    p.bind(kRpcEcho, 1, 3 | kPfcConcMpx);
    p.send(request(1, 0, 0, addone_in(1), kPfcFirstFrag));
    p.send(request(2, 9, 0, addone_in(1)));
    auto r = p.receive();
    expect_fault(r, rpc::FaultCode::proto_error);
    CHECK(r.header.call_id == 2);
    CHECK(p.closed_by_server());
  }
  SECTION("a request on an unknown context: unk_if on context 0, the connection stays") {
    p.bind();
    p.send(request(2, 0x1234, 0, addone_in(1)));
    auto r = p.receive();
    CHECK(expect_fault(r, rpc::FaultCode::unk_if).context_id == 0);
    p.send(request(3, 0, 0, addone_in(1)));
    CHECK(p.receive().header.type == PduType::response);
  }
  SECTION("a response carries the low 8 bits of the context id") {
    p.send(bind_pdu({5840, 5840, 0, {{0xffff, kRpcEcho, {kNdr20}}}}));
    REQUIRE(p.receive().header.type == PduType::bind_ack);
    p.send(request(2, 0xffff, 0, addone_in(1)));
    auto r = p.receive();
    REQUIRE(r.header.type == PduType::response);
    CHECK(std::get<ResponseBody>(r.body).context_id == 0xff);
  }
  SECTION("one new context per alter_context; an existing one refused there stays usable") {
    p.bind();
    p.send(bind_pdu({5840, 5840, 0, {{1, kRpcEcho, {kNdr20}}, {0, kRpcEcho, {kNdr20}}}},
                    PduType::alter_context, 2));
    auto a = p.receive();
    REQUIRE(a.header.type == PduType::alter_context_resp);
    const auto& b = std::get<BindAckBody>(a.body);
    CHECK(b.results[0].result == ContextResult::acceptance);
    CHECK(b.results[1].reason == uint16_t(ProviderReason::proposed_transfer_syntaxes_not_supported));
    for (uint16_t ctx : {0, 1}) {
      p.send(request(3 + ctx, ctx, 0, addone_in(1)));
      CHECK(p.receive().header.type == PduType::response);
    }
  }
  SECTION("an alter_context without contexts, or changing one: proto_error, disconnect") {
    p.bind();
    bool empty = GENERATE(true, false);
    BindBody body{5840, 5840, 0, {}};
    if (!empty) body.contexts.push_back({0, kNdr64Echo, {kNdr20}});
    p.send(bind_pdu(body, PduType::alter_context, 2));
    auto r = p.receive();
    expect_fault(r, rpc::FaultCode::proto_error);
    CHECK(r.header.has(kPfcDidNotExecute));
    CHECK(p.closed_by_server());
  }
  SECTION("bind: a context without transfer syntaxes, two feature contexts: bind_nak") {
    bool no_ts = GENERATE(true, false);
    BindBody body{5840, 5840, 0, {}};
    if (no_ts) {
      body.contexts.push_back({0, kRpcEcho, {}});
    } else {
      body.contexts.push_back({0, rpc::SyntaxId{}, {bind_time_feature_syntax(2)}});
      body.contexts.push_back({1, rpc::SyntaxId{}, {bind_time_feature_syntax(1)}});
    }
    p.send(bind_pdu(body));
    auto r = p.receive();
    REQUIRE(r.header.type == PduType::bind_nak);
    CHECK(std::get<BindNakBody>(r.body).reason == BindNakReason::not_specified);
    CHECK(p.closed_by_server());
  }
  SECTION("a bind whose auth_length points outside it: bind_nak protocol version") {
    auto pdu = bind_pdu({5840, 5840, 0, {}});
    pdu[10] = 8;  // auth_length
    p.send(pdu);
    auto r = p.receive();
    REQUIRE(r.header.type == PduType::bind_nak);
    CHECK(std::get<BindNakBody>(r.body).reason == BindNakReason::protocol_version_not_supported);
  }
  SECTION("SUPPORT_HEADER_SIGN is echoed in bind_ack and alter_context_resp") {
    Encoder e;
    encode_bind(e, PduType::bind, kPfcSupportHeaderSign, 1, {5840, 5840, 0, {{0, kRpcEcho, {kNdr20}}}});
    p.send(e.out);
    auto r = p.receive();
    CHECK(r.header.flags == (kPfcFirstFrag | kPfcLastFrag | kPfcSupportHeaderSign));
    Encoder a;
    encode_bind(a, PduType::alter_context, 0xff, 2, {5840, 5840, 0, {{0, kRpcEcho, {kNdr20}}}});
    p.send(a.out);
    r = p.receive();
    CHECK(r.header.flags == (kPfcFirstFrag | kPfcLastFrag | kPfcSupportHeaderSign));
  }
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
  p.bind(kRpcEcho, 1, 3 | kPfcConcMpx);  // without concurrent multiplexing: a protocol error
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

namespace {
// The process's virtual memory size in bytes (/proc/self/statm), which grows with every
// allocation the server makes, touched or not.
size_t virtual_size() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0;
  statm >> pages;
  return pages * size_t(sysconf(_SC_PAGESIZE));
}
}  // namespace

TEST_CASE("cn_server_context_limit_is_bind_nak_local_limit_exceeded", "[cn]") {
  // MS-RPCE 3.3.3.5.5: a presentation context beyond the server's limit refuses the negotiation
  // with bind_nak local_limit_exceeded (then the connection closes, as after every bind_nak).
  rpc::cn::ServerConfig sc;
  sc.max_contexts = 2;
  SECTION("bind offering a context beyond the limit") {
    sc.max_contexts = 0;
    Fixture f(sc);
    RawPeer p(f);
    p.send(bind_pdu({5840, 5840, 0, {{0, kRpcEcho, {kNdr20}}}}));
    auto nak = p.receive();
    REQUIRE(nak.header.type == PduType::bind_nak);
    CHECK(std::get<BindNakBody>(nak.body).reason == BindNakReason::local_limit_exceeded);
    CHECK(p.closed_by_server());
  }
  SECTION("alter_context going beyond the limit") {
    Fixture f(sc);
    RawPeer p(f);
    // An unknown interface (rejected, so it takes no slot) and a context; then a second one.
    p.send(bind_pdu({5840, 5840, 0, {{2, kUnknownIf, {kNdr20}}, {0, kRpcEcho, {kNdr20}}}}));
    auto ack = p.receive();
    REQUIRE(ack.header.type == PduType::bind_ack);
    CHECK(std::get<BindAckBody>(ack.body).results[1].result == ContextResult::acceptance);
    p.send(bind_pdu({5840, 5840, 0, {{1, kNdr64Echo, {kNdr20}}}}, PduType::alter_context, 5));
    auto second = p.receive();
    REQUIRE(second.header.type == PduType::alter_context_resp);
    CHECK(std::get<BindAckBody>(second.body).results[0].result == ContextResult::acceptance);
    // Offering an existing context again takes no new slot.
    p.send(bind_pdu({5840, 5840, 0, {{1, kNdr64Echo, {kNdr20}}}}, PduType::alter_context, 2));
    auto again = p.receive();
    REQUIRE(again.header.type == PduType::alter_context_resp);
    CHECK(std::get<BindAckBody>(again.body).results[0].result == ContextResult::acceptance);
    p.send(request(3, 1, 0, {}));
    REQUIRE(p.receive().header.type == PduType::response);
    // A third one does.
    p.send(bind_pdu({5840, 5840, 0, {{7, kRpcEcho, {kNdr20}}}}, PduType::alter_context, 4));
    auto nak = p.receive();
    REQUIRE(nak.header.type == PduType::bind_nak);
    CHECK(std::get<BindNakBody>(nak.body).reason == BindNakReason::local_limit_exceeded);
    CHECK(p.closed_by_server());
    still_serving(f);
  }
}

TEST_CASE("cn_server_connection_limit_closes_extra_connections_at_once", "[cn]") {
  rpc::cn::ServerConfig sc;
  sc.max_connections = 2;
  Fixture f(sc);
  auto first = std::make_unique<RawPeer>(f);
  first->bind();
  RawPeer second(f);
  second.bind();
  {
    RawPeer third(f);  // beyond the limit: closed without a word, before it sends anything
    CHECK(third.closed_by_server());
  }
  CHECK(f.server->connection_count() == 2);
  for (RawPeer* p : {first.get(), &second}) {
    p->send(request(2, 0, 0, addone_in(41)));
    auto r = p->receive();
    REQUIRE(r.header.type == PduType::response);
    auto stub = std::get<ResponseBody>(r.body).stub;
    CHECK(read_u32(Bytes(stub.begin(), stub.end())) == 42u);
  }
  // A place freed is taken again.
  first.reset();
  f.run_until([&] { return f.server->connection_count() == 1; });
  RawPeer fourth(f);
  fourth.bind();
  fourth.send(request(2, 0, 0, addone_in(1)));
  CHECK(fourth.receive().header.type == PduType::response);
}

TEST_CASE("cn_server_huge_alloc_hint_allocates_within_the_request_limit", "[cn]") {
  // alloc_hint is the client's word only: 0xffffffff on a first fragment must cost the server no
  // more than max_request_size per call (were it believed, each would reserve 4 GiB).
  rpc::cn::ServerConfig sc;
  sc.max_request_size = 1024 * 1024;
  Fixture f(sc);
  RawPeer p(f);
  p.bind(kRpcEcho, 1, 3 | kPfcConcMpx);  // calls reassembled side by side
  Bytes data(3000, 0x42);
  Bytes stub = echodata_in(data);
  Bytes head(stub.begin(), stub.begin() + 1000), tail(stub.begin() + 1000, stub.end());
  // A single-fragment call with the hint: answered as usual.
  p.send(request(1, 0, 1, stub, kPfcFirstFrag | kPfcLastFrag, 0xffffffffu));
  auto r = p.receive();
  REQUIRE(r.header.type == PduType::response);
  // 16 fragmented calls left open, each announcing 4 GiB.
  size_t before = virtual_size();
  constexpr uint32_t kCalls = 16;
  for (uint32_t id = 10; id < 10 + kCalls; ++id)
    p.send(request(id, 0, 1, head, kPfcFirstFrag, 0xffffffffu));
  p.send(request(99, 0, 0, addone_in(1)));  // a call after them: all 16 were taken in
  REQUIRE(p.receive().header.call_id == 99);
  size_t grown = virtual_size() - std::min(before, virtual_size());
  INFO("virtual memory grew by " << grown << " bytes");
  CHECK(grown <= kCalls * sc.max_request_size + 32 * 1024 * 1024);
  // Each completes and echoes right.
  for (uint32_t id = 10; id < 10 + kCalls; ++id) {
    p.send(request(id, 0, 1, tail, kPfcLastFrag, 0xffffffffu));
    Bytes got;
    while (got.size() < 4 + data.size()) {
      auto resp = p.receive();
      REQUIRE(resp.header.type == PduType::response);
      REQUIRE(resp.header.call_id == id);
      auto s = std::get<ResponseBody>(resp.body).stub;
      got.insert(got.end(), s.begin(), s.end());
    }
    CHECK(read_conformant_bytes(got) == data);
  }
  // A call whose fragments really go beyond the limit: protocol error, disconnect; others served.
  Bytes big(5000, 1);
  p.send(request(200, 0, 2, big, kPfcFirstFrag, 0xffffffffu));
  size_t sent = big.size();
  while (sent <= sc.max_request_size) {
    p.send(request(200, 0, 2, big, 0, 0xffffffffu));
    sent += big.size();
  }
  expect_fault(p.receive(), rpc::FaultCode::proto_error);
  CHECK(p.closed_by_server());
  still_serving(f);
}
