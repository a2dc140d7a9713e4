// calc-server: serves calc (idl/calc.idl) over the connection-oriented engine on the bindings
// given (ncacn_ip_tcp:127.0.0.1[0], ncalrpc:[calc], ...), prints each one it listens on, logs one
// line per call on standard error (nca::rpc::LogInterceptor), and serves until killed.
//   usage: calc-server [--ncalrpc-dir DIR] BINDING...
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "calc_service.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/server.h"
#include "nca/rpc/log_interceptor.h"

int main(int argc, char** argv) {
  nca::rpc::cn::ServerConfig config;
  std::vector<nca::rpc::Binding> bindings;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--ncalrpc-dir" && i + 1 < argc) {
      config.ncalrpc_dir = argv[++i];
    } else if (auto b = nca::rpc::Binding::parse(a)) {
      bindings.push_back(b.value());
    } else {
      std::cerr << "calc-server: " << a << ": " << b.error().to_string() << '\n';
      return 2;
    }
  }
  if (bindings.empty()) {
    std::cerr << "usage: calc-server [--ncalrpc-dir DIR] BINDING...\n";
    return 2;
  }

  nca::net::Loop loop;
  nca::rpc::ServerCore core;
  CalcService service;
  core.register_interface(calc::server_interface(service));
  core.add_interceptor(std::make_shared<nca::rpc::LogInterceptor>());
  nca::rpc::cn::Server server(loop, core, config);
  for (const auto& b : bindings) {
    auto address = server.listen(b);
    if (!address) {
      std::cerr << "calc-server: cannot listen on " << b.to_string() << ": "
                << address.status().message() << '\n';
      return 1;
    }
    std::cout << b.to_string() << std::endl;
  }
  loop.run();
}
