// cn_echo_server: a test-only server for interop tests. Serves the hand-written rpcecho interface
// (echo_interface.h) on every binding given, prints "listening <binding>" for each (with the port
// the kernel chose), then "ready", and runs until killed or until stdin reaches end of file.
// With --auth it accepts authenticated binds through the GSSAPI providers (NTLMSSP and SPNEGO
// with the accounts of NTLM_USER_FILE; Kerberos with the default keytab).
//   cn_echo_server [--ncalrpc-dir DIR] [--max-frag N] [--auth] BINDING...
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

#include "echo_interface.h"
#include "nca/net/loop.h"
#include "nca/rpc/auth/gssapi.h"
#include "nca/rpc/loop_executor.h"
#include "nca/rpc/cn/server.h"

int main(int argc, char** argv) {
  using namespace nca;
  net::Loop loop;
  rpc::LoopExecutor executor(loop);
  rpc::ServerCore core;
  cntest::EchoImpl impl;
  impl.executor = &executor;
  rpc::cn::ServerConfig config;
  std::vector<std::string> bindings;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--ncalrpc-dir" && i + 1 < argc) config.ncalrpc_dir = argv[++i];
    else if (a == "--max-frag" && i + 1 < argc) config.max_frag = uint16_t(std::atoi(argv[++i]));
    else if (a == "--auth") {
      auto providers = std::make_shared<rpc::auth::Registry>();
      rpc::auth::add_gssapi_providers(*providers);
      config.auth_providers = providers;
    }
    else bindings.push_back(a);
  }
  cntest::register_echo(core, impl);
  rpc::cn::Server server(loop, core, config);
  for (const auto& b : bindings) {
    auto parsed = rpc::Binding::parse(b);
    if (!parsed) {
      std::fprintf(stderr, "%s: %s\n", b.c_str(), parsed.error().to_string().c_str());
      return 2;
    }
    auto addr = server.listen(parsed.value());
    if (!addr) {
      std::fprintf(stderr, "%s: %s\n", b.c_str(), addr.status().message().c_str());
      return 1;
    }
    std::printf("listening %s\n", addr->to_string().c_str());
  }
  std::printf("ready\n");
  std::fflush(stdout);
  // Stop when the parent closes our stdin: a poll on fd 0 through a libuv handle.
  uv_poll_t stdin_poll;
  uv_poll_init(loop.uv(), &stdin_poll, 0);
  stdin_poll.data = &server;
  uv_poll_start(&stdin_poll, UV_READABLE | UV_DISCONNECT, [](uv_poll_t* h, int, int) {
    char buf[64];
    if (read(0, buf, sizeof buf) <= 0) {
      static_cast<rpc::cn::Server*>(h->data)->close();
      uv_poll_stop(h);
      uv_close(reinterpret_cast<uv_handle_t*>(h), nullptr);
    }
  });
  loop.run();
  return 0;
}
