// ServerPool: one endpoint served by several threads, each with its own loop and Server, sharing
// one TCP port (SO_REUSEPORT) and the association groups.
#include <unistd.h>

#include <array>
#include <future>
#include <string>

#include "cn_fixture.h"
#include "nca/rpc/cn/server_pool.h"

using namespace cntest;
using namespace nca;

namespace {

// The pool's threads, each serving the echo interfaces from its own EchoImpl (owned by the test so
// that its counters can be read after join()).
struct Pool {
  explicit Pool(size_t threads, rpc::cn::ServerConfig server = {}) : impls(threads) {
    rpc::cn::ServerPoolConfig config;
    config.threads = threads;
    config.server = std::move(server);
    groups = config.server.groups = std::make_shared<rpc::cn::AssociationGroups>();
    pool = std::make_unique<rpc::cn::ServerPool>(config, [this](rpc::cn::ServerPool::Thread& t) {
      EchoImpl& impl = impls[t.index];
      impl.executor = &t.executor;
      impl.sleep_unit_ms = 20;
      register_echo(t.core, impl);
      return !fail_setup_on || *fail_setup_on != t.index;
    });
  }

  // Each thread's Server::connections_accepted(), read on its thread.
  std::vector<uint64_t> accepted() {
    std::vector<uint64_t> out;
    for (size_t i = 0; i < pool->size(); ++i) {
      std::promise<uint64_t> p;
      auto f = p.get_future();
      pool->post(i, [&p](rpc::cn::ServerPool::Thread& t) { p.set_value(t.server->connections_accepted()); });
      out.push_back(f.get());
    }
    return out;
  }

  std::vector<EchoImpl> impls;
  std::optional<size_t> fail_setup_on;
  std::shared_ptr<rpc::cn::AssociationGroups> groups;
  std::unique_ptr<rpc::cn::ServerPool> pool;
};

// The index of the one thread whose count went up by one between `before` and `after`.
std::optional<size_t> landed_on(const std::vector<uint64_t>& before, const std::vector<uint64_t>& after) {
  std::optional<size_t> which;
  for (size_t i = 0; i < before.size(); ++i) {
    if (after[i] == before[i] + 1 && !which) which = i;
    else if (after[i] != before[i]) return std::nullopt;
  }
  return which;
}

}  // namespace

