// Our client against our server over in-memory streams and loopback sockets: calls, fragments
// at every size, multiplexing, completion order, negotiation, faults, timeouts, lost connections.
#include <sys/resource.h>

#include <map>
#include <numeric>

#include "cn_fixture.h"

using namespace cntest;
using namespace nca;
using rpc::StatusKind;

namespace {

Bytes pattern(size_t n, uint8_t seed = 0) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = uint8_t(i * 7 + seed);
  return b;
}

void check_echo(Fixture& f, rpc::cn::ClientHandle& c, size_t n, uint8_t seed = 0) {
  Bytes data = pattern(n, seed);
  auto r = f.call(c, rpcecho_spec(), 1, echodata_in(data));
  REQUIRE(r.ok());
  auto back = read_conformant_bytes(*r);
  REQUIRE(back.has_value());
  CHECK(*back == data);
}

}  // namespace

TEST_CASE("cn_addone_and_echodata", "[cn]") {
  Fixture f;
  auto& c = f.client();
  auto r = f.call(c, rpcecho_spec(), 0, addone_in(41));
  REQUIRE(r.ok());
  CHECK(read_u32(*r) == 42u);
  r = f.call(c, rpcecho_spec(), 0, addone_in(0xffffffff));
  REQUIRE(r.ok());
  CHECK(read_u32(*r) == 0u);
  CHECK(c.bound());
  CHECK(c.assoc_group_id() != 0);
  CHECK(c.transfer_syntax(kRpcEcho) == rpc::kNdr20);
  // We offered both features; the server accepts both, as Windows does.
  CHECK(c.features() == (rpc::cn::kFeatureKeepConnectionOnOrphan | 1));
  for (size_t n : {0, 1, 7, 8, 1000, 5000, 70000}) check_echo(f, c, n);
}

TEST_CASE("cn_fragments_at_every_size_from_the_minimum", "[cn]") {
  // Requests whose stub data fills fragments of every size from C706's 1432 up, exactly, one byte
  // short and one byte over, in several fragments; and responses at every size the server can
  // negotiate (a multiple of 8, as Windows rounds).
  for (uint16_t frag = rpc::cn::kMinFragSize; frag <= rpc::cn::kMinFragSize + 72; ++frag) {
    INFO("fragment size " << frag);
    {
      // The client's own size below the server's 2048 floor: it sends at that size, the server
      // answers in 2048-byte fragments (what it announced in bind_ack).
      Fixture f;
      rpc::cn::ClientConfig cc;
      cc.max_frag = frag;
      auto& c = f.client(cc);
      size_t per = (frag - rpc::cn::kRequestHeaderSize) & ~size_t(7);
      for (size_t n : {per - 8 - 1, per - 8, per - 8 + 1, 3 * per - 8, 3 * per - 7})
        check_echo(f, c, n, uint8_t(frag));
      CHECK(c.max_xmit_frag() == frag);
      CHECK(c.max_recv_frag() == 2048);
    }
    {
      rpc::cn::ServerConfig sc;
      sc.max_frag = frag;
      Fixture f(sc);
      rpc::cn::ClientConfig cc;
      cc.max_frag = 5840;  // the server's smaller size wins, rounded down to a multiple of 8
      auto& c = f.client(cc);
      uint16_t negotiated = frag & ~7;
      size_t per = (negotiated - rpc::cn::kResponseHeaderSize) & ~size_t(7);
      for (size_t n : {per - 4 - 1, per - 4, per - 4 + 1, 3 * per - 4, 3 * per - 3})
        check_echo(f, c, n, uint8_t(frag));
      CHECK(c.max_xmit_frag() == negotiated);
    }
  }
}

