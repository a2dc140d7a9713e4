// A server (rpcecho test interface) and clients on one loop, over memory streams, socketpairs or
// loopback sockets; synchronous helpers that run the loop until a call completes.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <vector>

#include "echo_interface.h"
#include "nca/net/loop.h"
#include "nca/net/sync.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/loop_executor.h"
#include "nca/rpc/cn/pdu.h"
#include "nca/rpc/cn/server.h"

namespace cntest {

using namespace nca;
using rpc::Bytes;

// An interface nobody registers.
inline constexpr rpc::SyntaxId kUnknownIf{
    rpc::Uuid::from_literal("11111111-2222-3333-4444-555555555555"), 1, 0};
inline const rpc::InterfaceSpec& unknown_spec() {
  static constexpr std::array<rpc::SyntaxId, 1> ts{rpc::kNdr20};
  static constexpr std::array<rpc::OperationSpec, 1> ops{rpc::raw_operation("nop", 0)};
  static const rpc::InterfaceSpec spec{"unknown", kUnknownIf, ts, ops, {}, false};
  return spec;
}

struct Fixture {
  explicit Fixture(rpc::cn::ServerConfig config = {}) {
    impl.executor = &executor;
    impl.sleep_unit_ms = 20;
    register_echo(core, impl);
    server = std::make_unique<rpc::cn::Server>(loop, core, config);
  }
  ~Fixture() {
    clients.clear();
    server->close();
    server.reset();
    // Whatever is still closing (streams, timers) finishes; then nothing may be left open.
    loop.run();
    CHECK(loop.close().ok());
  }

  // A client connected to the server over an in-memory stream pair.
  rpc::cn::ClientHandle& client(rpc::cn::ClientConfig config = {}) {
    auto [a, b] = net::memory_stream_pair(loop);
    server->serve(std::move(b), "memory");
    clients.push_back(std::make_unique<rpc::cn::ClientHandle>(executor, std::move(a), config));
    return *clients.back();
  }
  rpc::cn::ClientHandle& client_for(const rpc::Binding& binding, rpc::cn::ClientConfig config = {}) {
    clients.push_back(std::make_unique<rpc::cn::ClientHandle>(executor, binding, config));
    return *clients.back();
  }

  // Starts a raw call; the result lands in the returned slot.
  std::shared_ptr<std::optional<rpc::Result<Bytes>>> start(rpc::cn::ClientHandle& h,
                                                          const rpc::InterfaceSpec& spec,
                                                          uint16_t opnum, Bytes in,
                                                          rpc::CallOptions options = {}) {
    auto slot = std::make_shared<std::optional<rpc::Result<Bytes>>>();
    h.call_raw(spec, opnum, std::move(in), options,
               [slot](rpc::Result<Bytes> r) { slot->emplace(std::move(r)); });
    return slot;
  }
  rpc::Result<Bytes> call(rpc::cn::ClientHandle& h, const rpc::InterfaceSpec& spec, uint16_t opnum,
                          Bytes in, rpc::CallOptions options = {}) {
    auto slot = start(h, spec, opnum, std::move(in), options);
    REQUIRE(loop.run_until([&] { return slot->has_value(); }, 20000));
    return std::move(**slot);
  }
  void run_until(const std::function<bool()>& done, uint64_t ms = 20000) {
    REQUIRE(loop.run_until(done, ms));
  }

  net::Loop loop;
  rpc::LoopExecutor executor{loop};
  rpc::ServerCore core;
  EchoImpl impl;
  std::unique_ptr<rpc::cn::Server> server;
  std::vector<std::unique_ptr<rpc::cn::ClientHandle>> clients;
};

// Reads the next PDU from `stream` into `keep` and decodes it (its views point into `keep`);
// fails the test if the peer closed instead or the PDU does not decode.
inline rpc::cn::Pdu receive_pdu(net::Stream& stream, net::Bytes& keep) {
  auto pdu = net::sync::read_pdu(stream, 65535);
  REQUIRE(pdu.ok());
  keep = std::move(*pdu);
  auto d = rpc::cn::decode(keep.span());
  REQUIRE(d.ok());
  return *d;
}

// A client that speaks PDUs by hand, for malformed and edge-case input.
struct RawPeer {
  RawPeer(Fixture& f) : fx(f) {
    auto pair = net::stream_socketpair(f.loop);
    REQUIRE(pair.ok());
    stream = std::move(pair->first);
    f.server->serve(std::move(pair->second), "socketpair");
  }
  ~RawPeer() {
    if (stream) (void)net::sync::disconnect(*stream);
  }
  void send(const std::vector<uint8_t>& bytes) {
    REQUIRE(net::sync::write_all(*stream, {bytes.data(), bytes.size()}).ok());
  }
  // The next PDU, decoded; fails the test if the server closed instead.
  rpc::cn::Pdu receive() { return receive_pdu(*stream, last); }
  // True when the server has closed the connection: the next read ends at EOF, or with a reset
  // when the server closed with our unread bytes still in its socket (TCP and unix sockets
  // answer those with RST).
  bool closed_by_server() {
    auto pdu = net::sync::read_pdu(*stream, 65535);
    if (pdu.ok()) UNSCOPED_INFO("unexpected PDU type " << int(pdu->data()[2]));
    return !pdu.ok() && (pdu.status() == net::Errc::eof || pdu.status() == net::Errc::system);
  }
  // `flags`: the bind's pfc_flags; add rpc::cn::kPfcConcMpx to interleave calls' fragments.
  void bind(const rpc::SyntaxId& iface = kRpcEcho, uint32_t call_id = 1, uint8_t flags = 3) {
    rpc::cn::Encoder enc;
    rpc::cn::BindBody b{5840, 5840, 0, {{0, iface, {rpc::kNdr20}}}};
    rpc::cn::encode_bind(enc, rpc::cn::PduType::bind, flags, call_id, b);
    send(enc.out);
    auto ack = receive();
    REQUIRE(ack.header.type == rpc::cn::PduType::bind_ack);
  }

  Fixture& fx;
  std::unique_ptr<net::Stream> stream;
  net::Bytes last;
};

}  // namespace cntest
