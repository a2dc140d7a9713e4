// The engine's runtime limits and corners: a client that takes big-endian responses, a server
// that stops reading from a client that never reads its replies, server-side cancellation seen
// by the handler, association groups joined from connections on other threads' loops.
#include <atomic>
#include <thread>

#include "cn_fixture.h"

using namespace cntest;
using namespace nca;
using rpc::StatusKind;

namespace {

// ---- a typed AddOne whose pull honours the byte order the server declared --------------------

struct U32Args {
  uint32_t in = 0;
  uint32_t out = 0;
};

rpc::Status push_u32_in(const void* r, const rpc::SyntaxId&, Bytes& out) {
  uint32_t v = static_cast<const U32Args*>(r)->in;
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
  return {};
}

rpc::Status pull_u32_out(std::span<const uint8_t> in, const rpc::SyntaxId&, bool little_endian,
                         void* r) {
  if (in.size() != 4) return rpc::Status::ndr(0, "AddOne reply is not 4 bytes");
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(in[little_endian ? i : 3 - i]) << (8 * i);
  static_cast<U32Args*>(r)->out = v;
  return {};
}

const rpc::InterfaceSpec& typed_echo_spec() {
  static constexpr std::array<rpc::SyntaxId, 1> ts{rpc::kNdr20};
  static const std::array<rpc::OperationSpec, 1> ops{rpc::OperationSpec{
      "AddOne", 0, &rpc::kArgsType<U32Args>, push_u32_in, nullptr, nullptr, pull_u32_out}};
  static const rpc::InterfaceSpec spec{"rpcecho", kRpcEcho, ts, ops, {}, false};
  return spec;
}

void put_be16(std::vector<uint8_t>& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
void put_be32(std::vector<uint8_t>& b, uint32_t v) {
  for (int i = 3; i >= 0; --i) b.push_back(uint8_t(v >> (8 * i)));
}

// A response PDU as a big-endian server sends it (C706 12.6.4.10, drep 00 00 00 00).
std::vector<uint8_t> big_endian_response(uint32_t call_id, uint16_t context_id, uint8_t flags,
                                         const std::vector<uint8_t>& stub, uint32_t alloc_hint) {
  std::vector<uint8_t> b{5, 0, uint8_t(rpc::cn::PduType::response), flags, 0, 0, 0, 0};
  put_be16(b, uint16_t(rpc::cn::kResponseHeaderSize + stub.size()));
  put_be16(b, 0);  // auth_length
  put_be32(b, call_id);
  put_be32(b, alloc_hint);
  put_be16(b, context_id);
  b.push_back(0);  // cancel_count
  b.push_back(0);
  b.insert(b.end(), stub.begin(), stub.end());
  return b;
}

// A hand-driven server end of a socketpair: answers the client's bind by accepting every
// context, then reads its request.
struct FakeServer {
  explicit FakeServer(net::Loop& loop) {
    auto pair = net::stream_socketpair(loop);
    REQUIRE(pair.ok());
    client_end = std::move(pair->first);
    stream = std::move(pair->second);
  }
  ~FakeServer() {
    if (stream) (void)net::sync::disconnect(*stream);
  }
  rpc::cn::Pdu receive() { return receive_pdu(*stream, last); }
  void accept_bind() {
    auto bind = receive();
    REQUIRE(bind.header.type == rpc::cn::PduType::bind);
    const auto& body = std::get<rpc::cn::BindBody>(bind.body);
    rpc::cn::BindAckBody ack{5840, 5840, 0x1234, "135", {}};
    for (const auto& pc : body.contexts) {
      rpc::cn::ContextResultEntry e;
      if (rpc::cn::bind_time_features(pc.transfer_syntaxes[0])) {
        e.result = rpc::cn::ContextResult::negotiate_ack;
      } else {
        e.transfer_syntax = pc.transfer_syntaxes[0];
        context_id = pc.context_id;
      }
      ack.results.push_back(e);
    }
    rpc::cn::Encoder enc;
    rpc::cn::encode_bind_ack(enc, rpc::cn::PduType::bind_ack, 3, bind.header.call_id, ack);
    send(enc.out);
  }
  void send(const std::vector<uint8_t>& bytes) {
    REQUIRE(net::sync::write_all(*stream, {bytes.data(), bytes.size()}).ok());
  }

  std::unique_ptr<net::Stream> client_end;
  std::unique_ptr<net::Stream> stream;
  net::Bytes last;
  uint16_t context_id = 0;
};

}  // namespace

TEST_CASE("cn_client_takes_big_endian_responses", "[cn]") {
  net::Loop loop;
  {
    rpc::LoopExecutor executor(loop);
    FakeServer peer(loop);
    rpc::cn::ClientHandle client(executor, std::move(peer.client_end));

    auto call = [&](uint32_t value, auto answer) {
      U32Args args;
      args.in = value;
      std::optional<rpc::Status> done;
      client.call(typed_echo_spec(), typed_echo_spec().operations[0], &args, {},
                  [&](rpc::Status st) { done = st; });
      answer();
      REQUIRE(loop.run_until([&] { return done.has_value(); }, 10000));
      return std::make_pair(*done, args.out);
    };

    // One fragment: 0x0102032a big-endian.
    auto [st, out] = call(41, [&] {
      peer.accept_bind();
      auto req = peer.receive();
      REQUIRE(req.header.type == rpc::cn::PduType::request);
      peer.send(big_endian_response(req.header.call_id, peer.context_id, 3, {1, 2, 3, 42}, 4));
    });
    REQUIRE(st.ok());
    CHECK(out == 0x0102032au);

    // Two fragments, both big-endian, reassembled before the pull.
    std::tie(st, out) = call(7, [&] {
      auto req = peer.receive();
      uint32_t id = req.header.call_id;
      auto first = big_endian_response(id, peer.context_id, rpc::cn::kPfcFirstFrag, {0, 0}, 4);
      auto last = big_endian_response(id, peer.context_id, rpc::cn::kPfcLastFrag, {0x10, 0x08}, 2);
      first.insert(first.end(), last.begin(), last.end());
      peer.send(first);
    });
    REQUIRE(st.ok());
    CHECK(out == 0x1008u);

    // Fragments of one response in different byte orders: a protocol error.
    std::tie(st, out) = call(7, [&] {
      auto req = peer.receive();
      uint32_t id = req.header.call_id;
      auto first = big_endian_response(id, peer.context_id, rpc::cn::kPfcFirstFrag, {0, 0}, 4);
      rpc::cn::Encoder le;
      rpc::cn::encode_response_head(le, rpc::cn::kPfcLastFrag, id, 2, peer.context_id, 2);
      le.bytes(std::vector<uint8_t>{1, 2});
      first.insert(first.end(), le.out.begin(), le.out.end());
      peer.send(first);
    });
    REQUIRE_FALSE(st.ok());
    CHECK(st.kind == StatusKind::protocol);
    CHECK_THAT(st.message, Catch::Contains("byte orders"));
  }
  loop.run();
  CHECK(loop.close().ok());
}

TEST_CASE("cn_server_stops_reading_from_a_client_that_never_reads", "[cn]") {
  constexpr size_t kCap = 128 * 1024;
  constexpr size_t kPayload = 4 * 1024;  // one fragment each way at the default max_frag
  constexpr int kRequests = 256;  // about 1 MiB of replies, eight times the cap
  rpc::cn::ServerConfig sc;
  sc.max_write_queue = kCap;
  Fixture f(sc);

  // The greedy client: one memory stream whose reading side nobody reads.
  auto [mine, theirs] = net::memory_stream_pair(f.loop, 32 * 1024);
  f.server->serve(std::move(theirs), "memory");
  std::vector<uint8_t> out;
  rpc::cn::Encoder enc;
  rpc::cn::BindBody b{5840, 5840, 0, {{0, kRpcEcho, {rpc::kNdr20}}}};
  rpc::cn::encode_bind(enc, rpc::cn::PduType::bind, 3, 1, b);
  auto ack = [&] {
    REQUIRE(net::sync::write_all(*mine, {enc.out.data(), enc.out.size()}).ok());
    auto pdu = net::sync::read_pdu(*mine, 65535);
    REQUIRE(pdu.ok());
    return (*pdu)[2];
  }();
  REQUIRE(ack == uint8_t(rpc::cn::PduType::bind_ack));
  Bytes stub = echodata_in(Bytes(kPayload, 0x77));
  for (int i = 0; i < kRequests; ++i) {
    rpc::cn::Encoder req;
    rpc::cn::encode_request_head(req, 3, uint32_t(10 + i), uint32_t(stub.size()), 0, 1,
                                 std::nullopt, stub.size());
    req.bytes(stub);
    out.insert(out.end(), req.out.begin(), req.out.end());
  }
  bool written = false;
  REQUIRE(mine->write({out.data(), out.size()}, [&](net::Status) { written = true; }).ok());

  // Let the server go as far as it will.
  uint64_t calls = 0;
  for (int quiet = 0; quiet < 5;) {
    f.loop.run_until([] { return false; }, 40);
    quiet = f.impl.calls == calls ? quiet + 1 : 0;
    calls = f.impl.calls;
  }
  size_t reply = rpc::cn::kResponseHeaderSize + 4 + kPayload;
  INFO("calls served " << f.impl.calls << ", queued " << f.server->queued_write_bytes());
  CHECK(f.impl.calls < uint64_t(kRequests));
  CHECK(f.server->queued_write_bytes() > kCap);
  CHECK(f.server->queued_write_bytes() <= kCap + reply);
  CHECK_FALSE(written);

  // Other clients are served meanwhile.
  auto& other = f.client();
  auto r = f.call(other, rpcecho_spec(), 0, addone_in(1));
  REQUIRE(r.ok());

  // Once the client reads, the server reads again: every request is answered, in order.
  for (int i = 0; i < kRequests; ++i) {
    auto pdu = net::sync::read_pdu(*mine, 65535);
    REQUIRE(pdu.ok());
    auto d = rpc::cn::decode(pdu->span());
    REQUIRE(d.ok());
    if (d->header.type == rpc::cn::PduType::fault) FAIL("fault " << std::hex << std::get<rpc::cn::FaultBody>(d->body).status);
    REQUIRE(d->header.type == rpc::cn::PduType::response);
    CHECK(d->header.call_id == uint32_t(10 + i));
  }
  f.run_until([&] { return written; });
  CHECK(f.server->queued_write_bytes() == 0);
  REQUIRE(net::sync::disconnect(*mine).ok());
}

TEST_CASE("cn_server_call_sees_co_cancel_and_still_replies", "[cn]") {
  Fixture f;
  RawPeer peer(f);
  peer.bind();
  rpc::cn::Encoder enc;
  Bytes stub = sleep_in(3);  // 60 ms
  rpc::cn::encode_request_head(enc, 3, 7, uint32_t(stub.size()), 0, 6, std::nullopt, stub.size());
  enc.bytes(stub);
  rpc::cn::encode_empty(enc, rpc::cn::PduType::co_cancel, 3, 7);
  peer.send(enc.out);
  f.run_until([&] { return f.impl.cancels == 1; });
  CHECK(f.impl.sleeping == 1);
  // C706: a cancel is advisory; the handler chose to finish, and its reply is sent.
  auto reply = peer.receive();
  REQUIRE(reply.header.type == rpc::cn::PduType::response);
  CHECK(reply.header.call_id == 7u);
  CHECK(f.impl.cancels == 1);
}

namespace {

// A Server on a thread of its own, with its own loop and ServerCore, sharing `groups`.
struct ServerOnThread {
  explicit ServerOnThread(std::shared_ptr<rpc::cn::AssociationGroups> groups) {
    thread = std::thread([this, groups] { run(groups); });
    while (!ready) std::this_thread::yield();
  }
  ~ServerOnThread() {
    loop->post([l = loop] {
      l->keep_alive(false);
      l->stop();
    });
    thread.join();
  }
  void run(std::shared_ptr<rpc::cn::AssociationGroups> groups) {
    net::Loop l;
    loop = &l;
    rpc::LoopExecutor ex(l);
    rpc::ServerCore core;
    EchoImpl impl;
    impl.executor = &ex;
    impl.sleep_unit_ms = 20;
    register_echo(core, impl);
    rpc::cn::ServerConfig sc;
    sc.groups = std::move(groups);
    auto server = std::make_unique<rpc::cn::Server>(l, core, sc);
    port = server->listen_tcp(net::Address::inet("ipv4", "127.0.0.1", 0).value()).value().port();
    l.keep_alive(true);
    ready = true;
    l.run();
    server.reset();
    l.run();
    (void)l.close();
  }
  rpc::Binding binding() const {
    return rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[" + std::to_string(port) + "]").value();
  }

