// The server core fed directly with ServerRequests, as a protocol engine feeds it.
#include <catch2/catch.hpp>

#include <random>

#include "test_server.h"
#include "test_support.h"

using namespace nca::rpc;
using testsupport::u32;

namespace {

struct Replies {
  std::vector<ServerReply> got;
  ReplySink sink() {
    return [this](ServerReply r) { got.push_back(std::move(r)); };
  }
};

ServerRequest marshalled(uint16_t opnum, Bytes stub, SyntaxId iface = testecho::kInterface.id) {
  ServerRequest r;
  r.interface = iface;
  r.opnum = opnum;
  r.caller = {"test", "", 1};
  r.transfer = kNdr20;
  r.stub = std::move(stub);
  return r;
}

uint32_t fault_of(const ServerReply& r) {
  REQUIRE(r.fault);
  return r.fault->code;
}

struct Fixture {
  ManualExecutor executor;
  testecho::TestServer impl{executor};
  ServerCore server;
  Replies replies;
  Fixture() { REQUIRE(server.register_interface(testecho::server_interface(impl))); }
};

}  // namespace

TEST_CASE("registry_lookup_follows_c706_version_rules", "[rpc][server]") {
  Fixture f;
  SyntaxId id = testecho::kInterface.id;
  CHECK(f.server.find_interface(id) != nullptr);
  CHECK(f.server.find_interface({id.uuid, 1, 0})->spec == &testecho::kInterface);
  CHECK(f.server.find_interface({id.uuid, 2, 0}) == nullptr);  // other major
  CHECK(f.server.find_interface({id.uuid, 1, 1}) == nullptr);  // newer minor than served
  CHECK(f.server.find_interface(testecho::kPeerInterface.id) == nullptr);
  // Same UUID and major twice: refused.
  CHECK_FALSE(f.server.register_interface(testecho::server_interface(f.impl)));
  CHECK(f.server.unregister_interface(id));
  CHECK(f.server.find_interface(id) == nullptr);
  CHECK_FALSE(f.server.unregister_interface(id));
}

TEST_CASE("dispatch_unknown_interface_is_unk_if", "[rpc][server]") {
  Fixture f;
  f.server.dispatch(marshalled(0, u32(1), testecho::kPeerInterface.id), f.replies.sink());
  REQUIRE(f.replies.got.size() == 1);
  CHECK(fault_of(f.replies.got[0]) == 0x1c010003);
}

TEST_CASE("dispatch_unknown_opnum_is_op_rng_error", "[rpc][server]") {
  Fixture f;
  f.server.dispatch(marshalled(8, {}), f.replies.sink());       // beyond the table
  f.server.dispatch(marshalled(7, {}), f.replies.sink());       // in the table, not implemented
  f.server.dispatch(marshalled(0xffff, {}), f.replies.sink());
  REQUIRE(f.replies.got.size() == 3);
  for (auto& r : f.replies.got) CHECK(fault_of(r) == 0x1c010002);
  CHECK(f.impl.transports.empty());  // no handler ran
}

TEST_CASE("dispatch_undecodable_stub_is_fault_ndr", "[rpc][server]") {
  Fixture f;
  f.server.dispatch(marshalled(0, Bytes{1, 2}), f.replies.sink());  // AddOne wants 4 bytes
  // EchoData claiming 4 GiB of data in a 12-byte stub: refused before anything is allocated.
  Bytes huge = u32(0xffffffff);
  for (uint8_t b : u32(0xffffffff)) huge.push_back(b);
  huge.insert(huge.end(), {1, 2, 3, 4});
  f.server.dispatch(marshalled(1, huge), f.replies.sink());
  // size_is(len) disagreeing with the conformance
  Bytes bad = u32(2);
  for (uint8_t b : u32(3)) bad.push_back(b);
  bad.insert(bad.end(), {1, 2, 3});
  f.server.dispatch(marshalled(1, bad), f.replies.sink());
  REQUIRE(f.replies.got.size() == 3);
  for (auto& r : f.replies.got) CHECK(fault_of(r) == 0x6f7);
  CHECK(f.impl.transports.empty());
}

TEST_CASE("dispatch_unoffered_transfer_syntax_is_proto_error", "[rpc][server]") {
  Fixture f;
  ServerRequest r = marshalled(0, u32(1));
  r.transfer = kNdr64;
  f.server.dispatch(std::move(r), f.replies.sink());
  REQUIRE(f.replies.got.size() == 1);
  CHECK(fault_of(f.replies.got[0]) == 0x1c01000b);
}

TEST_CASE("dispatch_marshals_outputs", "[rpc][server]") {
  Fixture f;
  f.server.dispatch(marshalled(0, u32(41)), f.replies.sink());
  REQUIRE(f.replies.got.size() == 1);
  CHECK_FALSE(f.replies.got[0].fault);
  CHECK(f.replies.got[0].stub == u32(42));
  CHECK(f.impl.marshalled == std::vector<bool>{true});
}

TEST_CASE("async_calls_complete_out_of_order", "[rpc][server]") {
  Fixture f;
  std::vector<uint32_t> order;
  for (uint32_t ms : {30u, 10u, 20u}) {
    f.server.dispatch(marshalled(2, u32(ms)), [&order](ServerReply r) {
      REQUIRE_FALSE(r.fault);
      testecho::ndr::Reader rd{r.stub};
      order.push_back(rd.u32());
    });
  }
  CHECK(order.empty());  // all three in flight
  f.executor.advance(std::chrono::milliseconds(15));
  CHECK(order == std::vector<uint32_t>{10});
  f.executor.advance(std::chrono::milliseconds(20));
  CHECK(order == std::vector<uint32_t>{10, 20, 30});
  CHECK(f.executor.idle());
}