TEST_CASE("cn_server_pool_two_threads_share_one_port_and_groups", "[cn]") {
  Pool p(2);
  std::string lrpc = "nca-pool-" + std::to_string(::getpid());
  auto bound = p.pool->start({rpc::Binding::parse_listen("ncacn_ip_tcp:127.0.0.1[0]").value(),
                              rpc::Binding::parse_listen("ncalrpc:[" + lrpc + "]").value()});
  REQUIRE(bound.ok());
  REQUIRE(bound->size() == 2);
  uint16_t port = (*bound)[0].port();
  REQUIRE(port != 0);
  auto tcp = rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[" + std::to_string(port) + "]").value();

  net::Loop loop;
  {
    rpc::LoopExecutor executor(loop);
    auto call = [&](rpc::cn::ClientHandle& h, uint16_t opnum, Bytes in) {
      std::optional<rpc::Result<Bytes>> r;
      h.call_raw(rpcecho_spec(), opnum, std::move(in), {}, [&](rpc::Result<Bytes> x) { r.emplace(std::move(x)); });
      REQUIRE(loop.run_until([&] { return r.has_value(); }, 20000));
      return std::move(*r);
    };

    // 64 connections at once, each with one call: all answered, by both threads.
    constexpr int kClients = 64;
    std::vector<std::unique_ptr<rpc::cn::ClientHandle>> clients;
    int ok = 0, done = 0;
    for (int i = 0; i < kClients; ++i) {
      clients.push_back(std::make_unique<rpc::cn::ClientHandle>(executor, tcp));
      clients.back()->call_raw(rpcecho_spec(), 0, addone_in(uint32_t(i)), {}, [&, i](rpc::Result<Bytes> r) {
        ++done;
        if (r.ok() && read_u32(*r) == uint32_t(i) + 1) ++ok;
      });
    }
    REQUIRE(loop.run_until([&] { return done == kClients; }, 30000));
    CHECK(ok == kClients);
    auto counts = p.accepted();
    INFO("connections per thread: " << counts[0] << ", " << counts[1]);
    CHECK(counts[0] + counts[1] == uint64_t(kClients));
    CHECK(counts[0] > 0);
    CHECK(counts[1] > 0);
    clients.clear();

    // A group created by a connection on one thread, joined by a connection that lands on the
    // other: new connections join until one does (the kernel's hash picks the thread).
    auto before = p.accepted();
    rpc::cn::ClientHandle first(executor, tcp);
    REQUIRE(call(first, 0, addone_in(1)).ok());
    auto home = landed_on(before, p.accepted());
    REQUIRE(home);
    uint32_t group = first.assoc_group_id();
    REQUIRE(group != 0);
    std::unique_ptr<rpc::cn::ClientHandle> away;
    for (int attempt = 0; attempt < 64 && !away; ++attempt) {
      rpc::cn::ClientConfig join;
      join.assoc_group_id = group;
      before = p.accepted();
      auto h = std::make_unique<rpc::cn::ClientHandle>(executor, tcp, join);
      auto r = call(*h, 0, addone_in(2));
      REQUIRE(r.ok());
      CHECK(read_u32(*r) == 3u);
      CHECK(h->assoc_group_id() == group);
      auto there = landed_on(before, p.accepted());
      REQUIRE(there);
      if (*there != *home) away = std::move(h);
    }
    REQUIRE(away);
    CHECK(p.groups->size() == 1);
    // Both connections of the group call at once (smbtorture's TestSleep pattern).
    int slept = 0;
    for (auto* h : {&first, away.get()})
      h->call_raw(rpcecho_spec(), 6, sleep_in(2), {}, [&](rpc::Result<Bytes> r) {
        CHECK(r.ok());
        ++slept;
      });
    REQUIRE(loop.run_until([&] { return slept == 2; }, 20000));
    first.disconnect();
    CHECK(call(*away, 0, addone_in(5)).ok());
    away.reset();

    // ncalrpc: served by thread 0 only.
    before = p.accepted();
    auto local = rpc::Binding::parse("ncalrpc:[" + lrpc + "]").value();
    rpc::cn::ClientConfig cc;
    cc.ncalrpc_dir = "/tmp";
    rpc::cn::ClientHandle lh(executor, local, cc);
    CHECK(call(lh, 0, addone_in(7)).ok());
    CHECK(landed_on(before, p.accepted()) == std::optional<size_t>(0));
  }
  loop.run();
  CHECK(loop.close().ok());

  p.pool->close();
  CHECK(p.pool->join().ok());  // every thread's loop closed with nothing left open
  CHECK(p.groups->size() == 0);
  CHECK(p.impls[0].calls > 0);
  CHECK(p.impls[1].calls > 0);
  CHECK(p.impls[0].sleeping == 0);
  CHECK(p.impls[1].sleeping == 0);
  CHECK(::access(("/tmp/" + lrpc).c_str(), F_OK) != 0);  // the ncalrpc socket is gone
}

TEST_CASE("cn_server_pool_start_fails_cleanly", "[cn]") {
  SECTION("a setup callback refuses") {
    Pool p(3);
    p.fail_setup_on = 2;
    auto r = p.pool->start({rpc::Binding::parse_listen("ncacn_ip_tcp:127.0.0.1[0]").value()});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status() == net::Errc::invalid_argument);
    CHECK(p.pool->join().ok());
  }
  SECTION("the port is held by a listener without SO_REUSEPORT") {
    net::Loop loop;
    {
      auto held = net::tcp_listen(loop, net::Address::inet("ipv4", "127.0.0.1", 0).value(),
                                  [](net::Status, std::unique_ptr<net::Stream>) {});
      REQUIRE(held.ok());
      uint16_t port = held.value()->local_address().port();
      Pool p(2);
      auto r = p.pool->start(
          {rpc::Binding::parse_listen("ncacn_ip_tcp:127.0.0.1[" + std::to_string(port) + "]").value()});
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().sys_code() == UV_EADDRINUSE);
      CHECK(p.pool->join().ok());
    }
    loop.run();
    CHECK(loop.close().ok());
  }
}