  std::thread thread;
  net::Loop* loop = nullptr;
  std::atomic<uint16_t> port{0};
  std::atomic<bool> ready{false};
};

}  // namespace

TEST_CASE("cn_association_group_spans_servers_on_two_threads", "[cn]") {
  auto groups = std::make_shared<rpc::cn::AssociationGroups>();
  {
    ServerOnThread a(groups), b(groups);
    net::Loop loop;
    {
      rpc::LoopExecutor executor(loop);
      auto call = [&](rpc::cn::ClientHandle& h, uint16_t opnum, Bytes in) {
        std::optional<rpc::Result<Bytes>> r;
        h.call_raw(rpcecho_spec(), opnum, std::move(in), {},
                   [&](rpc::Result<Bytes> x) { r.emplace(std::move(x)); });
        REQUIRE(loop.run_until([&] { return r.has_value(); }, 20000));
        return std::move(*r);
      };
      rpc::cn::ClientHandle first(executor, a.binding());
      REQUIRE(call(first, 0, addone_in(1)).ok());
      uint32_t group = first.assoc_group_id();
      CHECK(groups->size() == 1);

      // The second connection lands on the other thread's server and joins the same group,
      // then both run calls at once (smbtorture's TestSleep pattern).
      rpc::cn::ClientConfig join;
      join.assoc_group_id = group;
      rpc::cn::ClientHandle second(executor, b.binding(), join);
      REQUIRE(call(second, 0, addone_in(2)).ok());
      CHECK(second.assoc_group_id() == group);
      CHECK(groups->size() == 1);
      int done = 0;
      for (auto* h : {&first, &second})
        h->call_raw(rpcecho_spec(), 6, sleep_in(2), {}, [&](rpc::Result<Bytes> r) {
          CHECK(r.ok());
          ++done;
        });
      REQUIRE(loop.run_until([&] { return done == 2; }, 20000));

      // A group nobody created is refused on either server.
      rpc::cn::ClientConfig bogus;
      bogus.assoc_group_id = group ^ 0x5a5a;
      rpc::cn::ClientHandle third(executor, b.binding(), bogus);
      auto r = call(third, 0, addone_in(3));
      REQUIRE_FALSE(r.ok());
      CHECK_THAT(r.error().message, Catch::Contains("bind refused"));

      // The group ends when its last connection, on either thread, has gone.
      first.disconnect();
      REQUIRE(call(second, 0, addone_in(4)).ok());
      CHECK(groups->size() == 1);
      second.disconnect();
    }
    loop.run();
    CHECK(loop.close().ok());
    for (int i = 0; i < 500 && groups->size() != 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    CHECK(groups->size() == 0);
  }
  CHECK(groups->size() == 0);
}
