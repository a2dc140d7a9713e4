// calc-client: adds and multiplies two numbers on a calc server.
//   usage: calc-client [--ncalrpc-dir DIR] BINDING A B
// prints "A + B = SUM" and "A * B = PRODUCT"; exit status 1 if a call fails.
#include <cstdlib>
#include <iostream>
#include <string>

#include "calc_client.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/loop_executor.h"

int main(int argc, char** argv) {
  nca::rpc::cn::ClientConfig config;
  int i = 1;
  if (argc > 2 && std::string(argv[1]) == "--ncalrpc-dir") {
    config.ncalrpc_dir = argv[2];
    i = 3;
  }
  if (argc - i != 3) {
    std::cerr << "usage: calc-client [--ncalrpc-dir DIR] BINDING A B\n";
    return 2;
  }
  auto binding = nca::rpc::Binding::parse(argv[i]);
  if (!binding) {
    std::cerr << "calc-client: " << argv[i] << ": " << binding.error().to_string() << '\n';
    return 2;
  }
  calc_types::calc_pair operands{std::strtoll(argv[i + 1], nullptr, 0),
                                 std::strtoll(argv[i + 2], nullptr, 0)};

  nca::net::Loop loop;
  int status = 0;
  {
    nca::rpc::LoopExecutor executor(loop);
    nca::rpc::cn::ClientHandle handle(executor, binding.value(), config);
    calc::Client client(handle, [&loop](const std::function<bool()>& done) {
      return loop.run_until(done);
    });
    auto print = [&](const char* op, const auto& r, auto value) {
      if (!r) {
        std::cerr << "calc-client: " << op << ": " << nca::rpc::to_string(r.error()) << '\n';
        status = 1;
      } else if (r->result != calc_status::CALC_OK) {
        std::cout << operands.a << ' ' << op << ' ' << operands.b << ": overflow\n";
      } else {
        std::cout << operands.a << ' ' << op << ' ' << operands.b << " = " << value(r.value()) << '\n';
      }
    };
    print("+", client.calc_Add(operands), [](const auto& out) { return out.sum; });
    print("*", client.calc_Multiply(operands), [](const auto& out) { return out.product; });
  }
  loop.run();  // finishes the disconnect
  return status;
}
