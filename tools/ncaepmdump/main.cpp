// ncaepmdump: everything an endpoint mapper knows, as Impacket's rpcdump and rpcclient's
// epmlookup show it: an ept_lookup walk over every entry (nca::epm::lookup_all), printed as
// text (nca::epm::dump_text) or JSON (nca::epm::dump_json).
//
// usage: ncaepmdump [--json] [--ncalrpc-dir DIR] BINDING
//   BINDING: the mapper, e.g. ncacn_ip_tcp:192.0.2.1 (port 135 when none is given),
//            ncacn_ip_tcp:127.0.0.1[13500], ncalrpc:[EPMAPPER]
// exit status: 0 dumped, 1 the mapper could not be reached or failed, 2 usage
#include <iostream>
#include <optional>
#include <string>

#include "nca/epm/dump.h"
#include "nca/epm/epm_client.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/cn/endpoint_resolver.h"
#include "nca/rpc/cn/loop_executor.h"

namespace {

const char kUsage[] = R"(usage: ncaepmdump [--json] [--ncalrpc-dir DIR] BINDING

Lists every entry of the endpoint mapper at BINDING (ncacn_ip_tcp:HOST, port 135 when none is
given, or ncalrpc:[EPMAPPER]).
  --json             print JSON instead of rpcdump-style text
  --ncalrpc-dir DIR  directory of ncalrpc sockets (default /tmp)
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace nca;
  bool json = false;
  std::optional<std::string> text;
  rpc::cn::ClientConfig config;
  config.offer_ndr64 = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") {
      json = true;
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
  if (rpc::cn::EndpointResolver::needs_endpoint(binding))
    binding.set_endpoint(binding.protseq() == rpc::Protseq::kNcalrpc ? "EPMAPPER" : "135");

  net::Loop loop;
  std::optional<rpc::Result<epm::LookupAnswer>> answer;
  {
    rpc::cn::LoopExecutor executor(loop);
    rpc::cn::ClientHandle handle(executor, binding, config);
    epm::lookup_all(handle, [&](rpc::Result<epm::LookupAnswer> r) { answer.emplace(std::move(r)); });
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
