// ncaecho-server: the rpcecho server (ncaecho::EchoService on the generated rpcecho::Service).
//
// With `--listen BINDING...` it serves rpcecho over the connection-oriented engine
// (nca::rpc::cn::Server + ServerCore) on every binding given: ncacn_ip_tcp (IPv4 or IPv6; port 0
// or none: the kernel picks one) and ncalrpc (a unix socket in --ncalrpc-dir). It prints each
// binding it listens on as a string binding, one per line (with the chosen port), and serves
// (ncadg_ip_udp bindings over the datagram engine, nca::rpc::dg::Server, on the first thread)
// until SIGINT or SIGTERM. With `--epm BINDING` it first registers its IPv4 and ncalrpc
// endpoints with the endpoint mapper there (nca::epm::Registration: ept_insert, over a
// connection it keeps open) and deregisters them (ept_delete) when it stops. Without --listen it lists the interface and, with
// --self-test, answers one loopback call of every operation in process. Every server also
// serves the management interface (built into nca::rpc::cn::Server).
//
// Authenticated binds: NTLMSSP (nca::rpc::auth::ntlmssp_provider) at every level, with the
// accounts gss-ntlmssp reads from the file named by the environment variable NTLM_USER_FILE
// (DOMAIN:USER:PASSWORD lines); without it an NTLMSSP bind is refused.
//
// With `--threads N` (default 1, 0: one per core) it serves on N threads, each with its own
// loop, ServerCore, EchoService and Server (nca::rpc::cn::ServerPool): the TCP listeners share
// their port (SO_REUSEPORT), ncalrpc is served by the first thread only; the bindings are
// printed once, and at exit the connections each thread served, on stderr.
//
// usage: ncaecho-server [--ncalrpc-dir DIR] [--max-frag N] [--threads N] [--epm BINDING] --listen BINDING...
//        ncaecho-server [--self-test]
// exit status: 0 stopped by a signal (or self-test passed), 1 cannot listen / self-test failed,
// 2 usage
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <future>
#include <thread>
#include <memory>
#include <optional>
#include <string_view>
#include <iostream>
#include <string>
#include <vector>

#include "echo_calls.h"
#include "echo_service.h"
#include "in_process.h"
#include "nca/epm/mapper_binding.h"
#include "nca/epm/registration.h"
#include "nca/net/loop.h"
#include "nca/net/signal_watch.h"
#include "nca/rpc/auth/gssapi.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/cn/server.h"
#include "nca/rpc/cn/server_pool.h"
#include "nca/rpc/dg/server.h"
#include "nca/rpc/in_process_handle.h"
#include "nca/rpc/loop_executor.h"
#include "server_tool.h"

namespace {

const char kUsage[] = R"(usage: ncaecho-server [--ncalrpc-dir DIR] [--max-frag N] [--threads N] [--epm BINDING] --listen BINDING...
       ncaecho-server [--self-test]

  --listen BINDING...  serve rpcecho on each binding, e.g. ncacn_ip_tcp:127.0.0.1[5000],
                       ncacn_ip_tcp:[::1][0] (port 0: the kernel picks), ncalrpc:[echo],
                       ncadg_ip_udp:127.0.0.1[0] (datagrams, on the first thread);
                       prints the bindings listened on, one per line, until SIGINT/SIGTERM
  --epm BINDING        register with the endpoint mapper at BINDING (e.g. ncacn_ip_tcp:127.0.0.2,
                       port 135 when none is given; ncalrpc:[EPMAPPER]) before printing the
                       bindings; deregister on SIGINT/SIGTERM
  --ncalrpc-dir DIR    directory of ncalrpc sockets (default /tmp)
  --max-frag N         largest fragment (1432-65535, default 5840)
  --threads N          serve on N threads, one event loop each (default 1; 0: one per core):
                       TCP listeners share their port (SO_REUSEPORT), ncalrpc is served by the
                       first thread, association groups span threads, context handles do not
  --self-test          without --listen: one in-process call of every operation
)";

