// bench_rpc_interceptors: what call interceptors (nca/rpc/interceptor.h) cost on AddOne over
// ncacn_ip_tcp on loopback: calls per second and process CPU time per call with no interceptor,
// and with one on the client handle and one on the ServerCore, measured in the same run
// (alternating, best of N each), as a ratio.
//
//   bench_rpc_interceptors [--seconds S=1] [--reps N=5] [--clients N=64] [--log] [--aa]
//
// --aa runs the same comparison with no interceptor on either side (an A/A run): the difference
// it shows is the noise of the machine and of the two servers' placement, not interceptors.
//
// The interceptor is a metrics one (counts calls, sums durations and bytes: the runtime's whole
// path, two clock reads, the per-call allocation and the spans); --log uses LogInterceptor with
// a sink that drops the line instead (its formatting cost included).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include "echo_interface.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/cn/server.h"
#include "nca/rpc/log_interceptor.h"
#include "nca/rpc/loop_executor.h"

using namespace nca;
using Clock = std::chrono::steady_clock;

namespace {

struct Metrics final : rpc::CallInterceptor {
  uint64_t calls = 0, bytes = 0;
  Clock::duration total{};
  std::unique_ptr<rpc::CallSpan> before(const rpc::CallInfo&) override { return nullptr; }
  void after(const rpc::CallInfo& call, rpc::CallSpan*) override {
    ++calls;
    total += call.elapsed;
    bytes += call.request_bytes + call.response_bytes;
  }
};

std::shared_ptr<rpc::CallInterceptor> make_interceptor(bool log) {
  if (log) return std::make_shared<rpc::LogInterceptor>([](std::string_view) {});
  return std::make_shared<Metrics>();
}

// An rpcecho server on its own thread and loop; `intercepted` adds an interceptor to its core.
struct ServerThread {
  std::thread thread;
  net::Loop* loop = nullptr;
  uint16_t port = 0;
  std::atomic<bool> ready{false};
  bool intercepted, log;

  ServerThread(bool with, bool log_lines) : intercepted(with), log(log_lines) {
    thread = std::thread([this] { run(); });
    while (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void run() {
    net::Loop l;
    loop = &l;
    rpc::LoopExecutor ex(l);
    rpc::ServerCore core;
    if (intercepted) core.add_interceptor(make_interceptor(log));
    cntest::EchoImpl impl;
    impl.executor = &ex;
    cntest::register_echo(core, impl);
    auto server = std::make_unique<rpc::cn::Server>(l, core);
    port = server->listen_tcp(net::Address::inet("ipv4", "127.0.0.1", 0).value()).value().port();
    l.keep_alive(true);
    ready = true;
    l.run();
    server.reset();
    l.run();
    (void)l.close();
  }
  ~ServerThread() {
    loop->post([l = loop] {
      l->keep_alive(false);
      l->stop();
    });
    thread.join();
  }
};

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

struct Sample {
  double calls_per_s = 0, cpu_us_per_call = 0;
};

Sample run(int clients, double seconds, uint16_t port, bool intercepted, bool log) {
  net::Loop loop;
  rpc::LoopExecutor ex(loop);
  auto binding = rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[" + std::to_string(port) + "]").value();
  std::vector<std::unique_ptr<rpc::cn::ClientHandle>> hs;
  rpc::Bytes stub = cntest::addone_in(1);
  uint64_t done = 0, errors = 0;
  bool measuring = false, stopping = false;
  Clock::time_point end;
  std::function<void(rpc::cn::ClientHandle&)> issue = [&](rpc::cn::ClientHandle& h) {
    h.call_raw(cntest::rpcecho_spec(), 0, stub, {}, [&, hp = &h](rpc::Result<rpc::Bytes> r) {
      if (!r.ok()) ++errors;
      if (measuring) ++done;
      if (Clock::now() >= end) stopping = true;
      if (!stopping) issue(*hp);
    });
  };
  auto interceptor = make_interceptor(log);
  for (int i = 0; i < clients; ++i) {
    hs.push_back(std::make_unique<rpc::cn::ClientHandle>(ex, binding));
    if (intercepted) hs.back()->add_interceptor(interceptor);
  }
  for (auto& h : hs) {  // connect and bind every client first
    bool ok = false;
    h->call_raw(cntest::rpcecho_spec(), 0, stub, {}, [&](rpc::Result<rpc::Bytes>) { ok = true; });
    loop.run_until([&] { return ok; });
  }
  double cpu0 = cpu_seconds();
  auto start = Clock::now();
  end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  measuring = true;
  for (auto& h : hs) issue(*h);
  loop.run_until([&] { return stopping; });
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  double cpu = cpu_seconds() - cpu0;
  measuring = false;
  loop.run_until([&] {
    for (auto& h : hs)
      if (h->calls_in_flight()) return false;
    return true;
  });
  hs.clear();
  loop.run();
  (void)loop.close();
  if (errors) std::fprintf(stderr, "%llu failed calls\n", (unsigned long long)errors);
  if (done == 0) return {};
  return {double(done) / secs, 1e6 * cpu / double(done)};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  int reps = 5, clients = 64;
  bool log = false, aa = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
    else if (a == "--reps" && i + 1 < argc) reps = std::max(1, std::atoi(argv[++i]));
    else if (a == "--clients" && i + 1 < argc) clients = std::max(1, std::atoi(argv[++i]));
    else if (a == "--log") log = true;
    else if (a == "--aa") aa = true;
    else {
      std::fprintf(stderr, "usage: bench_rpc_interceptors [--seconds S=1] [--reps N=5] [--clients N=64] [--log] [--aa]\n");
      return 2;
    }
  }
  ServerThread plain(false, log), intercepted(!aa, log);
  Sample off, on;
  double off_cpu = 1e300, on_cpu = 1e300;
  for (int r = 0; r < reps; ++r) {  // alternate, so that load from elsewhere touches both alike
    // Which of the two runs first alternates too: an A/A run showed the second one of a pair
    // losing a third of its calls/s to the first on a loaded machine.
    Sample a, b;
    if (r % 2 == 0) {
      a = run(clients, seconds, plain.port, false, log);
      b = run(clients, seconds, intercepted.port, !aa, log);
    } else {
      b = run(clients, seconds, intercepted.port, !aa, log);
      a = run(clients, seconds, plain.port, false, log);
    }
    off.calls_per_s = std::max(off.calls_per_s, a.calls_per_s);
    on.calls_per_s = std::max(on.calls_per_s, b.calls_per_s);
    if (a.cpu_us_per_call > 0) off_cpu = std::min(off_cpu, a.cpu_us_per_call);
    if (b.cpu_us_per_call > 0) on_cpu = std::min(on_cpu, b.cpu_us_per_call);
  }
  std::printf("AddOne, ncacn_ip_tcp loopback, %d clients, best of %d runs of %.1f s; interceptor: %s\n",
              clients, reps, seconds, aa ? "none on either side (A/A)" : log ? "LogInterceptor (line dropped)" : "metrics");
  std::printf("%-22s %10s %10s\n", "", "calls/s", "cpu/call");
  std::printf("%-22s %10.0f %8.2fus\n", "no interceptor", off.calls_per_s, off_cpu);
  std::printf("%-22s %10.0f %8.2fus\n", "client+server", on.calls_per_s, on_cpu);
  std::printf("cost: calls/s %.1f%%, cpu per call %.1f%% (target: under 5%%)\n",
              100.0 * (1.0 - on.calls_per_s / off.calls_per_s), 100.0 * (on_cpu / off_cpu - 1.0));
  return 0;
}
