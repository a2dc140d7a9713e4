// bench_rpc_cn: calls per second of the connection-oriented engine over ncacn_ip_tcp on loopback,
// as a ratio to a raw-socket ping-pong of the same payload sizes measured in the same run.
//
//   bench_rpc_cn [--seconds S=1] [--reps N=3] [--max-frag F=65535] [--case NAME] [--clients N]
//                [--only rpc|raw]   (one side only, for profiling)
//                [--stub-pool BYTES] (memory kept for reuse per server thread and client handle;
//                                     0 keeps none, as the engine did before stub_pool.h)
//
// Large calls lose much of their time to page faults when glibc hands freed MiB buffers back to
// the kernel after every call; to see the share of that, run with
//   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456
//
// Cases: AddOne (4 bytes each way) and EchoData of 1 KiB, 64 KiB, 1 MiB, each with 1 and 64
// concurrent clients (one connection each). The RPC server runs on its own thread and loop; all
// RPC clients share the main thread's loop. The baseline (raw_pingpong.h) has the same shape
// with plain non-blocking sockets and epoll: one server thread, the clients on the main thread,
// TCP_NODELAY, request and response bytes equal to the RPC call's stub data, so the ratio is the
// cost of the RPC protocol and runtime (nca::net included).
//
// The machine is shared, so each case runs N times, alternating baseline and RPC; the table
// shows the best calls/s of each, and the least process CPU time per call (both sides, user +
// system), which load from other processes disturbs much less than wall-clock rates.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <algorithm>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include "echo_interface.h"
#include "nca/net/loop.h"
#include "nca/net/stream.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/loop_executor.h"
#include "nca/rpc/cn/server.h"
#include "raw_pingpong.h"

using namespace nca;
using Clock = std::chrono::steady_clock;

namespace {

struct ServerThread {
  std::thread thread;
  net::Loop* loop = nullptr;
  uint16_t rpc_port = 0;
  std::atomic<bool> ready{false};
  uint16_t max_frag;

