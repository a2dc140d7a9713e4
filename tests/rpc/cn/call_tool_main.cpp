// cn_call: a test-only raw client on our engine, for interop tests of the client side.
//   cn_call [--max-frag N] [--ncalrpc-dir DIR] [--repeat N] BINDING UUID MAJOR.MINOR OPNUM [HEX-STUB]
// Binds to the interface, calls OPNUM with the stub data, prints the response stub in hex (one
// line per call) or "error: <status>" and exits 1. "--echo N" replaces the stub by an rpcecho
// EchoData request of N bytes and checks the echo.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "echo_interface.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/loop_executor.h"

using namespace nca;

int main(int argc, char** argv) {
  rpc::cn::ClientConfig cfg;
  int repeat = 1;
  long echo = -1;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--max-frag" && i + 1 < argc) cfg.max_frag = uint16_t(std::atoi(argv[++i]));
    else if (a == "--ncalrpc-dir" && i + 1 < argc) cfg.ncalrpc_dir = argv[++i];
    else if (a == "--repeat" && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else if (a == "--echo" && i + 1 < argc) echo = std::atol(argv[++i]);
    else pos.push_back(a);
  }
  if (pos.size() < 4) {
    std::fprintf(stderr, "usage: cn_call [options] BINDING UUID MAJOR.MINOR OPNUM [HEX]\n");
    return 2;
  }
  auto binding = rpc::Binding::parse(pos[0]);
  auto uuid = rpc::Uuid::parse(pos[1]);
  if (!binding || !uuid) {
    std::fprintf(stderr, "bad binding or uuid\n");
    return 2;
  }
  rpc::SyntaxId id{*uuid, uint16_t(std::atoi(pos[2].c_str())), 0};
  if (auto dot = pos[2].find('.'); dot != std::string::npos)
    id.minor = uint16_t(std::atoi(pos[2].c_str() + dot + 1));
  uint16_t opnum = uint16_t(std::atoi(pos[3].c_str()));
  rpc::Bytes stub;
  std::vector<uint8_t> data;
  if (echo >= 0) {
    for (long i = 0; i < echo; ++i) data.push_back(uint8_t(i * 13));
    stub = cntest::echodata_in(data);
  } else if (pos.size() > 4) {
    for (size_t i = 0; i + 1 < pos[4].size(); i += 2)
      stub.push_back(uint8_t(std::stoi(pos[4].substr(i, 2), nullptr, 16)));
  }
  static constexpr std::array<rpc::SyntaxId, 2> kSyntaxes{rpc::kNdr20, rpc::kNdr64};
  rpc::InterfaceSpec spec{"raw", id, std::span(kSyntaxes).first(1), {}, {}, false};
  net::Loop loop;
  int rc = 0;
  {
    rpc::LoopExecutor ex(loop);
    rpc::cn::ClientHandle h(ex, binding.value(), cfg);
    for (int n = 0; n < repeat && rc == 0; ++n) {
      std::optional<rpc::Result<rpc::Bytes>> out;
      h.call_raw(spec, opnum, stub, {}, [&](rpc::Result<rpc::Bytes> r) { out.emplace(std::move(r)); });
      loop.run_until([&] { return out.has_value(); });
      if (!out->ok()) {
        std::printf("error: %s\n", rpc::to_string(out->error()).c_str());
        rc = 1;
      } else if (echo >= 0) {
        auto back = cntest::read_conformant_bytes(**out);
        bool same = back && *back == data;
        std::printf("echo %ld bytes: %s\n", echo, same ? "ok" : "MISMATCH");
        if (!same) rc = 1;
      } else {
        for (uint8_t b : **out) std::printf("%02x", b);
        std::printf("\n");
      }
    }
    std::printf("assoc_group 0x%08x max_xmit %u features %u\n", h.assoc_group_id(), h.max_xmit_frag(), h.features());
  }
  loop.run();
  (void)loop.close();
  return rc;
}