TEST_CASE("cn_large_fragments_and_large_payloads", "[cn]") {
  rpc::cn::ServerConfig sc;
  sc.max_frag = 65535;
  Fixture f(sc);
  rpc::cn::ClientConfig cc;
  cc.max_frag = 65535;
  auto& c = f.client(cc);
  check_echo(f, c, 1024 * 1024);
  CHECK(c.max_xmit_frag() == 65528);  // the largest multiple of 8
  auto r = f.call(c, rpcecho_spec(), 3, sourcedata_in(205000));
  REQUIRE(r.ok());
  auto data = read_conformant_bytes(*r);
  REQUIRE(data.has_value());
  REQUIRE(data->size() == 205000);
  for (size_t i = 0; i < data->size(); ++i)
    if ((*data)[i] != uint8_t(i & 0xff)) FAIL("byte " << i);
}

TEST_CASE("cn_interleaved_calls_on_one_connection", "[cn]") {
  Fixture f;
  auto& c = f.client();
  std::vector<std::pair<Bytes, std::shared_ptr<std::optional<rpc::Result<Bytes>>>>> calls;
  for (int i = 0; i < 100; ++i) {
    Bytes data = pattern(size_t(i) * 397 % 20000, uint8_t(i));
    calls.emplace_back(data, f.start(c, rpcecho_spec(), 1, echodata_in(data)));
  }
  // Once bound, the client puts all 100 requests on the wire at once; the server reads many
  // fragments per read and may answer some before the loop looks again (99 were seen together
  // here), so the check asks for at least half of them in flight at once.
  size_t peak = 0;
  f.run_until([&] {
    peak = std::max(peak, c.calls_in_flight());
    return std::all_of(calls.begin(), calls.end(), [](auto& p) { return p.second->has_value(); });
  });
  CHECK(peak >= 50);
  for (auto& [data, slot] : calls) {
    REQUIRE((*slot)->ok());
    CHECK(read_conformant_bytes(***slot) == data);
  }
}

TEST_CASE("cn_calls_on_two_interfaces_before_the_bind", "[cn]") {
  // A server accepts one new presentation context per bind or alter_context (Windows, Samba,
  // ours): the client negotiates the second interface in an alter_context of its own.
  Fixture f;
  auto& c = f.client();
  auto a = f.start(c, rpcecho_spec(), 0, addone_in(1));
  auto b = f.start(c, ndr64echo_spec(), 0, {});
  f.run_until([&] { return a->has_value() && b->has_value(); });
  REQUIRE((*a)->ok());
  CHECK(read_u32(***a) == 2u);
  REQUIRE((*b)->ok());
  CHECK(c.transfer_syntax(kNdr64Echo) == rpc::kNdr64);
}

TEST_CASE("cn_calls_complete_out_of_order", "[cn]") {
  Fixture f;
  auto& c = f.client();
  std::vector<uint32_t> order;
  // 300, 200 and 100 ms: gaps wide enough for a loaded machine.
  for (uint32_t units : {15u, 10u, 5u}) {
    c.call_raw(rpcecho_spec(), 6, sleep_in(units), {}, [&order](rpc::Result<Bytes> r) {
      REQUIRE(r.ok());
      order.push_back(*read_u32(*r));
    });
  }
  f.run_until([&] { return order.size() == 3; });
  CHECK(order == std::vector<uint32_t>{5, 10, 15});
}

TEST_CASE("cn_alter_context_adds_a_context_and_negotiates_ndr64", "[cn]") {
  Fixture f;
  auto& c = f.client();
  REQUIRE(f.call(c, rpcecho_spec(), 0, addone_in(1)).ok());
  // A second interface on the same connection: alter_context. It offers NDR64 first.
  auto r = f.call(c, ndr64echo_spec(), 0, {});
  REQUIRE(r.ok());
  CHECK(Bytes(rpc::kNdr64.uuid.bytes.begin(), rpc::kNdr64.uuid.bytes.end()) == *r);
  CHECK(f.server->connection_count() == 1);
  // Without NDR64 on offer, NDR20 is used.
  rpc::cn::ClientConfig cc;
  cc.offer_ndr64 = false;
  auto& c2 = f.client(cc);
  r = f.call(c2, ndr64echo_spec(), 0, {});
  REQUIRE(r.ok());
  CHECK(Bytes(rpc::kNdr20.uuid.bytes.begin(), rpc::kNdr20.uuid.bytes.end()) == *r);
}

