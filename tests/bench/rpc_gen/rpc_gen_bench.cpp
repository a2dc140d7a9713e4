// Calls per second of rpcecho's AddOne and EchoData (1 KiB) through the generated stubs, over the
// local and the loopback handle, and what the stub layer costs per call.
//
// Baseline (measured in the same run): the runtime alone, i.e. BindingHandle::call with a reused
// argument struct against a hand-written one-line dispatch table, as tests/bench/rpc does. Then
// the same calls through the generated rpcecho::Client (asynchronous form, then synchronous form
// with its drive) against the generated rpcecho::Service dispatch (ncaecho::EchoService). The
// stub layer's cost is the difference, in ns per call, and the ratio against the baseline.
// The baseline reuses one argument struct (its vectors keep their capacity); the stubs take and
// give values, so their EchoData pays for fresh buffers: that is part of the stub layer's cost.
//   usage: rpc_gen_bench [iterations]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "echo_service.h"
#include "in_process.h"
#include "nca/rpc/in_process_handle.h"
#include "rpcecho_client.h"

using namespace nca::rpc;

namespace {

// The runtime without stubs: handlers straight in the dispatch table.
void raw_add_one(void*, ServerCall call) {
  auto* r = static_cast<rpcecho::echo_AddOne*>(call.args());
  r->out.out_data = r->in.in_data + 1;
  call.complete();
}
void raw_echo_data(void*, ServerCall call) {
  auto* r = static_cast<rpcecho::echo_EchoData*>(call.args());
  r->out.out_data = std::move(r->in.in_data);
  call.complete();
}
constexpr HandlerFn kRawTable[] = {raw_add_one, raw_echo_data, nullptr, nullptr, nullptr,
                                   nullptr,     nullptr,       nullptr, nullptr, nullptr};

template <class F>
double ns_per_call(long n, F one_call) {
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) one_call(i);
  auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  return ns / static_cast<double>(n);
}

void fail(const char* what) {
  std::fprintf(stderr, "rpc_gen_bench: a call failed: %s\n", what);
  std::exit(1);
}

struct Row {
  double raw = 1e300, async = 1e300, sync = 1e300;
};

// The machine is shared: each variant runs in several rounds, interleaved with the others, and
// keeps its best round, so a burst of load elsewhere does not land on one variant only.
constexpr int kRounds = 5;
template <class A, class B, class C>
Row measure(long n, A raw, B async, C sync) {
  Row row;
  ns_per_call(n / 10 + 1, raw);  // warm-up
  for (int round = 0; round < kRounds; ++round) {
    row.raw = std::min(row.raw, ns_per_call(n, raw));
    row.async = std::min(row.async, ns_per_call(n, async));
    row.sync = std::min(row.sync, ns_per_call(n, sync));
  }
  return row;
}

void report(const char* op, const char* handle, const Row& r) {
  std::printf("%-14s %-9s baseline %8.1f ns (%9.0f calls/s) | stubs async %8.1f ns (%9.0f calls/s) "
              "sync %8.1f ns (%9.0f calls/s) | stub layer %+7.1f ns/call, async/baseline %.3f\n",
              op, handle, r.raw, 1e9 / r.raw, r.async, 1e9 / r.async, r.sync, 1e9 / r.sync, r.async - r.raw,
              r.async / r.raw);
}

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 200000;
  ManualExecutor ex;
  ServerCore raw_server, stub_server;
  ncaecho::EchoService service(ex);
  raw_server.register_interface({&rpcecho::kInterface, kRawTable, nullptr});
  stub_server.register_interface(rpcecho::server_interface(service));
  auto drive = ncaecho::drive(ex, ncaecho::Clock::fake);
  const std::vector<uint8_t> kilobyte(1024, 0x5a);

  for (std::string kind : {"local", "loopback"}) {
    auto make = [&](ServerCore& s) -> std::unique_ptr<BindingHandle> {
      if (kind == "local") return std::make_unique<LocalHandle>(ex, s);
      return std::make_unique<LoopbackHandle>(ex, s);
    };
    auto raw_handle = make(raw_server);
    auto stub_handle = make(stub_server);
    rpcecho::Client client(*stub_handle, drive);

    // AddOne
    Row add;
    rpcecho::echo_AddOne args;
    auto raw_add = [&](long i) {
      args.in.in_data = static_cast<uint32_t>(i);
      bool ok = false;
      raw_handle->call(rpcecho::kInterface, rpcecho::kOperations[0], &args, {}, [&ok](Status s) { ok = s.ok(); });
      ex.run();
      if (!ok || args.out.out_data != static_cast<uint32_t>(i) + 1) fail("raw AddOne");
    };
    auto async_add = [&](long i) {
      bool ok = false;
      client.echo_AddOne_async(static_cast<uint32_t>(i), [&ok, i](Result<uint32_t> r) {
        ok = r.ok() && *r == static_cast<uint32_t>(i) + 1;
      });
      ex.run();
      if (!ok) fail("stub AddOne");
    };
    auto sync_add = [&](long i) {
      auto r = client.echo_AddOne(static_cast<uint32_t>(i));
      if (!r.ok() || *r != static_cast<uint32_t>(i) + 1) fail("sync AddOne");
    };
    add = measure(n, raw_add, async_add, sync_add);
    report("AddOne", kind.c_str(), add);

    // EchoData, 1 KiB each way; a fresh [in] buffer per call in every variant.
    Row echo;
    long m = n / 4 + 1;
    rpcecho::echo_EchoData eargs;
    auto raw_echo = [&](long) {
      eargs.in.len = 1024;
      eargs.in.in_data = kilobyte;
      bool ok = false;
      raw_handle->call(rpcecho::kInterface, rpcecho::kOperations[1], &eargs, {}, [&ok](Status s) { ok = s.ok(); });
      ex.run();
      if (!ok || eargs.out.out_data.size() != 1024) fail("raw EchoData");
    };
    auto async_echo = [&](long) {
      bool ok = false;
      client.echo_EchoData_async(1024, kilobyte, [&ok](auto r) { ok = r.ok() && r->size() == 1024; });
      ex.run();
      if (!ok) fail("stub EchoData");
    };
    auto sync_echo = [&](long) {
      auto r = client.echo_EchoData(1024, kilobyte);
      if (!r.ok() || r->size() != 1024) fail("sync EchoData");
    };
    echo = measure(m, raw_echo, async_echo, sync_echo);
    report("EchoData 1KiB", kind.c_str(), echo);
  }
  return 0;
}
