// Every rpcecho operation through the generated client and server stubs (ncaecho::EchoService),
// over the local handle (no marshalling) and the loopback handle (NDR both ways): the same answers
// either way, in the synchronous, asynchronous and coroutine forms.
#include <catch2/catch.hpp>

#include <sstream>

#include "echo_calls.h"
#include "echo_service.h"
#include "pointers.h"
#include "rig.h"
#include "rpcecho_client.h"

using ncaecho::filled;
using ncaecho::innermost;
using nca::rpc::FaultCode;
using rpcgen_test::Rig;

namespace {

struct EchoRig : Rig {
  ncaecho::EchoService service{executor};
  EchoRig() { REQUIRE(server.register_interface(rpcecho::server_interface(service))); }
};

}  // namespace

TEST_CASE("echo_every_operation_same_answers_local_and_loopback", "[rpc_gen]") {
  auto kind = GENERATE(as<std::string>{}, "local", "loopback");
  CAPTURE(kind);
  EchoRig rig;
  auto handle = rig.handle(kind);
  rpcecho::Client client(*handle, rig.drive);

  SECTION("AddOne") {
    auto r = client.echo_AddOne(41);
    REQUIRE(r.ok());
    CHECK(*r == 42);
    r = client.echo_AddOne(UINT32_MAX);
    REQUIRE(r.ok());
    CHECK(*r == 0);
  }
  SECTION("EchoData") {
    for (size_t n : {size_t{0}, size_t{1}, size_t{1024}, size_t{70000}}) {
      std::vector<uint8_t> data(n);
      for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 31 + 7);
      auto r = client.echo_EchoData(static_cast<uint32_t>(n), data);
      REQUIRE(r.ok());
      CHECK(filled(*r) == data);
    }
  }
  SECTION("SinkData") { CHECK(client.echo_SinkData(3, {1, 2, 3}).ok()); }
  SECTION("SourceData") {
    auto r = client.echo_SourceData(513);
    REQUIRE(r.ok());
    const auto& bytes = filled(*r);
    REQUIRE(bytes.size() == 513);
    for (size_t i = 0; i < bytes.size(); ++i) REQUIRE(bytes[i] == (i & 0xff));
  }
  SECTION("TestCall") {
    for (std::string s : {std::string(""), std::string("abc"), std::string("gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80")}) {
      auto r = client.echo_TestCall(s);
      REQUIRE(r.ok());
      const std::string* back = innermost(*r);
      REQUIRE(back);
      CHECK(*back == s);
    }
  }
  SECTION("TestCall2 union levels") {
    for (uint16_t level = 1; level <= 7; ++level) {
      CAPTURE(level);
      auto r = client.echo_TestCall2(level);
      REQUIRE(r.ok());
      CHECK(r->result.is_ok());
      const auto& info = filled(r->info);
      switch (level) {
        case 1: CHECK(info.info1().v == 10); break;
        case 2: CHECK(info.info2().v == 20); break;
        case 3: CHECK(info.info3().v == 30); break;
        case 4: CHECK(info.info4().v == 40); break;
        case 5: CHECK(info.info5().v1 == 50); CHECK(info.info5().v2 == 60); break;
        case 6: CHECK(info.info6().v1 == 70); CHECK(info.info6().info1.v == 80); break;
        case 7: CHECK(info.info7().v1 == 80); CHECK(info.info7().info4.v == 90); break;
      }
    }
    auto bad = client.echo_TestCall2(8);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().is_fault(FaultCode::fault_invalid_tag));
  }
  SECTION("TestSleep completes asynchronously, after the calls started behind it") {
    std::vector<std::string> order;
    auto start = rig.executor.now();
    client.echo_TestSleep_async(3, [&](auto r) { order.push_back(r.ok() ? "sleep" + std::to_string(*r) : "failed"); });
    client.echo_TestSleep_async(1, [&](auto r) { order.push_back(r.ok() ? "sleep" + std::to_string(*r) : "failed"); });
    client.echo_AddOne_async(5, [&](auto r) { order.push_back(r.ok() ? "add" + std::to_string(*r) : "failed"); });
    rig.drive([&] { return order.size() == 1; });
    CHECK(rig.service.sleeping() == 2);
    rig.drive([&] { return order.size() == 3; });
    CHECK(order == std::vector<std::string>{"add6", "sleep1", "sleep3"});
    CHECK(rig.executor.now() - start >= std::chrono::seconds(3));
    CHECK(rig.service.sleeping() == 0);
    // The synchronous form waits for it too.
    auto r = client.echo_TestSleep(2);
    REQUIRE(r.ok());
    CHECK(*r == 2);
  }
  SECTION("TestSleep cut short by the call's timeout") {
    client.set_options({.timeout = std::chrono::milliseconds(500), .object = {}});
    auto r = client.echo_TestSleep(1);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == nca::rpc::StatusKind::timeout);
  }
  SECTION("TestEnum") {
    for (auto e1 : {rpcecho::ECHO_ENUM1, rpcecho::ECHO_ENUM2}) {
      rpcecho::echo_Enum2 e2;
      e2.e1 = rpcecho::ECHO_ENUM2;
      e2.e2 = rpcecho::ECHO_ENUM1_32;
      rpcecho::echo_Enum3 e3;
      if (e1 == rpcecho::ECHO_ENUM1)
        e3.set_e1(rpcecho::ECHO_ENUM2);
      else
        e3.set_e2(e2);
      auto r = client.echo_TestEnum(e1, e2, e3);
      REQUIRE(r.ok());
      CHECK(filled(r->foo1) == e1);
      CHECK(filled(r->foo2) == e2);
      CHECK(filled(r->foo3) == e3);
    }
  }
  SECTION("TestSurrounding") {
    rpcecho::echo_Surrounding s;
    s.x = 5;
    s.surrounding = {9, 9, 9, 9, 9};
    auto r = client.echo_TestSurrounding(s);
    REQUIRE(r.ok());
    CHECK(filled(*r).x == 10);
    CHECK(filled(*r).surrounding == std::vector<uint16_t>(10, 0));
  }
  SECTION("TestDoublePointer") {
    decltype(rpcecho::echo_TestDoublePointer::In::data) p;
    filled(p) = 0x1234;
    auto r = client.echo_TestDoublePointer(p);
    REQUIRE(r.ok());
    CHECK(*r == 0x1234);
    decltype(rpcecho::echo_TestDoublePointer::In::data) null_outer;
    r = client.echo_TestDoublePointer(null_outer);
    REQUIRE(r.ok());
    CHECK(*r == 0);
  }
}