TEST_CASE("cn_unknown_interface_is_refused_and_connection_survives", "[cn]") {
  Fixture f;
  auto& c = f.client();
  auto r = f.call(c, unknown_spec(), 0, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == StatusKind::protocol);
  CHECK(r.error().code == uint32_t(rpc::FaultCode::unk_if));
  CHECK_THAT(r.error().message, Catch::Contains("abstract syntax not supported"));
  // The bind itself succeeded; another interface still works on the same connection.
  auto ok = f.call(c, rpcecho_spec(), 0, addone_in(1));
  REQUIRE(ok.ok());
}

TEST_CASE("cn_unknown_opnum_and_bad_stub_are_faults", "[cn]") {
  Fixture f;
  auto& c = f.client();
  auto r = f.call(c, rpcecho_spec(), 42, addone_in(1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is_fault(rpc::FaultCode::op_rng_error));
  r = f.call(c, rpcecho_spec(), 4, {});  // TestCall: no handler
  CHECK(r.error().is_fault(rpc::FaultCode::op_rng_error));
  r = f.call(c, rpcecho_spec(), 0, {1, 2});  // AddOne with 2 bytes
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().is_fault(rpc::FaultCode::fault_ndr));
  r = f.call(c, rpcecho_spec(), 1, {5, 0, 0, 0, 6, 0, 0, 0, 1});  // size_is != max_count
  CHECK(r.error().is_fault(rpc::FaultCode::fault_ndr));
  REQUIRE(f.call(c, rpcecho_spec(), 0, addone_in(1)).ok());
}

TEST_CASE("cn_object_uuid_is_carried", "[cn]") {
  // The handler sees the request's object UUID: given per call, or the binding string's default
  // object ("UUID@ncacn_ip_tcp:..."), a per-call one taking precedence; nil when there is none.
  const auto per_call = *rpc::Uuid::parse("01234567-89ab-cdef-0123-456789abcdef");
  const auto from_binding = *rpc::Uuid::parse("fedcba98-7654-3210-fedc-ba9876543210");
  Fixture f;
  auto& c = f.client();
  rpc::CallOptions o;
  o.object = per_call;
  auto r = f.call(c, rpcecho_spec(), 0, addone_in(5), o);
  REQUIRE(r.ok());
  CHECK(read_u32(*r) == 6u);
  CHECK(f.impl.last_object == per_call);
  REQUIRE(f.call(c, rpcecho_spec(), 0, addone_in(5)).ok());
  CHECK(f.impl.last_object.is_nil());

  auto addr = f.server->listen(rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1").value());
  REQUIRE(addr.ok());
  auto binding = rpc::Binding::parse(from_binding.to_string() + "@ncacn_ip_tcp:127.0.0.1[" +
                                     std::to_string(addr->port()) + "]");
  REQUIRE(binding.ok());
  auto& b = f.client_for(binding.value());
  f.impl.last_object = {};
  REQUIRE(f.call(b, rpcecho_spec(), 0, addone_in(1)).ok());
  CHECK(f.impl.last_object == from_binding);
  REQUIRE(f.call(b, rpcecho_spec(), 0, addone_in(1), o).ok());
  CHECK(f.impl.last_object == per_call);
}

TEST_CASE("cn_timeout_sends_cancel_and_the_connection_keeps_working", "[cn]") {
  Fixture f;
  auto& c = f.client();
  rpc::CallOptions o;
  o.timeout = std::chrono::milliseconds(30);
  auto r = f.call(c, rpcecho_spec(), 6, sleep_in(5), o);  // 100 ms
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == StatusKind::timeout);
  CHECK(c.calls_in_flight() == 0);
  // The late reply (after 100 ms) is dropped by both sides; calls go on.
  auto slot = f.start(c, rpcecho_spec(), 6, sleep_in(6));
  f.run_until([&] { return slot->has_value(); });
  REQUIRE((*slot)->ok());
  CHECK(read_u32(***slot) == 6u);
  CHECK(f.server->connection_count() == 1);
  CHECK(f.impl.sleeping == 0);
}

