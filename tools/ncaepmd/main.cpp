// ncaepmd: the endpoint mapper daemon. Serves epmapper (nca::epm::EpmapperServer over an
// EndpointDatabase) and, like every nca server, mgmt, on ncacn_ip_tcp and ncadg_ip_udp port 135
// and ncalrpc:[EPMAPPER] by default, or on the --listen bindings. Its own endpoints are entries of
// the map (epmapper v3.0, annotation "epmapper"), as in Samba's mapper. Prints each binding it
// listens on, one per line, then serves until SIGINT or SIGTERM.
//
// Registrations are owned by the association they arrived on: when a registrant's connection
// closes (it stopped, or was killed and the kernel closed its socket) its entries are dropped,
// so a dead server's endpoints are never handed out. --keep-network-entries keeps entries
// inserted over ncacn_ip_tcp until ept_delete instead (ncalrpc ones stay owned).
//
// usage: ncaepmd [--listen BINDING...] [--ncalrpc-dir DIR] [--lookup-end auto|windows|samba|deferred]
//                [--keep-network-entries]
// exit status: 0 stopped by a signal, 1 cannot listen, 2 usage
#include <csignal>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "nca/epm/database.h"
#include "nca/epm/epmapper_server.h"
#include "nca/epm/mapper_binding.h"
#include "nca/net/loop.h"
#include "nca/net/signal_watch.h"
#include "nca/rpc/cn/server.h"
#include "nca/rpc/dg/server.h"
#include "server_tool.h"

namespace {

const char kUsage[] = R"(usage: ncaepmd [--listen BINDING...] [--ncalrpc-dir DIR] [--lookup-end auto|windows|samba|deferred]
               [--keep-network-entries]

Serves the endpoint mapper (epmapper v3) and mgmt; its own endpoints are entries of the map.
  --listen BINDING...      listen on each binding (default: ncacn_ip_tcp:0.0.0.0[135]
                           ncadg_ip_udp:0.0.0.0[135] ncalrpc:[EPMAPPER]);
                           e.g. ncacn_ip_tcp:127.0.0.2[135], ncacn_ip_tcp:127.0.0.1[0] (the kernel
                           picks the port), ncacn_ip_tcp:[::1][135]
  --ncalrpc-dir DIR        directory of ncalrpc sockets (default /tmp)
  --lookup-end MODE        how ept_lookup ends: windows (status 0 and a null handle with the last
                           batch), samba (ept_s_not_registered with the last batch), deferred
                           (status 0 with the last batch, ept_s_not_registered on the next call),
                           auto (deferred for clients that send vers_option 0, as Samba's do,
                           windows otherwise; the default)
  --keep-network-entries   entries inserted over ncacn_ip_tcp stay until ept_delete (default: they
                           go when the inserting connection closes)
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace nca;
  std::vector<std::string> bindings;
  bool listen = false;
  rpc::cn::ServerConfig config;
  epm::EpmapperServer::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--version") {
      std::cout << "ncaepmd " NCA_VERSION "\n";
      return 0;
    } else if (a == "--listen") {
      listen = true;
    } else if (a == "--ncalrpc-dir" && i + 1 < argc) {
      config.ncalrpc_dir = argv[++i];
    } else if (a == "--lookup-end" && i + 1 < argc) {
      std::string m = argv[++i];
      if (m == "auto") options.service.lookup_end = epm::LookupEnd::kAuto;
      else if (m == "windows") options.service.lookup_end = epm::LookupEnd::kWindows;
      else if (m == "samba") options.service.lookup_end = epm::LookupEnd::kSamba;
      else if (m == "deferred") options.service.lookup_end = epm::LookupEnd::kDeferred;
      else {
        std::cerr << "ncaepmd: --lookup-end takes auto, windows, samba or deferred\n";
        return 2;
      }
    } else if (a == "--keep-network-entries") {
      options.own_by_association = false;
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (listen && !a.starts_with("-")) {
      bindings.push_back(a);
    } else {
      std::cerr << "ncaepmd: unknown argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (listen && bindings.empty()) {
    std::cerr << "ncaepmd: --listen needs at least one binding\n" << kUsage;
    return 2;
  }
  if (!listen) {
    // The well-known endpoints: port 135 on every IPv4 address, ncalrpc:[EPMAPPER].
    rpc::Binding tcp, udp, lrpc;
    tcp.set_protseq(rpc::Protseq::kNcacnIpTcp).set_host("0.0.0.0");
    udp.set_protseq(rpc::Protseq::kNcadgIpUdp).set_host("0.0.0.0");
    lrpc.set_protseq(rpc::Protseq::kNcalrpc);
    bindings = {epm::mapper_binding(tcp).to_string(), epm::mapper_binding(udp).to_string(),
                epm::mapper_binding(lrpc).to_string()};
  }

  net::Loop loop;
  rpc::ServerCore core;
  epm::EndpointDatabase db;
  rpc::cn::Server server(loop, core, config);
  rpc::dg::Server dg_server(loop, core);  // ncadg_ip_udp bindings (mgmt is the cn Server's)
  std::vector<tools::Listening> listening;
  std::string error;
  bool usage = false;
  // In the order given, so that what is printed lines up with the arguments.
  for (const auto& text : bindings) {
    auto b = rpc::Binding::parse_listen(text);
    if (b && b.value().protseq() == rpc::Protseq::kNcadgIpUdp) {
      auto a = dg_server.listen(b.value());
      if (!a) {
        std::cerr << "ncaepmd: " << text << ": " << a.status().message() << '\n';
        return 1;
      }
      listening.push_back(tools::reachable(b.value(), *a));
    } else if (!tools::listen_all(server, {text}, listening, error, usage)) {
      std::cerr << "ncaepmd: " << error << '\n';
      return usage ? 2 : 1;
    }
  }
  // Towers registered at 0.0.0.0 are handed out with the first specific IPv4 address listened on.
  for (const auto& l : listening)
    if (auto ip = epm::Ipv4Floor::parse(l.binding.host()); ip && ip->address != std::array<uint8_t, 4>{}) {
      options.map_context.local_ip = *ip;
      break;
    }
  epm::EpmapperServer mapper(core, db, options);
  // The mapper lists and maps its own endpoints, as Samba's does.
  std::vector<rpc::Binding> own;
  for (const auto& l : listening) own.push_back(l.binding);
  if (uint32_t st = db.insert_own_endpoints(own); st != epm::kEptOk) {
    std::cerr << "ncaepmd: cannot register its own endpoints (status 0x" << std::hex << st << ")\n";
    return 1;
  }
  for (const auto& l : listening) std::cout << l.binding.to_string() << '\n';
  std::cout.flush();

  net::SignalWatch stop(loop, {SIGINT, SIGTERM}, [&] {
    server.close();
    dg_server.close();
  });
  loop.run();
  return 0;
}
