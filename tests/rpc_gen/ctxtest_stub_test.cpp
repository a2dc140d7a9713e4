// Generated client and server stubs of ctxtest.idl: context handles, user exceptions, the control
// hook and every fault a call can end with, through the local and the loopback handle alike.
#include <catch2/catch.hpp>

#include "ctx_service.h"
#include "ctxtest_client.h"
#include "ctxtest_template.h"
#include "rig.h"

using nca::rpc::FaultCode;
using nca::rpc::StatusKind;
using rpcgen_test::CtxService;
using rpcgen_test::Rig;

namespace {

struct CtxRig : Rig {
  CtxService service;
  CtxRig() { REQUIRE(server.register_interface(ctxtest::server_interface(service))); }
};

}  // namespace

TEST_CASE("ctx_handle_create_use_close_then_use_after_close", "[rpc_gen]") {
  auto kind = GENERATE(as<std::string>{}, "local", "loopback");
  CAPTURE(kind);
  CtxRig rig;
  auto handle = rig.handle(kind);
  ctxtest::Client client(*handle, rig.drive);

  auto h = client.ctx_Open(5);
  REQUIRE(h.ok());
  CHECK_FALSE(h->is_nil());
  auto sum = client.ctx_Add(*h, 3);
  REQUIRE(sum.ok());
  CHECK(*sum == 8);
  sum = client.ctx_Add(*h, 2);
  REQUIRE(sum.ok());
  CHECK(*sum == 10);

  auto closed = client.ctx_Close(*h);
  REQUIRE(closed.ok());
  CHECK(closed->is_nil());

  auto late = client.ctx_Add(*h, 1);
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().is_fault(FaultCode::fault_context_mismatch));
  auto twice = client.ctx_Close(*h);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().is_fault(FaultCode::fault_context_mismatch));
  CHECK(rig.service.rundowns == 0);  // closed by the client: no rundown
}

TEST_CASE("ctx_handle_runs_down_when_its_client_goes_away", "[rpc_gen]") {
  auto kind = GENERATE(as<std::string>{}, "local", "loopback");
  CAPTURE(kind);
  CtxRig rig;
  auto stays = rig.handle(kind);
  ctxtest::Client other(*stays, rig.drive);
  auto kept = other.ctx_Open(100);
  REQUIRE(kept.ok());
  {
    auto handle = rig.handle(kind);
    ctxtest::Client client(*handle, rig.drive);
    auto a = client.ctx_Open(1);
    auto b = client.ctx_Open(2);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    REQUIRE(client.ctx_Close(*a).ok());
    // Another association cannot use this one's handle.
    auto foreign = other.ctx_Add(*b, 1);
    REQUIRE_FALSE(foreign.ok());
    CHECK(foreign.error().is_fault(FaultCode::fault_context_mismatch));
    auto totals = client.ctx_Sum();
    REQUIRE(totals.ok());
    CHECK(totals->count == 2);  // b and the other client's counter
    CHECK(totals->total == 102);
  }
  CHECK(rig.service.rundowns == 1);  // b, once; a was closed
  auto totals = other.ctx_Sum();
  REQUIRE(totals.ok());
  CHECK(totals->count == 1);
  auto still = other.ctx_Add(*kept, 1);
  REQUIRE(still.ok());
  CHECK(*still == 101);
}

