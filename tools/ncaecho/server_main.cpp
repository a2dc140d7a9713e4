// ncaecho-server: the rpcecho server (ncaecho::EchoService on the generated rpcecho::Service).
// Until the connection-oriented engine exists it serves in process only: it registers the
// service, lists what it serves and answers one loopback call of every operation as a self-check.
// `--listen BINDING` (ncacn_ip_tcp) comes with that engine.
//
// usage: ncaecho-server [--self-test]
#include <iostream>
#include <string>

#include "echo_calls.h"
#include "echo_service.h"
#include "in_process.h"
#include "nca/rpc/in_process_handle.h"

int main(int argc, char** argv) {
  bool self_test = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--self-test") {
      self_test = true;
    } else {
      std::cerr << "usage: ncaecho-server [--self-test]\n"
                   "(--listen BINDING arrives with the ncacn_ip_tcp engine)\n";
      return 2;
    }
  }
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
  if (!self_test) return 0;
  nca::rpc::LoopbackHandle handle(executor, server);
  auto drive = ncaecho::drive(executor, ncaecho::Clock::fake);
  rpcecho::Client client(handle, drive);
  return ncaecho::run_echo_calls(client, drive, std::cout) == 0 ? 0 : 1;
}
