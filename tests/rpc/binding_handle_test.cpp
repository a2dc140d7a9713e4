// Timeouts, cancellation and exactly-once completion, through a test double of an engine.
#include <catch2/catch.hpp>

#include <map>

#include "test_support.h"

using namespace nca::rpc;
using namespace std::chrono_literals;
using testsupport::Outcome;
using testsupport::u32;

namespace {

// An engine that keeps each request until the test answers it.
class ScriptedHandle final : public MarshallingHandle {
 public:
  using MarshallingHandle::MarshallingHandle;
  using MarshallingHandle::Response;
  using MarshallingHandle::Reply;

  std::map<CallId, Request> requests;
  std::map<CallId, Reply> replies;
  std::vector<CallId> abandoned;

  // Marshals request `id` as the engine would after its bind.
  Result<Bytes> marshal(CallId id) { return requests.at(id).marshal(kNdr20); }
  void answer(CallId id, Result<Response> r) { replies.at(id)(std::move(r)); }

 protected:
  void transact(Request request, Reply reply) override {
    CallId id = request.id;
    requests.emplace(id, std::move(request));
    replies.emplace(id, std::move(reply));
  }
  void abandon(CallId id) override { abandoned.push_back(id); }
};

struct Engine {
  ManualExecutor ex;
  ScriptedHandle h{ex};
};

}  // namespace

TEST_CASE_METHOD(Engine, "call_completes_once_and_never_inside_call", "[rpc][handle]") {
  testecho::AddOne r;
  r.in.in_data = 41;
  Outcome out;
  CallId id = testecho::add_one(h, r, out.done());
  REQUIRE(h.marshal(id).value() == u32(41));
  h.answer(id, ScriptedHandle::Response{kNdr20, u32(42)});
  CHECK(out.runs == 0);  // queued on the executor, not run inside the engine's callback
  ex.run();
  CHECK(out.runs == 1);
  CHECK(out.status.ok());
  CHECK(r.out.out_data == 42);
  h.answer(id, ScriptedHandle::Response{kNdr20, u32(7)});  // a duplicate reply is ignored
  ex.run();
  CHECK(out.runs == 1);
  CHECK(r.out.out_data == 42);
}

TEST_CASE_METHOD(Engine, "call_times_out_and_late_reply_is_ignored", "[rpc][handle]") {
  testecho::AddOne r;
  Outcome out;
  CallOptions opts;
  opts.timeout = 100ms;
  CallId id = testecho::add_one(h, r, out.done(), opts);
  ex.advance(99ms);
  CHECK(out.runs == 0);
  ex.advance(1ms);
  CHECK(out.runs == 1);
  CHECK(out.status.kind == StatusKind::timeout);
  CHECK(h.abandoned == std::vector<CallId>{id});
  // The engine answers later; the caller's struct is neither written nor completed twice.
  h.answer(id, ScriptedHandle::Response{kNdr20, u32(42)});
  ex.run();
  CHECK(out.runs == 1);
  CHECK(r.out.out_data == 0);
  CHECK(ex.idle());
}

TEST_CASE_METHOD(Engine, "reply_before_deadline_disarms_the_timer", "[rpc][handle]") {
  testecho::AddOne r;
  Outcome out;
  CallOptions opts;
  opts.timeout = 100ms;
  CallId id = testecho::add_one(h, r, out.done(), opts);
  CHECK(ex.timers() == 1);
  h.answer(id, ScriptedHandle::Response{kNdr20, u32(5)});
  CHECK(ex.timers() == 0);
  ex.advance(200ms);
  CHECK(out.runs == 1);
  CHECK(out.status.ok());
  CHECK(h.abandoned.empty());
}

TEST_CASE_METHOD(Engine, "cancel_ends_call_and_blocks_late_marshalling", "[rpc][handle]") {
  auto r = std::make_unique<testecho::AddOne>();
  Outcome out;
  CallId id = testecho::add_one(h, *r, out.done());
  h.cancel(id);
  CHECK(out.runs == 0);  // not inside cancel()
  ex.run();
  CHECK(out.runs == 1);
  CHECK(out.status.kind == StatusKind::cancelled);
  CHECK(h.abandoned == std::vector<CallId>{id});
  r.reset();  // the caller may free its struct now
  // An engine whose bind completes only now must not touch the freed struct.
  auto late = h.marshal(id);
  REQUIRE_FALSE(late);
  CHECK(late.error().kind == StatusKind::cancelled);
  h.cancel(id);  // ignored
  h.cancel(12345);
  ex.run();
  CHECK(out.runs == 1);
}

TEST_CASE_METHOD(Engine, "cancel_after_completion_is_queued_changes_nothing", "[rpc][handle]") {
  testecho::AddOne r;
  Outcome out;
  CallId id = testecho::add_one(h, r, out.done());
  h.answer(id, ScriptedHandle::Response{kNdr20, u32(3)});
  h.cancel(id);
  ex.run();
  CHECK(out.runs == 1);
  CHECK(out.status.ok());
  CHECK(h.abandoned.empty());
}

TEST_CASE_METHOD(Engine, "engine_failures_reach_the_caller_by_kind", "[rpc][handle]") {
  testecho::AddOne r1, r2, r3;
  Outcome o1, o2, o3;
  CallId a = testecho::add_one(h, r1, o1.done());
  CallId b = testecho::add_one(h, r2, o2.done());
  CallId c = testecho::add_one(h, r3, o3.done());
  h.answer(c, ScriptedHandle::Response{kNdr20, Bytes{1}});  // short response stub
  h.answer(b, Status::fault(FaultCode::fault_access_denied));
  h.answer(a, Status::transport(104, "connection reset"));
  ex.run();
  CHECK(o1.status.kind == StatusKind::transport);
  CHECK(o2.status.is_fault(FaultCode::fault_access_denied));
  CHECK(o3.status.kind == StatusKind::ndr);
}

TEST_CASE("closing_handle_cancels_pending_calls", "[rpc][handle]") {
  ManualExecutor ex;
  Outcome out;
  testecho::AddOne r;
  ScriptedHandle::Reply reply;
  {
    ScriptedHandle h(ex);
    CallOptions opts;
    opts.timeout = 50ms;
    CallId id = testecho::add_one(h, r, out.done(), opts);
    reply = std::move(h.replies.at(id));
  }
  CHECK(ex.timers() == 0);
  ex.run();
  CHECK(out.runs == 1);
  CHECK(out.status.kind == StatusKind::cancelled);
  reply(ScriptedHandle::Response{kNdr20, u32(1)});  // after the handle is gone: harmless
  ex.run();
  CHECK(out.runs == 1);
}

TEST_CASE_METHOD(Engine, "call_raw_passes_stub_bytes_through", "[rpc][handle]") {
  int runs = 0;
  Bytes got;
  CallId id = h.call_raw(testecho::kInterface, 5, Bytes{1, 2, 3}, {}, [&](Result<Bytes> r) {
    ++runs;
    REQUIRE(r);
    got = std::move(r).value();
  });
  CHECK(h.requests.at(id).opnum == 5);
  CHECK(h.marshal(id).value() == Bytes{1, 2, 3});
  h.answer(id, ScriptedHandle::Response{kNdr20, Bytes{4, 5}});
  ex.run();
  CHECK(runs == 1);
  CHECK(got == Bytes{4, 5});
}
