// Context handles through the loopback handle (handles cross the wire as 20 bytes) and the
// local one (they do not).
#include <catch2/catch.hpp>

#include "nca/rpc/in_process_handle.h"
#include "test_server.h"

using namespace nca::rpc;

namespace {

struct World {
  ManualExecutor executor;
  testecho::TestServer impl{executor};
  ServerCore server;
  World() {
    REQUIRE(server.register_interface(testecho::server_interface(impl)));
    REQUIRE(server.register_interface({&testecho::kPeerInterface, testecho::kHandlers, &impl}));
  }
};

// Runs one call to completion; returns its status.
template <class R>
Status run(World& w, BindingHandle& h, uint16_t opnum, R& r,
           const InterfaceSpec& iface = testecho::kInterface) {
  Status result = Status::protocol(0, "did not complete");
  h.call(iface, testecho::kOperations[opnum], &r, {}, [&result](Status s) { result = std::move(s); });
  w.executor.run();
  return result;
}

WireContextHandle open(World& w, BindingHandle& h, const InterfaceSpec& iface = testecho::kInterface) {
  testecho::OpenCounter r;
  REQUIRE(run(w, h, 3, r, iface).ok());
  REQUIRE_FALSE(r.out.h.is_null());
  return r.out.h;
}

Result<uint32_t> increment(World& w, BindingHandle& h, WireContextHandle handle,
                           const InterfaceSpec& iface = testecho::kInterface) {
  testecho::Increment r;
  r.in.h = handle;
  Status st = run(w, h, 4, r, iface);
  if (!st.ok()) return st;
  return r.out.result;
}

}  // namespace

TEMPLATE_TEST_CASE("context_handle_lifecycle", "[rpc][context]", LocalHandle, LoopbackHandle) {
  World w;
  TestType h(w.executor, w.server);
  WireContextHandle a = open(w, h);
  WireContextHandle b = open(w, h);
  CHECK_FALSE(a == b);
  CHECK(w.server.context_handles().size() == 2);
  CHECK(increment(w, h, a).value() == 1);
  CHECK(increment(w, h, a).value() == 2);
  CHECK(increment(w, h, b).value() == 1);

  testecho::CloseCounter close;
  close.in.h = a;
  REQUIRE(run(w, h, 5, close).ok());
  CHECK(close.out.h.is_null());
  CHECK(w.server.context_handles().size() == 1);

  // Using the closed handle, closing it again, or sending the null handle.
  auto closed = increment(w, h, a);
  REQUIRE_FALSE(closed);
  CHECK(closed.error().is_fault(FaultCode::fault_context_mismatch));
  CHECK(run(w, h, 5, close).is_fault(FaultCode::fault_context_mismatch));
  CHECK(increment(w, h, WireContextHandle{}).error().is_fault(FaultCode::fault_context_mismatch));
  CHECK(w.impl.rundowns == 0);
}

TEMPLATE_TEST_CASE("context_handle_rundown_when_client_goes_away", "[rpc][context]", LocalHandle,
                   LoopbackHandle) {
  World w;
  WireContextHandle kept;
  {
    TestType h(w.executor, w.server);
    kept = open(w, h);
    WireContextHandle closed = open(w, h);
    testecho::CloseCounter close;
    close.in.h = closed;
    REQUIRE(run(w, h, 5, close).ok());
  }
  // The association closed: the handle still open ran down, the closed one did not.
  CHECK(w.impl.rundowns == 1);
  CHECK(w.server.context_handles().size() == 0);
  TestType again(w.executor, w.server);
  CHECK(increment(w, again, kept).error().is_fault(FaultCode::fault_context_mismatch));
}

TEST_CASE("context_handle_of_another_association_is_refused", "[rpc][context]") {
  World w;
  LoopbackHandle first(w.executor, w.server);
  LoopbackHandle second(w.executor, w.server);
  WireContextHandle h = open(w, first);
  CHECK(increment(w, second, h).error().is_fault(FaultCode::fault_context_mismatch));
  CHECK(increment(w, first, h).value() == 1);
}

TEST_CASE("strict_context_handle_refused_by_other_interface", "[rpc][context]") {
  World w;
  LoopbackHandle h(w.executor, w.server);
  // Created by the strict interface: unusable through the peer interface.
  WireContextHandle strict = open(w, h);
  CHECK(increment(w, h, strict, testecho::kPeerInterface).error().is_fault(FaultCode::fault_context_mismatch));
  CHECK(increment(w, h, strict).value() == 1);
  // Created by the non-strict peer: usable through either.
  WireContextHandle loose = open(w, h, testecho::kPeerInterface);
  CHECK(increment(w, h, loose).value() == 1);
  CHECK(increment(w, h, loose, testecho::kPeerInterface).value() == 2);
}

TEST_CASE("context_handle_wire_form_is_20_bytes", "[rpc][context]") {
  // What a marshalled OpenCounter response carries: attributes 0 and the UUID, and nothing else.
  World w;
  LoopbackHandle h(w.executor, w.server);
  Bytes stub;
  h.call_raw(testecho::kInterface, 3, {}, {}, [&stub](Result<Bytes> r) {
    REQUIRE(r);
    stub = std::move(r).value();
  });
  w.executor.run();
  REQUIRE(stub.size() == 20);
  testecho::ndr::Reader rd{stub};
  WireContextHandle handle = rd.handle();
  CHECK(handle.attributes == 0);
  CHECK((handle.uuid.bytes[6] >> 4) == 4);  // a random (version 4) UUID
  CHECK(increment(w, h, handle).value() == 1);
}

TEST_CASE("context_handle_created_after_client_left_runs_down_at_once", "[rpc][context]") {
  // An asynchronous open whose client goes away before the handler creates the handle.
  static constexpr OperationSpec kOps[] = {raw_operation("open_later", 0)};
  static constexpr SyntaxId kTs[] = {kNdr20};
  static constexpr InterfaceSpec kRaw{"raw", {Uuid::from_literal("00000001-0002-0003-0405-060708090a0d"), 1, 0},
                                      kTs, kOps, {}};
  static ServerCall kept;
  static constexpr HandlerFn kHandlers[] = {[](void*, ServerCall c) { kept = std::move(c); }};
  ManualExecutor ex;
  ServerCore server;
  REQUIRE(server.register_interface({&kRaw, kHandlers, nullptr}));
  Status status;
  {
    LoopbackHandle h(ex, server);
    h.call_raw(kRaw, 0, {}, {}, [&status](Result<Bytes> r) { status = r ? Status{} : r.error(); });
    REQUIRE(kept.pending());
  }
  int rundowns = 0;
  WireContextHandle made = server.context_handles().create<int>(kept, std::make_shared<int>(7),
                                                                [&rundowns](int&) { ++rundowns; });
  CHECK(made.is_null());
  CHECK(rundowns == 1);
  CHECK(server.context_handles().size() == 0);
  kept.complete();  // into a handle that is gone: harmless
  ex.run();
  CHECK(status.kind == StatusKind::cancelled);
}
