// libFuzzer harness for the datagram engine: the DG PDU decoder (nca::rpc::dg::decode over the
// generated ncadg_packet code) and, when built with NCA_FUZZ_DG_ENGINE (the g++ build), the
// server's state machine fed whole sequences of datagrams.
//
// Input: byte 0 chooses the mode. Even: the rest is one datagram; decoding must fail cleanly or
// succeed, and a decoded PDU must encode to bytes that decode and encode to the same bytes.
// Odd: the rest is a sequence of datagrams, each prefixed by its 2-byte little-endian length,
// fed to one ServerEngine (a raw test interface that answers at once) from two peers, with the
// manual clock moving 50 ms and a timer tick between datagrams; nothing may crash, and the
// engine's bookkeeping must stay within its limits.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "nca/rpc/dg/pdu.h"

#ifdef NCA_FUZZ_DG_ENGINE
#include "nca/rpc/clock.h"
#include "nca/rpc/server.h"
#include "server_engine.h"
#endif

namespace {

using namespace nca::rpc;
using namespace nca::rpc::dg;

void decoder(const std::uint8_t* data, std::size_t size) {
  auto d = decode(ByteView(data, size));
  if (!d.ok()) return;
  Bytes once = encode(d.value());
  auto d2 = decode(once);
  if (!d2.ok()) {
    std::fprintf(stderr, "re-encoded %s does not decode: %s\n", std::string(to_string(d.value().header.type)).c_str(),
                 d2.error().message.c_str());
    std::abort();
  }
  if (encode(d2.value()) != once) {
    std::fprintf(stderr, "re-encoded %s does not round-trip\n", std::string(to_string(d.value().header.type)).c_str());
    std::abort();
  }
}

#ifdef NCA_FUZZ_DG_ENGINE
constexpr SyntaxId kFuzzIf{Uuid::from_literal("6f1c0b0e-7c3a-4d6b-9a51-2e8c4f0d1a77"), 1, 0};

void answer(void*, ServerCall call) {
  auto& raw = *static_cast<RawArgs*>(call.args());
  raw.out = raw.in;
  call.complete();
}

void engine(const std::uint8_t* data, std::size_t size) {
  static const OperationSpec ops[] = {raw_operation("echo", 0), raw_operation("echo2", 1)};
  static const SyntaxId ts[] = {kNdr20};
  static const InterfaceSpec spec{"fuzz", kFuzzIf, ts, ops, {}};
  static const HandlerFn handlers[] = {answer, answer};
  ServerCore core;
  core.register_interface(ServerInterface{&spec, handlers, nullptr});
  ManualClock clock;
  dg::detail::ServerEngineConfig cfg;
  cfg.max_activities = 8;
  cfg.max_request_size = 64 * 1024;
  cfg.max_reassembly_total = 128 * 1024;
  cfg.max_reply_cache_total = 128 * 1024;
  cfg.callback = [](const nca::net::Address&, const Uuid&, std::function<void(std::optional<uint32_t>)> a) {
    a(0);
  };
  size_t sent = 0;
  dg::detail::ServerEngine e(core, clock, cfg, [&sent](Bytes, const nca::net::Address&) { ++sent; });
  const nca::net::Address peers[2] = {nca::net::Address::inet("ipv4", "10.0.0.1", 1).value(),
                                      nca::net::Address::inet("ipv4", "10.0.0.2", 2).value()};
  size_t at = 0;
  int n = 0;
  while (at + 2 <= size) {
    size_t len = size_t(data[at]) | size_t(data[at + 1]) << 8;
    at += 2;
    len = std::min(len, size - at);
    e.on_datagram(ByteView(data + at, len), peers[n++ & 1]);
    at += len;
    clock.advance(Clock::Duration(50));
    e.on_timer();
    if (e.activities() > cfg.max_activities || e.reassembly_bytes() > cfg.max_reassembly_total) {
      std::fprintf(stderr, "limits broken: %zu activities, %zu reassembly bytes\n", e.activities(), e.reassembly_bytes());
      std::abort();
    }
  }
}
#endif

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
#ifdef NCA_FUZZ_DG_ENGINE
  if (data[0] & 1) {
    engine(data + 1, size - 1);
    return 0;
  }
#endif
  decoder(data + 1, size - 1);
  return 0;
}