TEST_CASE("cn_cancel_ends_the_call_at_once", "[cn]") {
  Fixture f;
  auto& c = f.client();
  REQUIRE(f.call(c, rpcecho_spec(), 0, addone_in(1)).ok());
  std::optional<rpc::Status> st;
  auto args = std::make_unique<rpc::RawArgs>();
  static constexpr rpc::OperationSpec kSleep = rpc::raw_operation("sleep", 6);
  args->in = sleep_in(10);
  rpc::CallId id = c.call(rpcecho_spec(), kSleep, args.get(), {}, [&](rpc::Status s) { st = s; });
  f.run_until([&] { return c.calls_in_flight() == 1 && f.impl.sleeping == 1; });
  CHECK(f.impl.cancels == 0);
  c.cancel(id);
  f.run_until([&] { return st.has_value(); });
  CHECK(st->kind == StatusKind::cancelled);
  // co_cancel, then orphaned (the server keeps connections on orphan): the server's handler
  // hears of it once, through its ServerCall.
  f.run_until([&] { return f.impl.cancels == 1; });
  REQUIRE(f.call(c, rpcecho_spec(), 0, addone_in(2)).ok());
  f.run_until([&] { return f.impl.sleeping == 0; });
  CHECK(f.impl.cancels == 1);
}

TEST_CASE("cn_lost_connection_fails_calls_in_flight", "[cn]") {
  Fixture f;
  auto& c = f.client();
  auto a = f.start(c, rpcecho_spec(), 6, sleep_in(50));
  auto b = f.start(c, rpcecho_spec(), 6, sleep_in(50));
  f.run_until([&] { return c.calls_in_flight() == 2; });
  f.server->close();
  f.run_until([&] { return a->has_value() && b->has_value(); });
  CHECK((*a)->error().kind == StatusKind::transport);
  CHECK((*b)->error().kind == StatusKind::transport);
}

