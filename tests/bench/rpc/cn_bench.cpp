// bench_rpc_cn: calls per second of the connection-oriented engine over ncacn_ip_tcp on loopback,
// as a ratio to a raw TCP ping-pong of the same payload sizes measured in the same run.
//
//   bench_rpc_cn [seconds-per-case=1] [max_frag=65535]
//
// Cases: AddOne (4 bytes each way) and EchoData of 1 KiB, 64 KiB, 1 MiB, each with 1 and 64
// concurrent clients (one connection each). The server runs on its own thread and loop; all
// clients share the main thread's loop. The raw baseline uses the same nca::net streams (libuv,
// TCP_NODELAY) with a length-prefixed ping-pong: request and response bytes equal to the RPC
// call's stub data, so the ratio is the cost of the RPC protocol and runtime.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "echo_interface.h"
#include "nca/net/loop.h"
#include "nca/net/stream.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/cn/loop_executor.h"
#include "nca/rpc/cn/server.h"

using namespace nca;
using Clock = std::chrono::steady_clock;

namespace {

// ---- raw ping-pong server: [u32 request length][u32 response length][request bytes] -> response
struct RawConn : std::enable_shared_from_this<RawConn> {
  std::unique_ptr<net::Stream> s;
  uint8_t head[8];
  std::vector<uint8_t> body, reply;
  void start() {
    auto self = shared_from_this();
    (void)s->read({head, 8}, [self](net::Status st) {
      if (!st.ok()) return;
      uint32_t req, resp;
      std::memcpy(&req, self->head, 4);
      std::memcpy(&resp, self->head + 4, 4);
      self->body.resize(req);
      if (self->reply.size() != resp) self->reply.assign(resp, 0x5a);
      auto after_body = [self](net::Status st2) {
        if (!st2.ok()) return;
        (void)self->s->write({self->reply.data(), self->reply.size()}, [self](net::Status st3) {
          if (st3.ok()) self->start();
        });
      };
      if (req) (void)self->s->read({self->body.data(), req}, after_body);
      else after_body(net::Status());
    });
  }
};

struct ServerThread {
  std::thread thread;
  net::Loop* loop = nullptr;
  uint16_t rpc_port = 0, raw_port = 0;
  std::atomic<bool> ready{false};
  uint16_t max_frag;

  explicit ServerThread(uint16_t frag) : max_frag(frag) {
    thread = std::thread([this] { run(); });
    while (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void run() {
    net::Loop l;
    loop = &l;
    rpc::cn::LoopExecutor ex(l);
    rpc::ServerCore core;
    cntest::EchoImpl impl;
    impl.executor = &ex;
    cntest::register_echo(core, impl);
    rpc::cn::ServerConfig cfg;
    cfg.max_frag = max_frag;
    auto server = std::make_unique<rpc::cn::Server>(l, core, cfg);
    auto any = net::Address::inet("ipv4", "127.0.0.1", 0).value();
    rpc_port = server->listen_tcp(any).value().port();
    std::vector<std::shared_ptr<RawConn>> raws;
    auto raw_listener = net::tcp_listen(l, any, [&raws](net::Status st, std::unique_ptr<net::Stream> s) {
      if (!st.ok()) return;
      auto c = std::make_shared<RawConn>();
      c->s = std::move(s);
      raws.push_back(c);
      c->start();
    });
    raw_port = (*raw_listener)->local_address().port();
    l.keep_alive(true);
    ready = true;
    l.run();
    raw_listener->reset();
    for (auto& c : raws) c->s.reset();
    raws.clear();
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

double run_rpc(const Case& c, int clients, double seconds, uint16_t port, uint16_t max_frag) {
  net::Loop loop;
  rpc::cn::LoopExecutor ex(loop);
  auto binding = rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[" + std::to_string(port) + "]").value();
  rpc::cn::ClientConfig cfg;
  cfg.max_frag = max_frag;
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
  auto start = Clock::now();
  end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  measuring = true;
  for (auto& h : hs) issue(*h);
  loop.run_until([&] { return stopping; });
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
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
  return double(done) / secs;
}

double run_raw(const Case& c, int clients, double seconds, uint16_t port) {
  net::Loop loop;
  auto [req, resp] = stub_sizes(c);
  struct Client {
    std::unique_ptr<net::Stream> s;
    std::vector<uint8_t> out, in;
  };
  std::vector<std::unique_ptr<Client>> cs;
  auto addr = net::Address::inet("ipv4", "127.0.0.1", port).value();
  for (int i = 0; i < clients; ++i) {
    auto c2 = std::make_unique<Client>();
    bool ok = false;
    (void)net::tcp_connect(loop, addr, [&](net::Status st, std::unique_ptr<net::Stream> s) {
      if (st.ok()) c2->s = std::move(s);
      ok = true;
    });
    loop.run_until([&] { return ok; });
    c2->out.assign(8 + req, 0x33);
    std::memcpy(c2->out.data(), &req, 4);
    std::memcpy(c2->out.data() + 4, &resp, 4);
    c2->in.resize(resp);
    cs.push_back(std::move(c2));
  }
  uint64_t done = 0;
  bool stopping = false;
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::function<void(Client&)> issue = [&](Client& c2) {
    (void)c2.s->write({c2.out.data(), c2.out.size()}, [&, cp = &c2](net::Status st) {
      if (!st.ok()) return;
      (void)cp->s->read({cp->in.data(), cp->in.size()}, [&, cp](net::Status st2) {
        if (!st2.ok()) return;
        ++done;
        if (Clock::now() >= end) stopping = true;
        if (!stopping) issue(*cp);
      });
    });
  };
  for (auto& c2 : cs) issue(*c2);
  loop.run_until([&] { return stopping; });
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& c2 : cs) c2->s.reset();
  loop.run();
  (void)loop.close();
  return double(done) / secs;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  uint16_t max_frag = argc > 2 ? uint16_t(std::atoi(argv[2])) : 65535;
  ServerThread server(max_frag);
  const Case cases[] = {{"AddOne", 0, 0},
                        {"EchoData 1KiB", 1, 1024},
                        {"EchoData 64KiB", 1, 64 * 1024},
                        {"EchoData 1MiB", 1, 1024 * 1024}};
  std::printf("ncacn_ip_tcp loopback, max_frag %u, %.1f s per case\n", max_frag, seconds);
  std::printf("%-16s %8s %14s %14s %8s %8s\n", "case", "clients", "rpc calls/s", "raw calls/s",
              "ratio", "target");
  for (const Case& c : cases) {
    for (int clients : {1, 64}) {
      double raw = run_raw(c, clients, seconds, server.raw_port);
      double rpc = run_rpc(c, clients, seconds, server.rpc_port, max_frag);
      double target = c.payload >= 64 * 1024 ? 0.80 : 0.85;
      std::printf("%-16s %8d %14.0f %14.0f %7.1f%% %7.0f%%\n", c.name, clients, rpc, raw,
                  100.0 * rpc / raw, target * 100);
      std::fflush(stdout);
    }
  }
  return 0;
}