  size_t stub_pool;
  ServerThread(uint16_t frag, size_t pool) : max_frag(frag), stub_pool(pool) {
    thread = std::thread([this] { run(); });
    while (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void run() {
    net::Loop l;
    loop = &l;
    rpc::LoopExecutor ex(l);
    rpc::ServerCore core;
    cntest::EchoImpl impl;
    impl.executor = &ex;
    cntest::register_echo(core, impl);
    rpc::cn::ServerConfig cfg;
    cfg.max_frag = max_frag;
    cfg.stub_pool_bytes = stub_pool;
    auto server = std::make_unique<rpc::cn::Server>(l, core, cfg);
    auto any = net::Address::inet("ipv4", "127.0.0.1", 0).value();
    rpc_port = server->listen_tcp(any).value().port();
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

struct Case {
  const char* name;
  uint16_t opnum;
  size_t payload;  // EchoData bytes; AddOne: 0
};

// Request and response stub sizes of a case, for the raw baseline.
std::pair<uint32_t, uint32_t> stub_sizes(const Case& c) {
  if (c.opnum == 0) return {4, 4};
  return {uint32_t(8 + c.payload), uint32_t(4 + c.payload)};
}

// Process CPU time (user + system, every thread: the client loop and the server thread).
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

struct Sample {
  double calls_per_s = 0;
  double cpu_us_per_call = 0;
};

Sample run_rpc(const Case& c, int clients, double seconds, uint16_t port, uint16_t max_frag,
               size_t stub_pool) {
  net::Loop loop;
  rpc::LoopExecutor ex(loop);
  auto binding = rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[" + std::to_string(port) + "]").value();
  rpc::cn::ClientConfig cfg;
  cfg.max_frag = max_frag;
  cfg.stub_pool_bytes = stub_pool;
  std::vector<std::unique_ptr<rpc::cn::ClientHandle>> hs;
  std::vector<uint8_t> payload(c.payload, 0x33);
  rpc::Bytes stub = c.opnum == 0 ? cntest::addone_in(1) : cntest::echodata_in(payload);
  uint64_t done = 0, errors = 0;
  bool measuring = false, stopping = false;
  Clock::time_point end;
  std::function<void(rpc::cn::ClientHandle&)> issue = [&](rpc::cn::ClientHandle& h) {
    h.call_raw(cntest::rpcecho_spec(), c.opnum, stub, {}, [&, hp = &h](rpc::Result<rpc::Bytes> r) {
      if (!r.ok()) ++errors;
      if (measuring) ++done;
      if (Clock::now() >= end) stopping = true;
      if (!stopping) issue(*hp);
    });
  };
  for (int i = 0; i < clients; ++i) hs.push_back(std::make_unique<rpc::cn::ClientHandle>(ex, binding, cfg));
  // Warm up: connect and bind every client.
  for (auto& h : hs) {
    bool ok = false;
    h->call_raw(cntest::rpcecho_spec(), 0, cntest::addone_in(1), {}, [&](rpc::Result<rpc::Bytes>) { ok = true; });
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
  // Let the calls in flight finish before the handles go.
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

Sample run_raw(const Case& c, int clients, double seconds, uint16_t port) {
  auto [req, resp] = stub_sizes(c);
  double cpu0 = cpu_seconds();
  rawbench::RawResult r = rawbench::run_clients(port, clients, req, resp, seconds);
  double cpu = cpu_seconds() - cpu0;
  if (r.calls <= 0) {
    std::fprintf(stderr, "raw ping-pong failed\n");
    return {};
  }
  return {double(r.calls) / r.seconds, 1e6 * cpu / double(r.calls)};
}

struct Options {
  double seconds = 1.0;
  int reps = 3;
  uint16_t max_frag = 65535;
  std::string only_case;  // substring of the case name
  int only_clients = 0;
  std::string only;  // "rpc" or "raw": run one side only (for profiling)
  long stub_pool = -1;  // bytes kept per server thread and per client handle; -1: the defaults
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--seconds" && (v = value())) o.seconds = std::atof(v);
    else if (a == "--reps" && (v = value())) o.reps = std::max(1, std::atoi(v));
    else if (a == "--max-frag" && (v = value())) o.max_frag = uint16_t(std::atoi(v));
    else if (a == "--case" && (v = value())) o.only_case = v;
    else if (a == "--clients" && (v = value())) o.only_clients = std::atoi(v);
    else if (a == "--only" && (v = value())) o.only = v;
    else if (a == "--stub-pool" && (v = value())) o.stub_pool = std::atol(v);
    else return false;
  }
  return o.seconds > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: bench_rpc_cn [--seconds S=1] [--reps N=3] [--max-frag F=65535]\n"
                 "                    [--case NAME-SUBSTRING] [--clients N] [--only rpc|raw]\n"
                 "                    [--stub-pool BYTES]\n");
    return 2;
  }
  size_t server_pool = o.stub_pool < 0 ? rpc::cn::ServerConfig{}.stub_pool_bytes : size_t(o.stub_pool);
  size_t client_pool = o.stub_pool < 0 ? rpc::cn::ClientConfig{}.stub_pool_bytes : size_t(o.stub_pool);
  ServerThread server(o.max_frag, server_pool);
  rawbench::RawServer raw_server;
  const Case cases[] = {{"AddOne", 0, 0},
                        {"EchoData 1KiB", 1, 1024},
                        {"EchoData 64KiB", 1, 64 * 1024},
                        {"EchoData 1MiB", 1, 1024 * 1024}};
  std::printf("ncacn_ip_tcp loopback, max_frag %u, best of %d runs of %.1f s per case\n",
              o.max_frag, o.reps, o.seconds);
  std::printf("calls/s: best run; cpu: least process CPU time (both sides) per call\n");
  std::printf("%-15s %3s %10s %10s %7s %9s %9s %7s %7s\n", "case", "cli", "rpc/s", "raw/s",
              "ratio", "rpc cpu", "raw cpu", "cpu", "target");
  for (const Case& c : cases) {
    if (!o.only_case.empty() && std::string(c.name).find(o.only_case) == std::string::npos)
      continue;
    for (int clients : {1, 64}) {
      if (o.only_clients && clients != o.only_clients) continue;
      Sample rpc_best, raw_best;
      double rpc_cpu = 1e300, raw_cpu = 1e300;
      // Alternate the two so that load from other processes touches both alike.
      for (int r = 0; r < o.reps; ++r) {
        Sample raw, rpc;
        if (o.only != "rpc") raw = run_raw(c, clients, o.seconds, raw_server.port());
        if (o.only != "raw") rpc = run_rpc(c, clients, o.seconds, server.rpc_port, o.max_frag, client_pool);
        raw_best.calls_per_s = std::max(raw_best.calls_per_s, raw.calls_per_s);
        rpc_best.calls_per_s = std::max(rpc_best.calls_per_s, rpc.calls_per_s);
        if (raw.cpu_us_per_call > 0) raw_cpu = std::min(raw_cpu, raw.cpu_us_per_call);
        if (rpc.cpu_us_per_call > 0) rpc_cpu = std::min(rpc_cpu, rpc.cpu_us_per_call);
      }
      double target = c.payload >= 64 * 1024 ? 0.80 : 0.85;
      std::printf("%-15s %3d %10.0f %10.0f %6.1f%% %7.1fus %7.1fus %6.1f%% %6.0f%%\n", c.name,
                  clients, rpc_best.calls_per_s, raw_best.calls_per_s,
                  100.0 * rpc_best.calls_per_s / raw_best.calls_per_s, rpc_cpu, raw_cpu,
                  100.0 * raw_cpu / rpc_cpu, target * 100);
      std::fflush(stdout);
    }
  }
  return 0;
}
