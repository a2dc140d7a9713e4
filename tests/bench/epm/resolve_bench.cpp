// The cost of endpoint resolution for a client, each against a baseline measured in the same
// run: N fresh connections that each make one mgmt inq_if_ids call to a cn::Server on loopback,
//  - baseline: the binding names the port (ncacn_ip_tcp:127.0.0.1[PORT]);
//  - cached: no endpoint, one MapperResolver shared by all handles (one ept_map in total);
//  - uncached: no endpoint, a fresh resolver per handle (an ept_map connection and call each).
// One loop and thread holds the mapper, the target and the clients.
//   usage: resolve_bench [connections]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>

#include "mgmt_client.h"
#include "nca/epm/cn_client.h"
#include "nca/epm/database.h"
#include "nca/epm/epm_client.h"
#include "nca/epm/epmapper_server.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/cn/server.h"

using namespace nca;

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 300;
  net::Loop loop;
  {
    rpc::LoopExecutor ex(loop);
    auto local = *net::Address::inet("ipv4", "127.0.0.1", 0);
    rpc::ServerCore mapper_core, target_core;
    epm::EndpointDatabase db;
    epm::EpmapperServer mapper(mapper_core, db);
    rpc::cn::Server mapper_server(loop, mapper_core), target(loop, target_core);
    uint16_t mapper_port = mapper_server.listen_tcp(local)->port();
    uint16_t target_port = target.listen_tcp(local)->port();
    auto at = [](uint16_t port) {
      rpc::Binding b;
      b.set_protseq(rpc::Protseq::kNcacnIpTcp).set_host("127.0.0.1");
      if (port) b.set_endpoint(std::to_string(port));
      return b;
    };
    auto tower = epm::tower_from_binding(at(target_port), mgmt::kInterface.id);
    rpc::cn::ClientHandle registrant(ex, at(mapper_port));
    bool inserted = false;
    epm::insert_entries(registrant, {epm::Entry{{}, tower.value(), "bench"}}, false,
                        [&](rpc::Result<uint32_t> r) { inserted = r && r.value() == 0; });
    loop.run_until([&] { return inserted; });
    if (!inserted) {
      std::fprintf(stderr, "resolve_bench: registration failed\n");
      return 1;
    }
    mgmt::Client::Drive drive = [&loop](const std::function<bool()>& done) { return loop.run_until(done); };
    epm::MapperResolverConfig rc;
    rc.epm_port = mapper_port;
    auto run = [&](uint16_t port, std::function<std::shared_ptr<epm::MapperResolver>()> resolver) {
      auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < n; ++i) {
        rpc::cn::ClientConfig cc;
        cc.resolver = resolver ? resolver() : nullptr;
        rpc::cn::ClientHandle h(ex, at(port), cc);
        mgmt::Client client(h, drive);
        if (!client.mgmt_inq_if_ids()) {
          std::fprintf(stderr, "resolve_bench: call failed\n");
          std::exit(1);
        }
      }
      return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n;
    };
    auto shared = epm::make_cn_resolver(ex, {}, rc);
    double base = run(target_port, nullptr);
    double cached = run(0, [&] { return shared; });
    double uncached = run(0, [&] { return epm::make_cn_resolver(ex, {}, rc); });
    std::printf("connect + bind + 1 call, %d connections:\n", n);
    std::printf("  port given       %8.1f us  1.00x\n", base);
    std::printf("  resolved, cached %8.1f us  %.2fx  (ept_map calls: %llu)\n", cached, cached / base,
                static_cast<unsigned long long>(shared->map_calls()));
    std::printf("  resolved, fresh  %8.1f us  %.2fx\n", uncached, uncached / base);
    mapper_server.close();
    target.close();
  }
  loop.run();
  (void)loop.close();
  return 0;
}
