// ncaecho-client: calls every rpcecho operation through the generated rpcecho::Client and checks
// the answers. Given a BINDING it calls a remote rpcecho server (ours or Samba's) over the
// connection-oriented client (nca::rpc::cn::ClientHandle: ncacn_ip_tcp or ncalrpc) or the
// datagram client (nca::rpc::dg::ClientHandle: ncadg_ip_udp). Without one
// the server runs in this process (ncaecho::EchoService behind a loopback handle, which marshals
// every call both ways as a remote one would, or the local handle).
//
// A BINDING without an endpoint (ncacn_ip_tcp:127.0.0.1) is resolved through the endpoint
// mapper of its host (port 135, or --epm-port): the handle is given nca::epm's resolver.
//
// The binding's words ask for security ([sign], [seal,ntlm]...); --user gives the account.
//
// usage: ncaecho-client [--ncalrpc-dir DIR] [--epm-port N] [--user [DOMAIN\]USER[%PASSWORD]] BINDING
//        ncaecho-client [--local] [--fake-clock]
// exit status: 0 every answer right, 1 some answer wrong, 2 usage
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "echo_calls.h"
#include "echo_service.h"
#include "in_process.h"
#include "nca/epm/cn_client.h"
#include "nca/epm/dg_client.h"
#include "nca/net/loop.h"
#include "nca/rpc/auth/gssapi.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/dg/client.h"
#include "nca/rpc/loop_executor.h"
#include "nca/rpc/in_process_handle.h"

namespace {

const char kUsage[] = R"(usage: ncaecho-client [--ncalrpc-dir DIR | --option='ncalrpc dir=DIR'] [--epm-port N]
                      [--user [DOMAIN\]USER[%PASSWORD]] BINDING
       ncaecho-client [--local] [--fake-clock]

Calls every rpcecho operation and checks the answers.
  BINDING       a remote rpcecho server, e.g. ncacn_ip_tcp:127.0.0.1[5000], ncalrpc:[echo] or
                ncadg_ip_udp:127.0.0.1[5000]; without an endpoint (ncacn_ip_tcp:127.0.0.1,
                ncadg_ip_udp:127.0.0.1) the host's endpoint mapper is asked
  --epm-port N  the endpoint mapper's port for that (default 135)
  --ncalrpc-dir DIR  directory of ncalrpc sockets (default /tmp)
  --option='ncalrpc dir=DIR'  the same, as smbtorture takes it
  --version     print the version
  --user [DOMAIN\]USER[%PASSWORD]  the account security asked for by the binding's words
                ([sign], [seal], [ntlm], [connect]...) authenticates with
Without BINDING, against an rpcecho server in this process:
  --local       call through the local handle (no marshalling) instead of the loopback handle
  --fake-clock  let TestSleep's timers fire at once instead of in real time
)";

int report(int failures) {
  std::cout << (failures ? "ncaecho-client: " + std::to_string(failures) + " wrong answers\n"
                         : std::string("ncaecho-client: all answers right\n"));
  return failures ? 1 : 0;
}

int remote(const std::string& text, nca::rpc::cn::ClientConfig config, uint16_t epm_port) {
  using namespace nca;
  auto binding = rpc::Binding::parse(text);
  if (!binding) {
    std::cerr << "ncaecho-client: " << text << ": " << binding.error().to_string() << '\n';
    return 2;
  }
  net::Loop loop;
  int failures = 0;
  {
    rpc::LoopExecutor executor(loop);
    epm::MapperResolverConfig rc;
    rc.epm_port = epm_port;
    std::unique_ptr<rpc::BindingHandle> handle;
    if (binding.value().protseq() == rpc::Protseq::kNcadgIpUdp) {
      // The datagram engine; without a port, ept_map goes to the mapper over UDP too.
      rpc::dg::ClientConfig dg_config;
      dg_config.resolver = epm::make_dg_resolver(executor, {}, rc);
      handle = std::make_unique<rpc::dg::ClientHandle>(executor, binding.value(), dg_config);
    } else {
      rpc::cn::ClientConfig mapper_client;
      mapper_client.ncalrpc_dir = config.ncalrpc_dir;
      config.resolver = epm::make_cn_resolver(executor, mapper_client, rc);
      handle = std::make_unique<rpc::cn::ClientHandle>(executor, binding.value(), config);
    }
    rpcecho::Client::Drive drive = [&loop](const std::function<bool()>& done) { return loop.run_until(done); };
    rpcecho::Client client(*handle, drive);
    std::cout << "ncaecho-client: rpcecho v" << rpcecho::kInterface.id.major << '.' << rpcecho::kInterface.id.minor
              << " at " << text << '\n';
    failures = ncaecho::run_echo_calls(client, drive, std::cout);
  }
  loop.run();  // finishes the disconnect
  (void)loop.close();
  return report(failures);
}

}  // namespace