TEST_CASE("ctx_user_exceptions_reach_the_client_by_name", "[rpc_gen]") {
  auto kind = GENERATE(as<std::string>{}, "local", "loopback");
  CAPTURE(kind);
  CtxRig rig;
  auto handle = rig.handle(kind);
  ctxtest::Client client(*handle, rig.drive);

  // Raised with OpCall::raise by the handler.
  auto q = client.ctx_Divide(7, 0);
  REQUIRE_FALSE(q.ok());
  const nca::rpc::Status& st = q.error();
  CHECK(st.kind == StatusKind::fault);
  CHECK(st.is_fault(FaultCode::fault_user_defined));
  CHECK(st.exception_name == "divide_by_zero");
  CHECK(ctxtest::exception_of(st) == ctxtest::Exception::divide_by_zero);

  // Thrown as ctxtest::UserException by a synchronous handler (raise_overflow()).
  auto h = client.ctx_Open(UINT32_MAX - 1);
  REQUIRE(h.ok());
  auto fits = client.ctx_Add(*h, 1);
  REQUIRE(fits.ok());
  CHECK(*fits == UINT32_MAX);
  auto over = client.ctx_Add(*h, 1);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().is_fault(FaultCode::fault_user_defined));
  CHECK(over.error().exception_name == "overflow");
  CHECK(ctxtest::exception_of(over.error()) == ctxtest::Exception::overflow);
  CHECK(ctxtest::to_string(ctxtest::Exception::overflow) == "overflow");

  auto fine = client.ctx_Divide(7, 2);
  REQUIRE(fine.ok());
  CHECK(*fine == 3);
  CHECK_FALSE(ctxtest::exception_of(nca::rpc::Status::fault(FaultCode::fault_unspec)));
}

TEST_CASE("ctx_handler_that_throws_is_fault_unspec", "[rpc_gen]") {
  auto kind = GENERATE(as<std::string>{}, "local", "loopback");
  CAPTURE(kind);
  CtxRig rig;
  auto handle = rig.handle(kind);
  ctxtest::Client client(*handle, rig.drive);
  auto r = client.ctx_Divide(0xdead, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is_fault(FaultCode::fault_unspec));
  CHECK_FALSE(r.error().user_exception);
  // The server goes on serving.
  auto next = client.ctx_Divide(10, 5);
  REQUIRE(next.ok());
  CHECK(*next == 2);
}

TEST_CASE("ctx_unknown_opnum_is_op_rng_error", "[rpc_gen]") {
  auto kind = GENERATE(as<std::string>{}, "local", "loopback");
  CAPTURE(kind);
  CtxRig rig;
  auto handle = rig.handle(kind);
  // An operation spec of a newer interface version the server does not have: opnum 5 and 200.
  for (uint16_t opnum : {uint16_t{5}, uint16_t{200}}) {
    nca::rpc::OperationSpec op = ctxtest::kOperations[4];
    op.opnum = opnum;
    ctxtest::ctx_Sum args;
    std::optional<nca::rpc::Status> done;
    handle->call(ctxtest::kInterface, op, &args, {}, [&](nca::rpc::Status s) { done = std::move(s); });
    rig.drive([&] { return done.has_value(); });
    REQUIRE(done);
    CHECK(done->is_fault(FaultCode::op_rng_error));
  }
}

TEST_CASE("ctx_control_hook_refuses_before_the_handler", "[rpc_gen]") {
  auto kind = GENERATE(as<std::string>{}, "local", "loopback");
  CAPTURE(kind);
  CtxRig rig;
  auto handle = rig.handle(kind);
  ctxtest::Client client(*handle, rig.drive, {.object = rpcgen_test::kRefusedObject});
  auto r = client.ctx_Open(1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is_fault(FaultCode::fault_access_denied));
  CHECK(rig.service.counters.empty());  // the handler never ran
  client.set_options({});
  CHECK(client.ctx_Open(1).ok());
}