TEST_CASE("call_dropped_without_completion_faults_unspec", "[rpc][server]") {
  Fixture f;
  f.server.dispatch(marshalled(2, u32(0)), f.replies.sink());  // Sleep(0) drops its call
  REQUIRE(f.replies.got.size() == 1);
  CHECK(fault_of(f.replies.got[0]) == 0x1c000012);
}

TEST_CASE("throwing_handler_faults_and_server_survives", "[rpc][server]") {
  Fixture f;
  Bytes stub = u32(0xdead);
  for (uint8_t b : u32(1)) stub.push_back(b);
  f.server.dispatch(marshalled(6, stub), f.replies.sink());
  REQUIRE(f.replies.got.size() == 1);
  CHECK(fault_of(f.replies.got[0]) == 0x1c000012);
  f.server.dispatch(marshalled(0, u32(1)), f.replies.sink());
  REQUIRE(f.replies.got.size() == 2);
  CHECK(f.replies.got[1].stub == u32(2));
}

TEST_CASE("server_call_replies_exactly_once", "[rpc][server]") {
  // A raw interface whose handler keeps its call, then completes it and drops it.
  testsupport::RawInterface raw(Uuid::from_literal("00000001-0002-0003-0405-060708090a0b"),
                                testsupport::keep_call);
  ServerCall kept;
  ServerCore server;
  REQUIRE(server.register_interface(raw.registration(&kept)));
  int replies = 0;
  ServerRequest r;
  r.interface = raw.spec.id;
  r.transfer = kNdr20;
  r.stub = {9, 8, 7};
  server.dispatch(std::move(r), [&](ServerReply rep) {
    ++replies;
    CHECK_FALSE(rep.fault);
    CHECK(rep.stub == Bytes{9, 8, 7});
  });
  CHECK(replies == 0);
  REQUIRE(kept.pending());
  auto& args = *static_cast<RawArgs*>(kept.args());
  args.out = args.in;
  kept.complete();
  CHECK_FALSE(kept.pending());
  kept = ServerCall();  // destroying a completed call sends nothing more
  CHECK(replies == 1);
}

TEST_CASE("fault_code_zero_is_never_sent", "[rpc][server]") {
  testsupport::RawInterface raw(Uuid::from_literal("00000001-0002-0003-0405-060708090a0c"),
                                [](void*, ServerCall c) { c.fault(Fault(0u)); });
  ServerCore server;
  REQUIRE(server.register_interface(raw.registration()));
  Replies replies;
  ServerRequest r;
  r.interface = raw.spec.id;
  r.transfer = kNdr20;
  server.dispatch(std::move(r), replies.sink());
  REQUIRE(replies.got.size() == 1);
  CHECK(fault_of(replies.got[0]) == 0x1c000012);
}

TEST_CASE("garbage_stubs_to_every_opnum_get_one_answer_each", "[rpc][server]") {
  // As smbtorture's rpc.countcalls does, and worse: random stubs of random lengths to every
  // opnum and beyond. Each gets exactly one reply, and only the faults that data can cause.
  Fixture f;
  f.impl.record = false;
  std::mt19937 random(1234);
  size_t sent = 0;
  for (uint16_t opnum = 0; opnum < 10; ++opnum) {
    for (int i = 0; i < 200; ++i) {
      Bytes stub(random() % 40);
      for (auto& b : stub) b = static_cast<uint8_t>(random());
      if (opnum == 2 && stub.size() >= 4) stub[0] = stub[1] = stub[2] = stub[3] = 0;  // no long sleeps
      f.server.dispatch(marshalled(opnum, stub), f.replies.sink());
      ++sent;
    }
  }
  f.executor.advance(std::chrono::milliseconds(1));
  REQUIRE(f.replies.got.size() == sent);
  for (const auto& r : f.replies.got) {
    if (!r.fault) continue;
    uint32_t code = r.fault->code;
    bool expected = code == 0x6f7 || code == 0x1c010002 || code == 0x1c00001a || code == 0x1c000012 ||
                    code == 0x1c000021;
    CHECK(expected);
  }
}

TEST_CASE("interface_security_refuses_callers_below_its_level_or_provider", "[rpc][server]") {
  ManualExecutor executor;
  testecho::TestServer impl{executor};
  ServerCore server;
  Replies replies;
  ServerInterface iface = testecho::server_interface(impl);
  iface.security.min_level = auth::Level::integrity;
  iface.security.auth_types = {auth::kAuthTypeNtlmssp};
  REQUIRE(server.register_interface(iface));
  auto call = [&](auth::Level level, auth::AuthType type) {
    ServerRequest r = marshalled(0, u32(41));
    r.caller.auth_level = level;
    r.caller.auth_type = type;
    server.dispatch(std::move(r), replies.sink());
    REQUIRE(!replies.got.empty());
    ServerReply got = std::move(replies.got.back());
    replies.got.clear();
    return got;
  };
  CHECK(fault_of(call(auth::Level::none, auth::kAuthTypeNone)) == 5);  // access denied
  CHECK(fault_of(call(auth::Level::connect, auth::kAuthTypeNtlmssp)) == 5);
  CHECK(fault_of(call(auth::Level::privacy, auth::kAuthTypeKerberos)) == 5);
  CHECK(call(auth::Level::integrity, auth::kAuthTypeNtlmssp).stub == u32(42));
  CHECK(call(auth::Level::privacy, auth::kAuthTypeNtlmssp).stub == u32(42));
}