TEST_CASE("echo_local_and_loopback_results_are_equal_values", "[rpc_gen]") {
  // The same calls through both handles give equal C++ values, not just equal checks.
  EchoRig rig;
  auto local = rig.handle("local");
  auto loopback = rig.handle("loopback");
  rpcecho::Client a(*local, rig.drive), b(*loopback, rig.drive);
  for (uint16_t level = 1; level <= 7; ++level) {
    auto x = a.echo_TestCall2(level), y = b.echo_TestCall2(level);
    REQUIRE(x.ok());
    REQUIRE(y.ok());
    CHECK(*x == *y);
  }
  rpcecho::echo_Surrounding s;
  s.x = 3;
  s.surrounding = {1, 2, 3};
  auto x = a.echo_TestSurrounding(s), y = b.echo_TestSurrounding(s);
  REQUIRE(x.ok());
  REQUIRE(y.ok());
  CHECK(*x == *y);
  auto u = a.echo_SourceData(77), v = b.echo_SourceData(77);
  REQUIRE(u.ok());
  REQUIRE(v.ok());
  CHECK(*u == *v);
}

TEST_CASE("echo_client_program_sequence_passes_on_both_handles", "[rpc_gen]") {
  auto kind = GENERATE(as<std::string>{}, "local", "loopback");
  CAPTURE(kind);
  EchoRig rig;
  auto handle = rig.handle(kind);
  rpcecho::Client client(*handle, rig.drive);
  std::ostringstream out;
  int failures = ncaecho::run_echo_calls(client, rig.drive, out);
  INFO(out.str());
  CHECK(failures == 0);
}

TEST_CASE("echo_unknown_opnum_and_bad_stub_data_faults", "[rpc_gen]") {
  EchoRig rig;
  nca::rpc::LoopbackHandle handle(rig.executor, rig.server);
  auto raw = [&](uint16_t opnum, nca::rpc::Bytes stub) {
    std::optional<nca::rpc::Result<nca::rpc::Bytes>> done;
    handle.call_raw(rpcecho::kInterface, opnum, std::move(stub), {}, [&](auto r) { done.emplace(std::move(r)); });
    rig.drive([&] { return done.has_value(); });
    REQUIRE(done);
    return std::move(*done);
  };
  auto unknown = raw(10, {});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().is_fault(FaultCode::op_rng_error));
  // EchoData claiming a 1 GiB array in an 8-byte request: refused before any allocation.
  nca::rpc::Bytes huge = {0, 0, 0, 0x40, 0, 0, 0, 0x40};
  auto r = raw(1, huge);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is_fault(FaultCode::fault_ndr));
  // A client whose len disagrees with its array is stopped on its own side, before sending.
  rpcecho::Client client(handle, rig.drive);
  auto mismatch = client.echo_EchoData(5, std::vector<uint8_t>(4, 1));
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().kind == nca::rpc::StatusKind::ndr);
  // TestCall2 with its level cut short.
  auto cut = raw(5, {1});
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().is_fault(FaultCode::fault_ndr));
}