TEST_CASE("ctx_corrupted_request_stub_data_is_fault_ndr", "[rpc_gen]") {
  CtxRig rig;
  nca::rpc::LoopbackHandle handle(rig.executor, rig.server);
  auto raw = [&](uint16_t opnum, nca::rpc::Bytes stub) {
    std::optional<nca::rpc::Result<nca::rpc::Bytes>> done;
    handle.call_raw(ctxtest::kInterface, opnum, std::move(stub), {}, [&](auto r) { done.emplace(std::move(r)); });
    rig.drive([&] { return done.has_value(); });
    REQUIRE(done);
    return std::move(*done);
  };

  // A well-formed ctx_Divide request, made by the generated NDR code.
  ctxtest::ctx_Divide good;
  good.in.a = 84;
  good.in.b = 2;
  nca::rpc::Bytes stub;
  REQUIRE(ctxtest::ctx_Divide_push_in(&good, nca::rpc::kNdr20, stub).ok());
  auto answer = raw(3, stub);
  REQUIRE(answer.ok());

  // Every truncation of it is refused as bad stub data and never reaches the handler's logic.
  for (size_t n = 0; n < stub.size(); ++n) {
    CAPTURE(n);
    auto r = raw(3, nca::rpc::Bytes(stub.begin(), stub.begin() + n));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is_fault(FaultCode::fault_ndr));
  }
  // A context handle request cut short, and one with garbage after a valid body.
  auto cut = raw(1, nca::rpc::Bytes(7, 0xff));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().is_fault(FaultCode::fault_ndr));
  // Any byte value in any position either decodes (and is served) or is refused; never a crash.
  for (size_t i = 0; i < stub.size(); ++i) {
    for (uint8_t v : {uint8_t{0x00}, uint8_t{0x80}, uint8_t{0xff}}) {
      nca::rpc::Bytes mutated = stub;
      mutated[i] = v;
      auto r = raw(3, mutated);
      if (!r.ok())
        CHECK((r.error().is_fault(FaultCode::fault_ndr) || r.error().is_fault(FaultCode::fault_user_defined)));
    }
  }
}

TEST_CASE("ctx_async_and_coroutine_forms_agree_with_sync", "[rpc_gen]") {
  auto kind = GENERATE(as<std::string>{}, "local", "loopback");
  CAPTURE(kind);
  CtxRig rig;
  auto handle = rig.handle(kind);
  ctxtest::Client client(*handle, rig.drive);

  std::optional<nca::rpc::Result<uint32_t>> async_result;
  int runs = 0;
  client.ctx_Divide_async(100, 7, [&](nca::rpc::Result<uint32_t> r) {
    ++runs;
    async_result.emplace(std::move(r));
  });
  CHECK(runs == 0);  // never inside the call that started it
  rig.drive([&] { return async_result.has_value(); });
  REQUIRE(async_result->ok());
  CHECK(**async_result == 14);
  CHECK(runs == 1);

  struct Seen {
    std::vector<std::string> log;
    bool finished = false;
  } seen;
  auto body = [](ctxtest::Client& c, Seen& s) -> rpcgen_test::Detached {
    auto h = co_await c.ctx_Open_co(40);
    if (!h.ok()) co_return;
    auto v = co_await c.ctx_Add_co(*h, 2);
    s.log.push_back(v.ok() ? std::to_string(*v) : nca::rpc::to_string(v.error()));
    auto e = co_await c.ctx_Divide_co(1, 0);
    s.log.push_back(e.ok() ? "ok" : std::string(e.error().exception_name));
    auto closed = co_await c.ctx_Close_co(*h);
    s.log.push_back(closed.ok() && closed->is_nil() ? "closed" : "not closed");
    s.finished = true;
  };
  body(client, seen);
  rig.drive([&] { return seen.finished; });
  CHECK(seen.log == std::vector<std::string>{"42", "divide_by_zero", "closed"});
}

TEST_CASE("ctx_template_implementation_compiles_and_answers_not_implemented", "[rpc_gen]") {
  auto kind = GENERATE(as<std::string>{}, "local", "loopback");
  CAPTURE(kind);
  Rig rig;
  ctxtest::ServiceImpl impl;
  REQUIRE(rig.server.register_interface(ctxtest::server_interface(impl)));
  auto handle = rig.handle(kind);
  ctxtest::Client client(*handle, rig.drive);
  auto r = client.ctx_Divide(1, 1);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is_fault(FaultCode::op_rng_error));
  auto s = client.ctx_Sum();
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().is_fault(FaultCode::op_rng_error));
}
