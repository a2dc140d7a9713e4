// ncaepmdump: everything an endpoint mapper knows, as Impacket's rpcdump and rpcclient's
// epmlookup show it: an ept_lookup walk over every entry (nca::epm::lookup_all), printed as
// text (nca::epm::dump_text) or JSON (nca::epm::dump_json).
//
// With --map UUID VERSION it resolves that interface instead, as a client does for a binding
// without an endpoint (nca::epm::MapperResolver: ept_map), prints the binding, then calls
// mgmt inq_if_ids there and prints the interfaces the server says it serves.
//
// usage: ncaepmdump [--json] [--ncalrpc-dir DIR] BINDING
//        ncaepmdump --map UUID MAJOR.MINOR [--ncalrpc-dir DIR] BINDING
//   BINDING: the mapper, e.g. ncacn_ip_tcp:192.0.2.1 (port 135 when none is given),
//            ncacn_ip_tcp:127.0.0.1[13500], ncalrpc:[EPMAPPER], ncadg_ip_udp:127.0.0.1
// exit status: 0 dumped, 1 the mapper could not be reached or failed, 2 usage
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mgmt_client.h"
#include "nca/epm/cn_client.h"
#include "nca/epm/dg_client.h"
#include "nca/epm/dump.h"
#include "nca/epm/epm_client.h"
#include "nca/epm/mapper_binding.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/dg/client.h"
#include "nca/rpc/loop_executor.h"

namespace {

const char kUsage[] = R"(usage: ncaepmdump [--json] [--ncalrpc-dir DIR] BINDING
       ncaepmdump --map UUID MAJOR.MINOR [--ncalrpc-dir DIR] BINDING

Lists every entry of the endpoint mapper at BINDING (ncacn_ip_tcp:HOST or ncadg_ip_udp:HOST,
port 135 when none is given, or ncalrpc:[EPMAPPER]).
  --json             print JSON instead of rpcdump-style text
  --map UUID M.N     resolve that interface (ept_map) over BINDING's protocol sequence, print
                     the binding, then list what the server there serves (mgmt inq_if_ids)
  --ncalrpc-dir DIR  directory of ncalrpc sockets (default /tmp)
)";

// A handle on the engine that carries `binding`'s protocol sequence: datagrams for
// ncadg_ip_udp, the connection-oriented engine otherwise.
std::unique_ptr<nca::rpc::BindingHandle> make_handle(nca::rpc::LoopExecutor& executor, const nca::rpc::Binding& binding,
                                                     const nca::rpc::cn::ClientConfig& config) {
  if (binding.protseq() == nca::rpc::Protseq::kNcadgIpUdp)
    return std::make_unique<nca::rpc::dg::ClientHandle>(executor, binding);
  return std::make_unique<nca::rpc::cn::ClientHandle>(executor, binding, config);
}

// --map: resolve, then ask the resolved server which interfaces it serves.
int map_and_check(nca::rpc::Binding mapper, const nca::rpc::SyntaxId& iface, nca::rpc::cn::ClientConfig config) {
  using namespace nca;
  net::Loop loop;
  int rc = 0;
  {
    rpc::LoopExecutor executor(loop);
    auto resolver = mapper.protseq() == rpc::Protseq::kNcadgIpUdp
                        ? epm::make_dg_resolver(executor, {}, epm::MapperResolverConfig::at(mapper))
                        : epm::make_cn_resolver(executor, config, epm::MapperResolverConfig::at(mapper));
    rpc::Binding wanted = mapper;
    wanted.set_endpoint(std::nullopt);
    std::optional<rpc::Result<rpc::Binding>> resolved;
    resolver->resolve(wanted, iface, [&](rpc::Result<rpc::Binding> r) { resolved.emplace(std::move(r)); });
    loop.run_until([&] { return resolved.has_value(); });
    if (!resolved || !*resolved) {
      std::cerr << "ncaepmdump: cannot resolve " << rpc::to_string(iface) << ": "
                << (resolved ? rpc::to_string(resolved->error()) : std::string("no answer")) << '\n';
      rc = 1;
    } else {
      std::cout << resolved->value().to_string() << '\n';
      auto handle = make_handle(executor, resolved->value(), config);
      mgmt::Client::Drive drive = [&loop](const std::function<bool()>& done) { return loop.run_until(done); };
      mgmt::Client client(*handle, drive);
      auto ids = client.mgmt_inq_if_ids();
      if (!ids || !ids->if_id_vector) {
        std::cerr << "ncaepmdump: mgmt inq_if_ids at " << resolved->value().to_string() << ": "
                  << (!ids ? rpc::to_string(ids.error()) : std::string("no vector")) << '\n';
        rc = 1;
      } else {
        for (const auto& p : ids->if_id_vector->if_id)
          if (p.id)
            std::cout << "serves " << rpc::to_string(rpc::SyntaxId::from_if_version(p.id->uuid, p.id->if_version))
                      << '\n';
      }
    }
  }
  loop.run();
  (void)loop.close();
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nca;
  bool json = false;
  std::optional<rpc::SyntaxId> map;
  std::optional<std::string> text;
  rpc::cn::ClientConfig config;
  config.offer_ndr64 = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--version") {
      std::cout << "ncaepmdump " NCA_VERSION "\n";
      return 0;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--map" && i + 2 < argc) {
      std::string_view uuid = argv[++i];
      map = rpc::SyntaxId::parse(uuid, argv[++i]);
      if (!map) {
        std::cerr << "ncaepmdump: --map takes a UUID and MAJOR.MINOR\n";
        return 2;
      }
    } else if (a == "--ncalrpc-dir" && i + 1 < argc) {
      config.ncalrpc_dir = argv[++i];
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (!a.starts_with("-") && !text) {
      text = a;
    } else {
      std::cerr << "ncaepmdump: unknown argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (!text) {
    std::cerr << kUsage;
    return 2;
  }
  auto parsed = rpc::Binding::parse(*text);
  if (!parsed) {
    std::cerr << "ncaepmdump: " << *text << ": " << parsed.error().to_string() << '\n';
    return 2;
  }
  rpc::Binding binding = parsed.value();
  if (map) return map_and_check(binding, *map, config);
  binding = epm::mapper_binding(binding);

  net::Loop loop;
  std::optional<rpc::Result<epm::LookupAnswer>> answer;
  {
    rpc::LoopExecutor executor(loop);
    auto handle = make_handle(executor, binding, config);
    rpc::CallOptions options;
    options.timeout = std::chrono::seconds(30);
    epm::lookup_all(*handle, [&](rpc::Result<epm::LookupAnswer> r) { answer.emplace(std::move(r)); }, 500,
                    1u << 20, options);
    loop.run_until([&] { return answer.has_value(); });
  }
  loop.run();
  (void)loop.close();
  if (!answer || !*answer) {
    std::cerr << "ncaepmdump: " << binding.to_string() << ": "
              << (answer ? rpc::to_string(answer->error()) : std::string("no answer")) << '\n';
    return 1;
  }
  const auto& a = answer->value();
  if (a.status != epm::kEptOk) {
    std::cerr << "ncaepmdump: ept_lookup ended with status 0x" << std::hex << a.status << std::dec << '\n';
    return 1;
  }
  if (json)
    std::cout << epm::dump_json(a.entries).dump(2) << '\n';
  else
    std::cout << epm::dump_text(a.entries);
  return 0;
}
