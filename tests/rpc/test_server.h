// The implementation of testecho used by the tests: synchronous, asynchronous (Sleep completes on
// a timer), dropping, throwing, raising user exceptions, and context handles.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "nca/rpc/executor.h"
#include "test_interface.h"

namespace testecho {

// Every interface needs its own constants; this one is a copy of testecho under another UUID,
// without strict context handles, to check which interface may use whose handles.
inline constexpr InterfaceSpec kPeerInterface{
    "testecho_peer",
    {Uuid::from_literal("3c5e5a4e-6f0e-4b7e-9d4c-1e2f3a4b5c6e"), 1, 0},
    kSyntaxes,
    kOperations,
    kExceptions,
    /*strict_context_handles=*/false,
};

class TestServer final : public Server {
 public:
  explicit TestServer(Executor& executor) : executor_(executor) {}

  struct Counter {
    uint32_t value = 0;
  };

  int rundowns = 0;
  std::vector<std::string> transports;  // the caller's transport, per call
  std::vector<bool> marshalled;         // whether each call had a transfer syntax
  std::vector<Uuid> objects;            // the request's object UUID, per call
  bool record = true;                   // off in benchmarks

  void AddOne(OpCall<testecho::AddOne> call) override {
    note(call);
    if (call.args().in.in_data == UINT32_MAX) return call.raise(Exception::overflow, "AddOne(UINT32_MAX)");
    call.args().out.out_data = call.args().in.in_data + 1;
    call.complete();
  }

  void EchoData(OpCall<testecho::EchoData> call) override {
    note(call);
    call.args().out.out_data = call.args().in.in_data;
    call.complete();
  }

  // Completes after `ms` milliseconds of the executor's clock; ms == 0 drops the call.
  void Sleep(OpCall<testecho::Sleep> call) override {
    note(call);
    uint32_t ms = call.args().in.ms;
    if (ms == 0) return;  // dropped: the runtime must answer nca_s_fault_unspec
    executor_.start_timer(std::chrono::milliseconds(ms), [call = std::move(call), ms]() mutable {
      call.args().out.result = ms;
      call.complete();
    });
  }

  void OpenCounter(OpCall<testecho::OpenCounter> call) override {
    note(call);
    auto& table = call.call().server().context_handles();
    call.args().out.h = table.create<Counter>(call.call(), std::make_shared<Counter>(),
                                              [this](Counter&) { ++rundowns; });
    call.complete();
  }

  void Increment(OpCall<testecho::Increment> call) override {
    note(call);
    auto counter = call.call().server().context_handles().lookup<Counter>(call.call(), call.args().in.h);
    if (!counter) return call.fault(counter.error());
    call.args().out.result = ++(*counter)->value;
    call.complete();
  }

  void CloseCounter(OpCall<testecho::CloseCounter> call) override {
    note(call);
    auto closed = call.call().server().context_handles().destroy(call.call(), call.args().in.h);
    if (!closed) return call.fault(closed.error());
    call.args().out.h = *closed;
    call.complete();
  }

  // b == 0 raises divide_by_zero; a == 0xdead throws, as a buggy handler would.
  void Divide(OpCall<testecho::Divide> call) override {
    note(call);
    auto& in = call.args().in;
    if (in.a == 0xdead) throw std::runtime_error("handler bug");
    if (in.b == 0) return call.raise(Exception::divide_by_zero);
    call.args().out.result = in.a / in.b;
    call.complete();
  }

 private:
  template <class R>
  void note(OpCall<R>& call) {
    if (!record) return;
    transports.push_back(call.caller().transport);
    marshalled.push_back(call.call().transfer_syntax().has_value());
    objects.push_back(call.call().object());
  }

  Executor& executor_;
};

}  // namespace testecho
