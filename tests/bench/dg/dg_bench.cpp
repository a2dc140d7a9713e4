// bench_rpc_dg: calls per second of the datagram engine over ncadg_ip_udp on loopback, as ratios
// to a raw UDP ping-pong of the same payloads and to the connection-oriented engine over
// ncacn_ip_tcp, all measured in the same run.
//
//   bench_rpc_dg [--seconds S=1] [--reps N=3] [--max-frag F=1464]
//
// Cases: AddOne (4 bytes each way), EchoData 1 KiB and 64 KiB; one client, one call in flight
// (the latency-bound shape of a DG client). The RPC server (cn and dg on one ServerCore, the
// hand-written raw rpcecho of tests/rpc/cn) runs on its own thread and loop. The raw baseline is
// blocking UDP sockets, a server thread answering each request once all its bytes arrived: a
// payload larger than one datagram goes in datagrams of max-frag bytes (the DG engine's
// fragment size), without headers, acknowledgements or retransmission, so the ratio is the cost
// of the protocol and runtime. Each case alternates the three N times; the best of each counts.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "echo_interface.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/cn/server.h"
#include "nca/rpc/dg/client.h"
#include "nca/rpc/dg/server.h"
#include "nca/rpc/loop_executor.h"

using namespace nca;
using Clock = std::chrono::steady_clock;

namespace {

struct ServerThread {
  std::thread thread;
  net::Loop* loop = nullptr;
  uint16_t tcp_port = 0, udp_port = 0;
  std::atomic<bool> ready{false};
  uint16_t max_frag;