int main(int argc, char** argv) {
  bool local = false;
  auto clock = ncaecho::Clock::real;
  std::string binding;
  nca::rpc::cn::ClientConfig config;
  uint16_t epm_port = nca::epm::kMapperPort;
  auto providers = std::make_shared<nca::rpc::auth::Registry>();
  nca::rpc::auth::add_gssapi_providers(*providers);
  config.auth_providers = providers;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--version") {
      std::cout << "ncaecho-client " NCA_VERSION "\n";
      return 0;
    } else if (a == "--option" || a.rfind("--option=", 0) == 0) {
      // smbtorture's --option='ncalrpc dir=DIR' (smb.conf's parameter, its name compared as
      // Samba does: letter case, spaces and underscores ignored).
      std::string opt = a == "--option" ? (i + 1 < argc ? argv[++i] : "") : a.substr(9);
      auto eq = opt.find('=');
      std::string key;
      for (char c : opt.substr(0, eq))
        if (c != ' ' && c != '_') key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (eq == std::string::npos || key != "ncalrpcdir") {
        std::cerr << "ncaecho-client: --option takes 'ncalrpc dir=DIR' only, not '" << opt << "'\n";
        return 2;
      }
      config.ncalrpc_dir = opt.substr(eq + 1);
    } else if (a == "--local") {
      local = true;
    } else if (a == "--fake-clock") {
      clock = ncaecho::Clock::fake;
    } else if (a == "--ncalrpc-dir" && i + 1 < argc) {
      config.ncalrpc_dir = argv[++i];
    } else if (a == "--epm-port" && i + 1 < argc) {
      long n = std::strtol(argv[++i], nullptr, 10);
      if (n < 1 || n > 65535) {
        std::cerr << "ncaecho-client: --epm-port must be 1-65535\n";
        return 2;
      }
      epm_port = uint16_t(n);
    } else if (a == "--user" && i + 1 < argc) {
      std::string u = argv[++i];
      auto& c = config.credentials;
      if (auto pct = u.find('%'); pct != std::string::npos) {
        c.password = u.substr(pct + 1);
        u.resize(pct);
      }
      if (auto slash = u.find('\\'); slash != std::string::npos) {
        c.domain = u.substr(0, slash);
        u.erase(0, slash + 1);
      }
      c.user = u;
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (binding.empty() && !a.starts_with("-")) {
      binding = a;
    } else {
      std::cerr << "ncaecho-client: unknown argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (!binding.empty()) return remote(binding, config, epm_port);

  nca::rpc::ManualExecutor executor;
  nca::rpc::ServerCore server;
  ncaecho::EchoService service(executor);
  server.register_interface(rpcecho::server_interface(service));
  std::unique_ptr<nca::rpc::BindingHandle> handle;
  if (local)
    handle = std::make_unique<nca::rpc::LocalHandle>(executor, server);
  else
    handle = std::make_unique<nca::rpc::LoopbackHandle>(executor, server);

  auto drive = ncaecho::drive(executor, clock);
  rpcecho::Client client(*handle, drive);
  std::cout << "ncaecho-client: rpcecho v" << rpcecho::kInterface.id.major << '.' << rpcecho::kInterface.id.minor
            << " in process, " << (local ? "local handle (no marshalling)" : "loopback handle (NDR both ways)")
            << '\n';
  return report(ncaecho::run_echo_calls(client, drive, std::cout));
}
