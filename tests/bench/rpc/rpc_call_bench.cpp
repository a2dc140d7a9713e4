// The cost of one call through the in-process handles: the loopback handle (marshals both ways,
// the baseline) against the local handle (moves the argument struct, the MSRPC2 local case).
// Each call is started and then the executor runs until it completed.
//   usage: rpc_call_bench [iterations]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "nca/rpc/in_process_handle.h"
#include "test_server.h"

using namespace nca::rpc;

namespace {

template <class Setup>
double ns_per_call(BindingHandle& h, ManualExecutor& ex, long n, Setup setup) {
  auto start = std::chrono::steady_clock::now();
  long ok = 0;
  for (long i = 0; i < n; ++i) {
    setup(h, i, [&ok](Status s) { ok += s.ok(); });
    ex.run();
  }
  auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  if (ok != n) {
    std::fprintf(stderr, "only %ld of %ld calls succeeded\n", ok, n);
    std::exit(1);
  }
  return ns / static_cast<double>(n);
}

template <class Setup>
void compare(const char* name, ManualExecutor& ex, ServerCore& server, long n, Setup setup) {
  LoopbackHandle loopback(ex, server);
  LocalHandle local(ex, server);
  ns_per_call(loopback, ex, n / 10 + 1, setup);  // warm-up
  double base = ns_per_call(loopback, ex, n, setup);
  double fast = ns_per_call(local, ex, n, setup);
  std::printf("%-22s loopback %9.1f ns/call   local %9.1f ns/call   local/loopback %.3f\n", name, base,
              fast, fast / base);
}

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 200000;
  ManualExecutor ex;
  testecho::TestServer impl(ex);
  ServerCore server;
  server.register_interface(testecho::server_interface(impl));
  impl.record = false;

  testecho::AddOne add;
  compare("AddOne", ex, server, n, [&add](BindingHandle& h, long i, BindingHandle::Done done) {
    add.in.in_data = static_cast<uint32_t>(i);
    testecho::add_one(h, add, std::move(done));
  });

  for (size_t size : {64u, 4096u, 65536u}) {
    testecho::EchoData echo;
    char name[32];
    std::snprintf(name, sizeof name, "EchoData %zu bytes", size);
    compare(name, ex, server, size > 4096 ? n / 20 : n, [&echo, size](BindingHandle& h, long, BindingHandle::Done done) {
      // A fresh [in] buffer per call: the local handle moves it away, the loopback one copies it.
      echo.in.in_data.assign(size, 0x5a);
      echo.in.len = static_cast<uint32_t>(size);
      testecho::echo_data(h, echo, std::move(done));
    });
  }
  return 0;
}