int serve(const std::vector<std::string>& texts, nca::rpc::cn::ServerConfig config,
          const std::optional<std::string>& epm, size_t threads) {
  using namespace nca;
  std::vector<rpc::Binding> bindings;
  std::string error;
  if (!tools::parse_listen_all(texts, bindings, error)) {
    std::cerr << "ncaecho-server: " << error << '\n';
    return 2;
  }

  // ncadg_ip_udp bindings go to a datagram server (nca::rpc::dg::Server) on thread 0's loop and
  // core; the others to the connection-oriented pool.
  std::vector<rpc::Binding> dg_bindings;
  for (auto it = bindings.begin(); it != bindings.end();) {
    if (it->protseq() == rpc::Protseq::kNcadgIpUdp) {
      dg_bindings.push_back(*it);
      it = bindings.erase(it);
    } else {
      ++it;
    }
  }

  // The serving threads: each its own loop, ServerCore, EchoService and Server (ServerPool);
  // this thread keeps a loop of its own for the signals and the endpoint mapper's connection.
  rpc::cn::ServerPoolConfig pool_config;
  pool_config.threads = threads;
  pool_config.server = config;
  rpc::cn::ServerPool pool(pool_config, [](rpc::cn::ServerPool::Thread& t) {
    auto service = std::make_shared<ncaecho::EchoService>(t.executor);
    t.state = service;
    if (t.core.register_interface(rpcecho::server_interface(*service))) return true;
    std::cerr << "ncaecho-server: cannot register rpcecho\n";
    return false;
  });
  auto bound = pool.start(bindings);
  if (!bound) {
    std::cerr << "ncaecho-server: cannot listen: " << bound.status().message() << '\n';
    return 1;
  }
  std::vector<tools::Listening> listening;
  std::vector<rpc::Binding> reach;
  for (size_t i = 0; i < bindings.size(); ++i) {
    listening.push_back(tools::reachable(bindings[i], (*bound)[i]));
    reach.push_back(listening.back().binding);
  }
  // The datagram server lives on thread 0 (made, used and destroyed there).
  std::unique_ptr<rpc::dg::Server> dg_server;
  if (!dg_bindings.empty()) {
    std::promise<std::string> started;
    pool.post(0, [&](rpc::cn::ServerPool::Thread& t) {
      dg_server = std::make_unique<rpc::dg::Server>(t.loop, t.core);
      for (const auto& b : dg_bindings) {
        auto a = dg_server->listen(b);
        if (!a) return started.set_value(b.to_string() + ": " + a.status().message());
        listening.push_back(tools::reachable(b, *a));
        reach.push_back(listening.back().binding);
      }
      started.set_value("");
    });
    if (std::string e = started.get_future().get(); !e.empty()) {
      std::cerr << "ncaecho-server: cannot listen: " << e << '\n';
      pool.post(0, [&](rpc::cn::ServerPool::Thread&) { dg_server.reset(); });
      pool.close();
      (void)pool.join();
      return 1;
    }
  }

  net::Loop loop;
  rpc::LoopExecutor executor(loop);
  // --epm: register rpcecho at every IPv4 and ncalrpc listener with the endpoint mapper, over a
  // connection kept open while serving (nca/epm/registration.h); deregister on stop.
  std::unique_ptr<epm::Registration> registration;
  if (epm) {
    auto at = rpc::Binding::parse(*epm);
    if (!at) {
      std::cerr << "ncaecho-server: --epm " << *epm << ": " << at.error().to_string() << '\n';
      return 2;
    }
    rpc::Binding mb = epm::mapper_binding(at.value());
    rpc::cn::ClientConfig cc;
    cc.ncalrpc_dir = config.ncalrpc_dir;
    // The registration calls are this server's calls out (mgmt inq_stats), counted on thread 0's
    // core, which lives until the pool is closed, after the mapper connection is gone.
    std::promise<rpc::CallStats*> stats;
    pool.post(0, [&stats](rpc::cn::ServerPool::Thread& t) { stats.set_value(&t.core.stats()); });
    cc.stats = stats.get_future().get();
    rpc::CallOptions epm_call;
    epm_call.timeout = std::chrono::seconds(10);
    registration = std::make_unique<epm::Registration>(
        executor, std::make_unique<rpc::cn::ClientHandle>(executor, mb, cc),
        epm::server_entries(reach, rpcecho::kInterface.id, "ncaecho-server"), epm_call);
    std::optional<rpc::Status> inserted;
    registration->insert([&](rpc::Status st) { inserted.emplace(std::move(st)); });
    loop.run_until([&] { return inserted.has_value(); });
    if (!inserted || !inserted->ok()) {
      std::cerr << "ncaecho-server: cannot register with the endpoint mapper at " << mb.to_string() << ": "
                << (inserted ? rpc::to_string(*inserted) : std::string("no answer")) << '\n';
      return 1;
    }
  }
  // SIGINT / SIGTERM: deregister, then (once this loop has nothing left) close every thread's
  // Server and wait for them; each thread's loop finishes its disconnects and pending TestSleep
  // timers (a few seconds at most) before it ends.
  net::SignalWatch stop(loop, {SIGINT, SIGTERM}, [&] {
    if (!registration) return;
    registration->remove([](rpc::Status st) {
      if (!st.ok()) std::cerr << "ncaecho-server: " << rpc::to_string(st) << '\n';
    });
  });
  // Printed once the signals are watched: whoever reads them may stop us at once.
  for (const auto& l : listening) std::cout << l.binding.to_string() << '\n';
  std::cout.flush();
  loop.run();
  if (pool.size() > 1) {
    // Where the kernel sent the connections (SO_REUSEPORT hashes the 4-tuple), for whoever
    // watches the load: one count per thread.
    std::cerr << "ncaecho-server: connections per thread:";
    for (size_t i = 0; i < pool.size(); ++i) {
      std::promise<uint64_t> n;
      pool.post(i, [&n](rpc::cn::ServerPool::Thread& t) { n.set_value(t.server->connections_accepted()); });
      std::cerr << ' ' << n.get_future().get();
    }
    std::cerr << '\n';
  }
  if (dg_server) {
    std::promise<void> gone;
    pool.post(0, [&](rpc::cn::ServerPool::Thread&) {
      dg_server.reset();
      gone.set_value();
    });
    gone.get_future().get();
  }
  pool.close();
  if (net::Status st = pool.join(); !st) {
    std::cerr << "ncaecho-server: a serving thread did not close cleanly: " << st.message() << '\n';
    return 1;
  }
  return 0;
}

