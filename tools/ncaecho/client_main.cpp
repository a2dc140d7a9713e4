// ncaecho-client: calls every rpcecho operation through the generated rpcecho::Client and checks
// the answers. For now the server runs in this process (ncaecho::EchoService behind a loopback
// handle, which marshals every call both ways as a remote one would, or the local handle);
// a BINDING argument over ncacn_ip_tcp comes with the connection-oriented engine.
//
// usage: ncaecho-client [--local] [--fake-clock]
// exit status: 0 every answer right, 1 some answer wrong, 2 usage
#include <iostream>
#include <memory>
#include <string>

#include "echo_calls.h"
#include "echo_service.h"
#include "in_process.h"
#include "nca/rpc/in_process_handle.h"

namespace {

const char kUsage[] = R"(usage: ncaecho-client [--local] [--fake-clock]

Calls every rpcecho operation and checks the answers, against an rpcecho server in this process.
  --local       call through the local handle (no marshalling) instead of the loopback handle
  --fake-clock  let TestSleep's timers fire at once instead of in real time
)";

}  // namespace

int main(int argc, char** argv) {
  bool local = false;
  auto clock = ncaecho::Clock::real;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--local") {
      local = true;
    } else if (a == "--fake-clock") {
      clock = ncaecho::Clock::fake;
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else {
      std::cerr << "ncaecho-client: unknown argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }

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
  int failures = ncaecho::run_echo_calls(client, drive, std::cout);
  std::cout << (failures ? "ncaecho-client: " + std::to_string(failures) + " wrong answers\n"
                         : std::string("ncaecho-client: all answers right\n"));
  return failures ? 1 : 0;
}