  explicit ServerThread(uint16_t frag) : max_frag(frag) {
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
    auto cn = std::make_unique<rpc::cn::Server>(l, core);
    rpc::dg::ServerConfig dcfg;
    dcfg.max_frag = max_frag;
    auto dg = std::make_unique<rpc::dg::Server>(l, core, dcfg);
    auto any = net::Address::inet("ipv4", "127.0.0.1", 0).value();
    tcp_port = cn->listen_tcp(any).value().port();
    udp_port = dg->listen(rpc::Binding::parse_listen("ncadg_ip_udp:127.0.0.1[0]").value()).value().port();
    l.keep_alive(true);
    ready = true;
    l.run();
    cn.reset();
    dg.reset();
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

// ---- raw UDP ping-pong ----------------------------------------------------------------------

// Request: datagrams whose first one starts [u32 request bytes][u32 response bytes]; the server
// answers once it has the request's bytes, in datagrams of at most `chunk`.
struct RawUdpServer {
  int fd = -1;
  uint16_t port = 0;
  size_t chunk;
  std::atomic<bool> stop{false};
  std::thread thread;
  explicit RawUdpServer(size_t c) : chunk(c) {
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    timeval tv{0, 100000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    thread = std::thread([this] { run(); });
  }
  void run() {
    std::vector<uint8_t> buf(65536), out(chunk, 0x55);
    size_t need = 0, have = 0, resp = 0;
    while (!stop) {
      sockaddr_in from{};
      socklen_t fl = sizeof from;
      ssize_t n = recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fl);
      if (n <= 0) continue;
      if (have == 0) {
        uint32_t req, rsp;
        std::memcpy(&req, buf.data(), 4);
        std::memcpy(&rsp, buf.data() + 4, 4);
        need = req;
        resp = rsp;
      }
      have += size_t(n);
      if (have < need) continue;
      have = 0;
      size_t sent = 0;
      do {
        size_t k = std::min(chunk, std::max<size_t>(resp - sent, 1));
        sendto(fd, out.data(), k, 0, reinterpret_cast<sockaddr*>(&from), fl);
        sent += k;
      } while (sent < resp);
    }
  }
  ~RawUdpServer() {
    stop = true;
    thread.join();
    close(fd);
  }
};

double raw_udp(uint16_t port, size_t chunk, uint32_t req, uint32_t resp, double seconds) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  std::vector<uint8_t> out(std::max<size_t>(chunk, 8), 0x33), in(65536);
  req = std::max<uint32_t>(req, 8);
  std::memcpy(out.data(), &req, 4);
  std::memcpy(out.data() + 4, &resp, 4);
  long long calls = 0;
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (Clock::now() < end) {
    size_t sent = 0;
    do {
      size_t k = std::min<size_t>(chunk, req - sent);
      if (send(fd, out.data(), k, 0) < 0) return -1;
      sent += k;
    } while (sent < req);
    size_t got = 0;
    while (got < std::max<uint32_t>(resp, 1)) {
      ssize_t n = recv(fd, in.data(), in.size(), 0);
      if (n < 0) return -1;
      got += size_t(n);
    }
    ++calls;
  }
  close(fd);
  return double(calls) / std::chrono::duration<double>(Clock::now() - start).count();
}

// ---- RPC --------------------------------------------------------------------------------------

template <class Handle>
double run_rpc(Handle& h, net::Loop& loop, uint16_t opnum, const rpc::Bytes& stub, double seconds) {
  uint64_t done = 0, errors = 0;
  bool stopping = false;
  Clock::time_point end;
  std::function<void()> issue = [&] {
    h.call_raw(cntest::rpcecho_spec(), opnum, stub, {}, [&](rpc::Result<rpc::Bytes> r) {
      if (!r.ok()) {
        if (++errors == 1) std::fprintf(stderr, "call failed: %s\n", rpc::to_string(r.error()).c_str());
      }
      ++done;
      if (Clock::now() >= end) stopping = true;
      if (!stopping) issue();
    });
  };
  // Warm up (first call: connect/bind, or the conv callback of a new activity).
  bool ok = false;
  h.call_raw(cntest::rpcecho_spec(), 0, cntest::addone_in(1), {}, [&](rpc::Result<rpc::Bytes>) { ok = true; });
  loop.run_until([&] { return ok; });
  auto start = Clock::now();
  end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  issue();
  loop.run_until([&] { return stopping; });
  if (errors) return -1;
  return double(done) / std::chrono::duration<double>(Clock::now() - start).count();
}

struct Case {
  const char* name;
  uint16_t opnum;
  size_t payload;
};

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1;
  int reps = 3;
  uint16_t max_frag = 1464;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
    else if (a == "--reps" && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (a == "--max-frag" && i + 1 < argc) max_frag = uint16_t(std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: bench_rpc_dg [--seconds S] [--reps N] [--max-frag F]\n");
      return 2;
    }
  }
  ServerThread server(max_frag);
  const size_t chunk = max_frag - 80u;  // the DG engine's stub bytes per fragment
  RawUdpServer raw(chunk);
  const Case cases[] = {{"AddOne", 0, 0}, {"EchoData 1 KiB", 1, 1024}, {"EchoData 64 KiB", 1, 65536}};
  std::printf("bench_rpc_dg: %g s x %d reps, max_frag %u (UDP datagrams of %zu payload bytes), 1 client\n",
              seconds, reps, max_frag, chunk);
  std::printf("%-16s %12s %12s %12s %10s %10s\n", "case", "raw UDP/s", "dg calls/s", "cn calls/s", "dg/raw",
              "dg/cn");
  net::Loop loop;
  int failures = 0;
  {
    rpc::LoopExecutor ex(loop);
    rpc::dg::ClientConfig dc;
    dc.max_frag = max_frag;
    rpc::dg::ClientHandle dg(ex, rpc::Binding::parse("ncadg_ip_udp:127.0.0.1[" + std::to_string(server.udp_port) + "]").value(), dc);
    rpc::cn::ClientHandle cn(ex, rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[" + std::to_string(server.tcp_port) + "]").value());
    for (const Case& c : cases) {
      std::vector<uint8_t> payload(c.payload, 0x33);
      rpc::Bytes stub = c.opnum == 0 ? cntest::addone_in(1) : cntest::echodata_in(payload);
      uint32_t req = c.opnum == 0 ? 4 : uint32_t(8 + c.payload), resp = c.opnum == 0 ? 4 : uint32_t(4 + c.payload);
      double best_raw = 0, best_dg = 0, best_cn = 0;
      for (int r = 0; r < reps; ++r) {
        best_raw = std::max(best_raw, raw_udp(raw.port, chunk, req, resp, seconds));
        double d = run_rpc(dg, loop, c.opnum, stub, seconds);
        double n = run_rpc(cn, loop, c.opnum, stub, seconds);
        if (d < 0 || n < 0) ++failures;
        best_dg = std::max(best_dg, d);
        best_cn = std::max(best_cn, n);
      }
      std::printf("%-16s %12.0f %12.0f %12.0f %9.0f%% %9.0f%%\n", c.name, best_raw, best_dg, best_cn,
                  100 * best_dg / best_raw, 100 * best_dg / best_cn);
      std::fflush(stdout);
    }
  }
  loop.run();
  (void)loop.close();
  return failures ? 1 : 0;
}
