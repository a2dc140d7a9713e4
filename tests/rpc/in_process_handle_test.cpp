// The local (unmarshalled) and loopback (marshalled, no socket) handles over testecho.
#include <catch2/catch.hpp>

#include <memory>

#include "nca/rpc/in_process_handle.h"
#include "test_server.h"
#include "test_support.h"

using namespace nca::rpc;
using namespace std::chrono_literals;
using testsupport::Outcome;

namespace {

struct World {
  ManualExecutor executor;
  testecho::TestServer impl{executor};
  ServerCore server;
  World() { REQUIRE(server.register_interface(testecho::server_interface(impl))); }
};

template <class Handle>
std::unique_ptr<BindingHandle> make(World& w) {
  return std::make_unique<Handle>(w.executor, w.server);
}

}  // namespace

TEMPLATE_TEST_CASE("in_process_add_one_and_echo", "[rpc][in_process]", LocalHandle, LoopbackHandle) {
  World w;
  auto h = make<TestType>(w);
  testecho::AddOne add;
  add.in.in_data = 41;
  testecho::EchoData echo;
  for (uint32_t i = 0; i < 5000; ++i) echo.in.in_data.push_back(static_cast<uint8_t>(i * 7));
  echo.in.len = 5000;
  Bytes sent = echo.in.in_data;
  Outcome o1, o2;
  testecho::add_one(*h, add, o1.done());
  testecho::echo_data(*h, echo, o2.done());
  CHECK(o1.runs + o2.runs == 0);  // never inside call(), even though the server answered at once
  w.executor.run();
  REQUIRE(o1.status.ok());
  REQUIRE(o2.status.ok());
  CHECK(add.out.out_data == 42);
  CHECK(echo.out.out_data == sent);
  bool local = std::is_same_v<TestType, LocalHandle>;
  CHECK(w.impl.transports == std::vector<std::string>(2, local ? "local" : "loopback"));
  CHECK(w.impl.marshalled == std::vector<bool>(2, !local));
  CHECK(w.impl.objects == std::vector<Uuid>(2, Uuid{}));
}

TEMPLATE_TEST_CASE("in_process_object_uuid_reaches_the_handler", "[rpc][in_process]", LocalHandle,
                   LoopbackHandle) {
  World w;
  auto h = make<TestType>(w);
  testecho::AddOne add;
  Outcome o;
  CallOptions opts;
  opts.object = Uuid::from_literal("6bffd098-a112-3610-9833-46c3f87e345a");
  testecho::add_one(*h, add, o.done(), opts);
  w.executor.run();
  REQUIRE(o.status.ok());
  CHECK(w.impl.objects == std::vector<Uuid>{opts.object});
}

TEMPLATE_TEST_CASE("in_process_cancel_while_server_works", "[rpc][in_process]", LocalHandle,
                   LoopbackHandle) {
  World w;
  auto h = make<TestType>(w);
  auto s = std::make_unique<testecho::Sleep>();
  s->in.ms = 10;
  Outcome o;
  CallId id = testecho::sleep(*h, *s, o.done());
  h->cancel(id);
  CHECK(o.runs == 0);
  w.executor.run();
  CHECK(o.status.kind == StatusKind::cancelled);
  s.reset();
  w.executor.advance(std::chrono::milliseconds(10));  // the handler completes; nothing reaches the caller
  CHECK(o.runs == 1);
  CHECK(w.executor.idle());
}

TEMPLATE_TEST_CASE("in_process_user_exception_is_named", "[rpc][in_process]", LocalHandle, LoopbackHandle) {
  World w;
  auto h = make<TestType>(w);
  testecho::Divide div;
  div.in.a = 7;
  div.in.b = 0;
  testecho::AddOne add;
  add.in.in_data = UINT32_MAX;
  Outcome o1, o2;
  testecho::call(*h, 6, div, o1.done());
  testecho::add_one(*h, add, o2.done());
  w.executor.run();
  CHECK(o1.status.is_fault(FaultCode::fault_user_defined));
  CHECK(o1.status.exception_name == "divide_by_zero");
  CHECK(testecho::exception_of(o1.status) == testecho::Exception::divide_by_zero);
  CHECK(o2.status.exception_name == "overflow");
  CHECK(testecho::exception_of(o2.status) == testecho::Exception::overflow);
}

