// ncaecho-server: the rpcecho server (ncaecho::EchoService on the generated rpcecho::Service).
//
// With `--listen BINDING...` it serves rpcecho over the connection-oriented engine
// (nca::rpc::cn::Server + ServerCore) on every binding given: ncacn_ip_tcp (IPv4 or IPv6; port 0
// or none: the kernel picks one) and ncalrpc (a unix socket in --ncalrpc-dir). It prints each
// binding it listens on as a string binding, one per line (with the chosen port), and serves
// until SIGINT or SIGTERM. Without --listen it lists the interface and, with --self-test,
// answers one loopback call of every operation in process.
//
// usage: ncaecho-server [--ncalrpc-dir DIR] [--max-frag N] --listen BINDING...
//        ncaecho-server [--self-test]
// exit status: 0 stopped by a signal (or self-test passed), 1 cannot listen / self-test failed,
// 2 usage
#include <signal.h>
#include <uv.h>

#include <charconv>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <iostream>
#include <string>
#include <vector>

#include "echo_calls.h"
#include "echo_service.h"
#include "in_process.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/loop_executor.h"
#include "nca/rpc/cn/server.h"
#include "nca/rpc/in_process_handle.h"

namespace {

const char kUsage[] = R"(usage: ncaecho-server [--ncalrpc-dir DIR] [--max-frag N] --listen BINDING...
       ncaecho-server [--self-test]

  --listen BINDING...  serve rpcecho on each binding, e.g. ncacn_ip_tcp:127.0.0.1[5000],
                       ncacn_ip_tcp:[::1][0] (port 0: the kernel picks), ncalrpc:[echo];
                       prints the bindings listened on, one per line, until SIGINT/SIGTERM
  --ncalrpc-dir DIR    directory of ncalrpc sockets (default /tmp)
  --max-frag N         largest fragment (1432-65535, default 5840)
  --self-test          without --listen: one in-process call of every operation
)";

// The string binding a client uses to reach `bound` (the listener's address, with the port the
// kernel chose), keeping the protseq and endpoint name of what was asked for.
std::string reachable_binding(const nca::rpc::Binding& asked, const nca::net::Address& bound) {
  nca::rpc::Binding b;
  b.set_protseq(asked.protseq());
  if (bound.is_inet()) {
    b.set_host(bound.ip()).set_endpoint(std::to_string(bound.port()));
  } else {
    b.set_endpoint(asked.endpoint());
  }
  return b.to_string();
}

// A listen address "ncacn_ip_tcp:HOST[PORT]" where the string-binding parser is stricter than a
// listener needs: port 0 (or none) asks the kernel for one, and an IPv6 HOST may be bracketed
// ("ncacn_ip_tcp:[::1][0]"). Returns nullopt for other forms (left to Binding::parse).
std::optional<nca::net::Result<nca::net::Address>> tcp_listen_address(std::string_view text) {
  constexpr std::string_view kPrefix = "ncacn_ip_tcp:";
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  std::string_view host = text;
  if (text.starts_with('[') && text.find(']') != std::string_view::npos &&
      text.substr(1, text.find(']') - 1).find(':') != std::string_view::npos) {
    host = text.substr(1, text.find(']') - 1);  // a bracketed IPv6 literal
    text.remove_prefix(text.find(']') + 1);
  } else {
    host = text.substr(0, text.find('['));
    text.remove_prefix(host.size());
  }
  unsigned port = 0;
  if (!text.empty()) {
    if (!text.starts_with('[') || !text.ends_with(']')) return std::nullopt;
    std::string_view ep = text.substr(1, text.size() - 2);
    if (!ep.empty()) {
      auto [end, ec] = std::from_chars(ep.data(), ep.data() + ep.size(), port);
      if (ec != std::errc() || end != ep.data() + ep.size() || port > 65535) return std::nullopt;
    }
  }
  if (port != 0) return std::nullopt;  // an ordinary binding: Binding::parse takes it
  return nca::net::Address::inet("ip", host.empty() ? "0.0.0.0" : host, 0);
}

int serve(const std::vector<std::string>& bindings, nca::rpc::cn::ServerConfig config) {
  using namespace nca;
  net::Loop loop;
  rpc::cn::LoopExecutor executor(loop);
  rpc::ServerCore core;
  ncaecho::EchoService service(executor);
  if (!core.register_interface(rpcecho::server_interface(service))) {
    std::cerr << "ncaecho-server: cannot register rpcecho\n";
    return 1;
  }
  rpc::cn::Server server(loop, core, config);
  for (const auto& text : bindings) {
    rpc::Binding asked;
    net::Result<net::Address> bound = net::Address{};
    if (auto tcp = tcp_listen_address(text)) {
      if (!*tcp) {
        std::cerr << "ncaecho-server: " << text << ": " << tcp->status().message() << '\n';
        return 2;
      }
      asked.set_protseq(rpc::Protseq::kNcacnIpTcp);
      bound = server.listen_tcp(**tcp);
    } else {
      auto parsed = rpc::Binding::parse(text);
      if (!parsed) {
        std::cerr << "ncaecho-server: " << text << ": " << parsed.error().to_string() << '\n';
        return 2;
      }
      asked = parsed.value();
      bound = server.listen(asked);
    }
    if (!bound) {
      std::cerr << "ncaecho-server: cannot listen on " << text << ": " << bound.status().message() << '\n';
      return 1;
    }
    std::cout << reachable_binding(asked, *bound) << '\n';
  }
  std::cout.flush();

  // SIGINT / SIGTERM: stop listening, disconnect, let the loop finish (pending TestSleep timers
  // still fire into the closed server, harmlessly, within their few seconds).
  struct Stopper {
    rpc::cn::Server* server;
    uv_signal_t signals[2];
  } stopper{&server, {}};
  const int kSignals[2] = {SIGINT, SIGTERM};
  for (int i = 0; i < 2; ++i) {
    uv_signal_init(loop.uv(), &stopper.signals[i]);
    stopper.signals[i].data = &stopper;
    uv_signal_start(&stopper.signals[i], [](uv_signal_t* h, int) {
      auto* s = static_cast<Stopper*>(h->data);
      s->server->close();
      for (auto& sig : s->signals) {
        uv_signal_stop(&sig);
        uv_close(reinterpret_cast<uv_handle_t*>(&sig), nullptr);
      }
    }, kSignals[i]);
  }
  loop.run();
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
  nca::rpc::cn::ServerConfig config;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--self-test") {
      run_self_test = true;
    } else if (a == "--listen") {
      listen = true;
    } else if (a == "--ncalrpc-dir" && i + 1 < argc) {
      config.ncalrpc_dir = argv[++i];
    } else if (a == "--max-frag" && i + 1 < argc) {
      long n = std::strtol(argv[++i], nullptr, 10);
      if (n < 1432 || n > 65535) {
        std::cerr << "ncaecho-server: --max-frag must be 1432-65535\n";
        return 2;
      }
      config.max_frag = uint16_t(n);
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
  if (listen) return serve(bindings, config);
  return self_test(run_self_test);
}