int self_test(bool run_calls) {
  nca::rpc::ManualExecutor executor;
  nca::rpc::ServerCore server;
  ncaecho::EchoService service(executor);
  if (!server.register_interface(rpcecho::server_interface(service))) {
    std::cerr << "ncaecho-server: cannot register rpcecho\n";
    return 1;
  }
  const auto& spec = rpcecho::kInterface;
  std::cout << "ncaecho-server: serving " << spec.name << ' ' << nca::rpc::to_string(spec.id) << ", "
            << spec.operations.size() << " operations, in process\n";
  for (const auto& op : spec.operations) std::cout << "  " << op.opnum << ' ' << op.name << '\n';
  if (!run_calls) return 0;
  nca::rpc::LoopbackHandle handle(executor, server);
  auto drive = ncaecho::drive(executor, ncaecho::Clock::fake);
  rpcecho::Client client(handle, drive);
  return ncaecho::run_echo_calls(client, drive, std::cout) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  bool run_self_test = false;
  bool listen = false;
  std::vector<std::string> bindings;
  std::optional<std::string> epm;
  nca::rpc::cn::ServerConfig config;
  auto providers = std::make_shared<nca::rpc::auth::Registry>();
  nca::rpc::auth::add_gssapi_providers(*providers);
  config.auth_providers = providers;
  size_t threads = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--version") {
      std::cout << "ncaecho-server " NCA_VERSION "\n";
      return 0;
    } else if (a == "--self-test") {
      run_self_test = true;
    } else if (a == "--listen") {
      listen = true;
    } else if (a == "--ncalrpc-dir" && i + 1 < argc) {
      config.ncalrpc_dir = argv[++i];
    } else if (a == "--epm" && i + 1 < argc) {
      epm = argv[++i];
    } else if (a == "--max-frag" && i + 1 < argc) {
      long n = std::strtol(argv[++i], nullptr, 10);
      if (n < 1432 || n > 65535) {
        std::cerr << "ncaecho-server: --max-frag must be 1432-65535\n";
        return 2;
      }
      config.max_frag = uint16_t(n);
    } else if (a == "--threads" && i + 1 < argc) {
      char* end = nullptr;
      long n = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || n < 0 || n > 1024) {
        std::cerr << "ncaecho-server: --threads must be 0-1024\n";
        return 2;
      }
      threads = size_t(n);
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (listen && !a.starts_with("-")) {
      bindings.push_back(a);
    } else {
      std::cerr << "ncaecho-server: unknown argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (listen && bindings.empty()) {
    std::cerr << "ncaecho-server: --listen needs at least one binding\n" << kUsage;
    return 2;
  }
  if (listen) return serve(bindings, config, epm, threads);
  return self_test(run_self_test);
}