TEMPLATE_TEST_CASE("in_process_faults_are_faults", "[rpc][in_process]", LocalHandle, LoopbackHandle) {
  World w;
  auto h = make<TestType>(w);
  testecho::Unimplemented u;
  testecho::Sleep dropped;  // ms == 0: the handler drops the call
  testecho::Divide buggy;
  buggy.in.a = 0xdead;
  buggy.in.b = 1;
  Outcome o1, o2, o3, o4;
  testecho::call(*h, 7, u, o1.done());
  testecho::sleep(*h, dropped, o2.done());
  testecho::call(*h, 6, buggy, o3.done());
  testecho::AddOne other;
  h->call(testecho::kPeerInterface, testecho::kOperations[0], &other, {}, o4.done());  // not registered
  w.executor.run();
  CHECK(o1.status.is_fault(FaultCode::op_rng_error));
  CHECK(o2.status.is_fault(FaultCode::fault_unspec));
  CHECK(o3.status.is_fault(FaultCode::fault_unspec));
  CHECK(o4.status.is_fault(FaultCode::unk_if));
}

TEMPLATE_TEST_CASE("in_process_async_out_of_order_and_timeout", "[rpc][in_process]", LocalHandle,
                   LoopbackHandle) {
  World w;
  auto h = make<TestType>(w);
  std::vector<uint32_t> order;
  testecho::Sleep s30, s10, s20;
  s30.in.ms = 30;
  s10.in.ms = 10;
  s20.in.ms = 20;
  auto record = [&order](testecho::Sleep& s) {
    return [&order, &s](Status st) {
      REQUIRE(st.ok());
      order.push_back(s.out.result);
    };
  };
  testecho::sleep(*h, s30, record(s30));
  testecho::sleep(*h, s10, record(s10));
  testecho::sleep(*h, s20, record(s20));

  // A fourth call whose deadline comes before the server answers: the caller's struct is freed
  // at once, and the server completing later must not touch it (ASan checks).
  auto late = std::make_unique<testecho::Sleep>();
  late->in.ms = 25;
  Outcome o;
  CallOptions opts;
  opts.timeout = 5ms;
  testecho::sleep(*h, *late, o.done(), opts);

  w.executor.advance(5ms);
  CHECK(o.runs == 1);
  CHECK(o.status.kind == StatusKind::timeout);
  late.reset();
  w.executor.advance(40ms);
  CHECK(order == std::vector<uint32_t>{10, 20, 30});
  CHECK(w.executor.idle());
}

TEMPLATE_TEST_CASE("in_process_handle_closed_with_call_in_flight", "[rpc][in_process]", LocalHandle,
                   LoopbackHandle) {
  World w;
  testecho::Sleep s;
  s.in.ms = 10;
  Outcome o;
  {
    auto h = make<TestType>(w);
    testecho::sleep(*h, s, o.done());
  }
  w.executor.run();
  CHECK(o.runs == 1);
  CHECK(o.status.kind == StatusKind::cancelled);
  w.executor.advance(20ms);  // the server completes into a handle that is gone
  CHECK(o.runs == 1);
  CHECK(w.executor.idle());
}

TEST_CASE("loopback_negotiates_a_common_transfer_syntax", "[rpc][in_process]") {
  // A client that only speaks NDR64 against testecho (NDR20 only): no common syntax, a
  // protocol error on the client side, and the server never sees the call.
  static constexpr SyntaxId kOnly64[] = {kNdr64};
  static constexpr InterfaceSpec kClient{"testecho", testecho::kInterface.id, kOnly64,
                                         testecho::kOperations, testecho::kExceptions, true};
  World w;
  LoopbackHandle h(w.executor, w.server);
  testecho::AddOne add;
  Outcome o;
  h.call(kClient, testecho::kOperations[0], &add, {}, o.done());
  w.executor.run();
  CHECK(o.status.kind == StatusKind::protocol);
  CHECK(w.impl.transports.empty());
}
