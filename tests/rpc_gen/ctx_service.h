// The ctxtest implementation the tests serve: context-handle counters, user exceptions raised
// both ways (OpCall::raise and a thrown UserException), a handler that throws, and a control
// hook that refuses calls carrying one particular object UUID.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "ctxtest_server.h"

namespace rpcgen_test {

inline constexpr nca::rpc::Uuid kRefusedObject =
    nca::rpc::Uuid::from_literal("00000000-0000-0000-0000-0000000000ad");

class CtxService final : public ctxtest::Service {
 public:
  struct Counter {
    uint32_t value = 0;
  };
  int rundowns = 0;  // counters run down because their client went away
  std::vector<std::weak_ptr<Counter>> counters;

  std::optional<nca::rpc::Fault> on_call(const nca::rpc::ServerCall& call) override {
    if (call.object() == kRefusedObject)
      return nca::rpc::Fault(nca::rpc::FaultCode::fault_access_denied, "refused by the control hook");
    return std::nullopt;
  }

  void ctx_Open(nca::rpc::OpCall<ctxtest::ctx_Open>& call, uint32_t& start,
                decltype(ctxtest::ctx_Open::Out::h)& h) override {
    auto counter = std::make_shared<Counter>(Counter{start});
    counters.push_back(counter);
    h = create_context<Counter>(call.call(), counter, [this](Counter&) { ++rundowns; });
  }

  uint32_t ctx_Add(nca::rpc::OpCall<ctxtest::ctx_Add>& call, decltype(ctxtest::ctx_Add::In::h)& h,
                   uint32_t& by) override {
    auto counter = find_context<Counter>(call.call(), h);
    if (!counter) {
      call.fault(counter.error());
      return 0;
    }
    uint32_t& v = (*counter)->value;
    if (v > UINT32_MAX - by) ctxtest::raise_overflow("counter overflow");
    return v += by;
  }

  void ctx_Close(nca::rpc::OpCall<ctxtest::ctx_Close>& call, decltype(ctxtest::ctx_Close::Out::h)& h) override {
    auto closed = close_context(call.call(), h);
    if (!closed) return call.fault(closed.error());
    h = *closed;
  }

  uint32_t ctx_Divide(nca::rpc::OpCall<ctxtest::ctx_Divide>& call, uint32_t& a, uint32_t& b) override {
    if (a == 0xdead) throw std::runtime_error("a handler bug");
    if (b == 0) {
      call.raise(ctxtest::Exception::divide_by_zero, "division by zero");
      return 0;
    }
    return a / b;
  }

  void ctx_Sum(nca::rpc::OpCall<ctxtest::ctx_Sum>&, uint32_t& count, decltype(ctxtest::ctx_Sum::Out::total)& total) override {
    count = 0;
    total = 0;
    for (const auto& weak : counters)
      if (auto c = weak.lock()) ++count, total += c->value;
  }
};

}  // namespace rpcgen_test