TEST_CASE("cn_association_groups_are_shared_and_checked", "[cn]") {
  Fixture f;
  auto& c1 = f.client();
  REQUIRE(f.call(c1, rpcecho_spec(), 0, addone_in(1)).ok());
  rpc::cn::ClientConfig join;
  join.assoc_group_id = c1.assoc_group_id();
  auto& c2 = f.client(join);
  REQUIRE(f.call(c2, rpcecho_spec(), 0, addone_in(1)).ok());
  CHECK(c2.assoc_group_id() == c1.assoc_group_id());
  CHECK(f.server->association_group_count() == 1);
  auto& c3 = f.client();
  REQUIRE(f.call(c3, rpcecho_spec(), 0, addone_in(1)).ok());
  CHECK(c3.assoc_group_id() != c1.assoc_group_id());
  CHECK(f.server->association_group_count() == 2);
  rpc::cn::ClientConfig bogus;
  bogus.assoc_group_id = c1.assoc_group_id() ^ 0x5a5a;
  auto& c4 = f.client(bogus);
  auto r = f.call(c4, rpcecho_spec(), 0, addone_in(1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == StatusKind::protocol);
  CHECK_THAT(r.error().message, Catch::Contains("bind refused"));
}

TEST_CASE("cn_calls_in_flight_limit", "[cn]") {
  rpc::cn::ServerConfig sc;
  sc.max_calls_in_flight = 2;
  Fixture f(sc);
  auto& c = f.client();
  auto a = f.start(c, rpcecho_spec(), 6, sleep_in(3));
  auto b = f.start(c, rpcecho_spec(), 6, sleep_in(3));
  auto d = f.start(c, rpcecho_spec(), 6, sleep_in(3));
  f.run_until([&] { return a->has_value() && b->has_value() && d->has_value(); });
  CHECK((*a)->ok());
  CHECK((*b)->ok());
  REQUIRE_FALSE((*d)->ok());
  CHECK((*d)->error().is_fault(rpc::FaultCode::server_too_busy));
}

TEST_CASE("cn_request_size_limit_is_a_protocol_error", "[cn]") {
  rpc::cn::ServerConfig sc;
  sc.max_request_size = 4096;
  Fixture f(sc);
  auto& c = f.client();
  auto r = f.call(c, rpcecho_spec(), 1, echodata_in(pattern(8000)));
  REQUIRE_FALSE(r.ok());
  // The server faults with nca_s_proto_error, then hangs up.
  CHECK((r.error().is_fault(rpc::FaultCode::proto_error) || r.error().kind == StatusKind::transport));
  auto& other = f.client();
  REQUIRE(f.call(other, rpcecho_spec(), 0, addone_in(1)).ok());
}

TEST_CASE("cn_tcp_ipv4_ipv6_and_ncalrpc_listeners", "[cn]") {
  Fixture f;
  std::string dir = "/tmp/cn_test_" + std::to_string(getpid());
  ::mkdir(dir.c_str(), 0700);
  auto v4 = f.server->listen(rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1").value());
  REQUIRE(v4.ok());
  CHECK(v4->port() != 0);
  auto v6 = f.server->listen(rpc::Binding::parse("ncacn_ip_tcp:::1").value());
  auto unix_addr = net::Address::unix_path(dir + "/echo");
  auto lrpc = f.server->listen_unix(*unix_addr);
  REQUIRE(lrpc.ok());
  std::vector<std::string> targets{"ncacn_ip_tcp:127.0.0.1[" + std::to_string(v4->port()) + "]",
                                   "ncalrpc:[echo]"};
  if (v6.ok()) targets.push_back("ncacn_ip_tcp:::1[" + std::to_string(v6->port()) + "]");
  else WARN("no IPv6 loopback: " << v6.status().message());
  for (const auto& t : targets) {
    rpc::cn::ClientConfig cc;
    cc.ncalrpc_dir = dir;
    auto& c = f.client_for(rpc::Binding::parse(t).value(), cc);
    auto r = f.call(c, rpcecho_spec(), 0, addone_in(9));
    INFO(t);
    REQUIRE(r.ok());
    CHECK(read_u32(*r) == 10u);
  }
  f.clients.clear();
  f.server->close();
  ::rmdir(dir.c_str());
}

TEST_CASE("cn_1000_concurrent_connections", "[cn]") {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 2200 && lim.rlim_max >= 2200) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 4096);
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  getrlimit(RLIMIT_NOFILE, &lim);
  REQUIRE(lim.rlim_cur >= 2100);  // both ends of 1,000 connections in this process
  Fixture f;
  auto addr = f.server->listen(rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1").value());
  REQUIRE(addr.ok());
  auto binding = rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[" + std::to_string(addr->port()) + "]").value();
  std::vector<std::shared_ptr<std::optional<rpc::Result<Bytes>>>> slots;
  for (int i = 0; i < 1000; ++i) {
    auto& c = f.client_for(binding);
    slots.push_back(f.start(c, rpcecho_spec(), 0, addone_in(uint32_t(i))));
  }
  f.run_until([&] {
    return std::all_of(slots.begin(), slots.end(), [](auto& s) { return s->has_value(); });
  }, 60000);
  for (size_t i = 0; i < slots.size(); ++i) {
    REQUIRE((*slots[i])->ok());
    CHECK(read_u32(***slots[i]) == uint32_t(i + 1));
  }
  CHECK(f.server->connection_count() == 1000);
  f.clients.clear();
  f.run_until([&] { return f.server->connection_count() == 0; });
}
