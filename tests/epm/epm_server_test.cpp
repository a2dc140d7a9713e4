// The endpoint mapper and mgmt served through the generated stubs over the cn engine, on
// loopback TCP: registration owned by the registrant's association, ept_map through the
// MapperResolver the cn engine is given (cache, invalidation and one retry after a failed
// connect), the built-in mgmt interface, and ept_inq_object's two request shapes. Each test has its own loop and ends with
// it closing with nothing left open.
#include <catch2/catch.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <random>

#include "epmapper_client.h"
#include "epmapper_rpc.h"
#include "mgmt_client.h"
#include "nca/epm/cn_client.h"
#include "nca/epm/database.h"
#include "nca/epm/epm_client.h"
#include "nca/epm/epmapper_server.h"
#include "nca/epm/registration.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/loop_executor.h"
#include "nca/rpc/cn/server.h"

using namespace nca;
using namespace nca::epm;

namespace {

constexpr rpc::SyntaxId kMgmt{rpc::Uuid::from_literal("afa8bd80-7d8a-11c9-bef4-08002b102989"), 1, 0};
constexpr rpc::SyntaxId kEpm{rpc::Uuid::from_literal("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};

rpc::Binding tcp(uint16_t port) {
  rpc::Binding b;
  b.set_protseq(rpc::Protseq::kNcacnIpTcp).set_host("127.0.0.1");
  if (port) b.set_endpoint(std::to_string(port));
  return b;
}

// A mapper (EpmapperServer on its own cn::Server) on 127.0.0.1, a kernel-chosen port.
struct Mapper {
  explicit Mapper(net::Loop& loop) : server(loop, core) {
    auto bound = server.listen_tcp(*net::Address::inet("ipv4", "127.0.0.1", 0));
    REQUIRE(bound);
    port = bound->port();
  }
  rpc::ServerCore core;
  EndpointDatabase db;
  EpmapperServer epm{core, db};
  rpc::cn::Server server;
  uint16_t port = 0;
};

// Any cn::Server serves mgmt by itself: a target to register and resolve.
struct Target {
  explicit Target(net::Loop& loop, rpc::cn::ServerConfig config = {}) : server(loop, core, std::move(config)) {
    auto bound = server.listen_tcp(*net::Address::inet("ipv4", "127.0.0.1", 0));
    REQUIRE(bound);
    port = bound->port();
  }
  rpc::ServerCore core;
  rpc::cn::Server server;
  uint16_t port = 0;
};

Entry mgmt_entry(uint16_t port) {
  auto t = tower_from_binding(tcp(port), kMgmt);
  REQUIRE(t);
  return Entry{{}, std::move(t).value(), "target"};
}

template <class T>
T wait(net::Loop& loop, std::optional<T>& slot) {
  REQUIRE(loop.run_until([&] { return slot.has_value(); }));
  return std::move(*slot);
}

uint32_t insert(net::Loop& loop, rpc::BindingHandle& h, std::vector<Entry> e) {
  std::optional<rpc::Result<uint32_t>> r;
  insert_entries(h, std::move(e), false, [&](rpc::Result<uint32_t> x) { r.emplace(std::move(x)); });
  auto got = wait(loop, r);
  REQUIRE(got);
  return got.value();
}

std::vector<Entry> dump(net::Loop& loop, rpc::LoopExecutor& ex, uint16_t mapper_port) {
  rpc::cn::ClientHandle h(ex, tcp(mapper_port));
  std::optional<rpc::Result<LookupAnswer>> r;
  lookup_all(h, [&](rpc::Result<LookupAnswer> x) { r.emplace(std::move(x)); });
  auto got = wait(loop, r);
  REQUIRE(got);
  CHECK(got->status == kEptOk);
  return got->entries;
}

void finish(net::Loop& loop) {
  loop.run();
  CHECK(loop.close());
}

}  // namespace

TEST_CASE("epm_server_registrant_association_owns_its_entries", "[epm][cn]") {
  net::Loop loop;
  {
    rpc::LoopExecutor ex(loop);
    Mapper mapper(loop);
    auto registrant = std::make_unique<rpc::cn::ClientHandle>(ex, tcp(mapper.port));
    REQUIRE(insert(loop, *registrant, {mgmt_entry(4321)}) == kEptOk);
    auto listed = dump(loop, ex, mapper.port);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].annotation == "target");
    CHECK(binding_from_tower(listed[0].tower)->binding.endpoint() == "4321");

    // The registrant goes away without ept_delete (as a killed process does): its association
    // closes on the server and the entries go with it.
    registrant.reset();
    REQUIRE(loop.run_until([&] { return mapper.db.size() == 0; }));
    CHECK(dump(loop, ex, mapper.port).empty());
  }
  finish(loop);
}

// ept_mgmt_delete over the wire, as an administrator's tool uses it: look the entries up, hand
// one tower back; only that entry goes, and a second delete finds nothing.
TEST_CASE("epm_mgmt_delete_over_the_wire_removes_one_entry", "[epm][cn]") {
  net::Loop loop;
  {
    rpc::LoopExecutor ex(loop);
    Mapper mapper(loop);
    rpc::cn::ClientHandle registrant(ex, tcp(mapper.port));
    REQUIRE(insert(loop, registrant, {mgmt_entry(4321), mgmt_entry(4322)}) == kEptOk);
    rpc::cn::ClientHandle admin(ex, tcp(mapper.port));
    epmapper::Client::Drive drive = [&loop](const std::function<bool()>& done) { return loop.run_until(done); };
    epmapper::Client client(admin, drive);
    auto found = client.epm_Lookup(epmapper::RPC_C_EP_ALL_ELTS, nullptr, nullptr, epmapper::epm_VersionOption(1),
                                   ndr::ContextHandle{}, 10);
    REQUIRE(found);
    REQUIRE(found->entries.size() == 2);
    REQUIRE(found->entries[0].tower);
    auto before = dump(loop, ex, mapper.port);  // the same stable order as the lookup's
    REQUIRE(before.size() == 2);
    auto deleted = client.epm_MgmtDelete(0, nullptr, found->entries[0].tower);
    REQUIRE(deleted);
    CHECK(*deleted == kEptOk);
    auto left = dump(loop, ex, mapper.port);
    REQUIRE(left.size() == 1);
    CHECK(binding_from_tower(left[0].tower)->binding.endpoint() == binding_from_tower(before[1].tower)->binding.endpoint());
    auto again = client.epm_MgmtDelete(0, nullptr, found->entries[0].tower);
    REQUIRE(again);
    CHECK(*again == kEptNoMoreEntries);  // ept_s_not_registered
  }
  finish(loop);
}

TEST_CASE("epm_resolver_caches_and_resolves_again_after_a_failed_connect", "[epm][cn]") {
  net::Loop loop;
  {
    rpc::LoopExecutor ex(loop);
    Mapper mapper(loop);
    auto target = std::make_unique<Target>(loop);
    uint16_t first_port = target->port;
    rpc::cn::ClientHandle registrant(ex, tcp(mapper.port));
    REQUIRE(insert(loop, registrant, {mgmt_entry(first_port)}) == kEptOk);

    MapperResolverConfig rc;
    rc.epm_port = mapper.port;
    auto resolver = make_cn_resolver(ex, {}, rc);
    rpc::cn::ClientConfig cc;
    cc.resolver = resolver;
    mgmt::Client::Drive drive = [&loop](const std::function<bool()>& done) { return loop.run_until(done); };
    auto call_mgmt = [&] {
      rpc::cn::ClientHandle h(ex, tcp(0), cc);  // no endpoint: resolved through the mapper
      mgmt::Client client(h, drive);
      auto ids = client.mgmt_inq_if_ids();
      return ids && ids->if_id_vector && !ids->if_id_vector->if_id.empty();
    };
    CHECK(call_mgmt());
    CHECK(resolver->map_calls() == 1);
    CHECK(resolver->cache_size() == 1);
    CHECK(call_mgmt());
    CHECK(resolver->map_calls() == 1);  // the second handle used the cache

    // The target moves: its old port refuses connections; the mapper knows the new one.
    target.reset();
    target = std::make_unique<Target>(loop);
    REQUIRE(target->port != first_port);
    std::optional<rpc::Result<uint32_t>> del;
    delete_entries(registrant, {mgmt_entry(first_port)}, [&](rpc::Result<uint32_t> r) { del.emplace(std::move(r)); });
    REQUIRE(wait(loop, del).value() == kEptOk);
    REQUIRE(insert(loop, registrant, {mgmt_entry(target->port)}) == kEptOk);
    CHECK(call_mgmt());                 // cached port fails, the cache is dropped, ept_map again
    CHECK(resolver->map_calls() == 2);

    // Nothing registered: the resolution fails with the mapper's status, never a hang.
    resolver->invalidate(tcp(0));
    std::optional<rpc::Result<rpc::Binding>> none;
    resolver->resolve(tcp(0), kEpm, [&](rpc::Result<rpc::Binding> r) { none.emplace(std::move(r)); });
    auto r = wait(loop, none);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == rpc::StatusKind::protocol);
    CHECK(r.error().code == kEptNoMoreEntries);
  }
  finish(loop);
}

// A server's registration (epm::Registration, what ncaecho-server --epm uses): its towers at
// every listener but IPv6 ones, inserted and removed over one handle; dropped with the handle's
// association when the registration goes without ept_delete; a refused insert is the mapper's
// status as kind protocol.
TEST_CASE("epm_registration_inserts_removes_and_goes_with_its_connection", "[epm][cn]") {
  net::Loop loop;
  {
    rpc::LoopExecutor ex(loop);
    Mapper mapper(loop);
    rpc::Binding v6 = tcp(4322);
    v6.set_host("::1");
    rpc::Binding lrpc;
    lrpc.set_protseq(rpc::Protseq::kNcalrpc).set_endpoint("target");
    const rpc::Binding listening[] = {tcp(4321), v6, lrpc};
    auto entries = server_entries(listening, kMgmt, "target");
    REQUIRE(entries.size() == 2);  // no IPv6 tower
    CHECK(binding_from_tower(entries[0].tower)->binding.endpoint() == "4321");
    CHECK(binding_from_tower(entries[1].tower)->binding.to_string() == "ncalrpc:[target]");

    auto status = [&](auto start) {
      std::optional<rpc::Status> st;
      start([&](rpc::Status s) { st.emplace(std::move(s)); });
      return wait(loop, st);
    };
    Registration reg(ex, std::make_unique<rpc::cn::ClientHandle>(ex, tcp(mapper.port)), entries);
    CHECK(status([&](auto done) { reg.insert(std::move(done)); }).ok());
    CHECK(mapper.db.size() == 2);
    CHECK(dump(loop, ex, mapper.port).size() == 2);
    CHECK(status([&](auto done) { reg.remove(std::move(done)); }).ok());
    CHECK(mapper.db.size() == 0);
    CHECK_FALSE(reg.holds_handle());

    {
      Registration dies(ex, std::make_unique<rpc::cn::ClientHandle>(ex, tcp(mapper.port)), entries);
      CHECK(status([&](auto done) { dies.insert(std::move(done)); }).ok());
      CHECK(mapper.db.size() == 2);
    }
    REQUIRE(loop.run_until([&] { return mapper.db.size() == 0; }));

    Entry bad = entries[0];
    bad.annotation = std::string(kMaxAnnotation + 1, 'x');
    Registration refused(ex, std::make_unique<rpc::cn::ClientHandle>(ex, tcp(mapper.port)), {bad});
    rpc::Status st = status([&](auto done) { refused.insert(std::move(done)); });
    CHECK(st.kind == rpc::StatusKind::protocol);
    CHECK(st.code == kEptInvalidEntry);
  }
  finish(loop);
}

TEST_CASE("mgmt_is_built_into_every_cn_server", "[epm][cn]") {
  net::Loop loop;
  {
    rpc::LoopExecutor ex(loop);
    bool stopped_allowed = false;
    rpc::cn::ServerConfig allow;
    allow.allow_remote_stop = [&](const rpc::CallerContext&) { return stopped_allowed; };
    Target target(loop, allow);
    mgmt::Client::Drive drive = [&loop](const std::function<bool()>& done) { return loop.run_until(done); };
    rpc::cn::ClientHandle h(ex, tcp(target.port));
    mgmt::Client client(h, drive);

    auto ids = client.mgmt_inq_if_ids();
    REQUIRE(ids);
    REQUIRE(ids->if_id_vector);
    REQUIRE(ids->if_id_vector->if_id.size() == 1);
    CHECK(ids->if_id_vector->if_id[0].id->if_version == 1u);

    auto stats = client.mgmt_inq_stats(4, 0);  // Windows' and Samba's 8-byte request
    REQUIRE(stats);
    REQUIRE(stats->statistics.statistics.size() == 4);
    CHECK(stats->statistics.statistics[0] >= 2);  // calls in: inq_if_ids and this one

    // DCE 1.1's 4-byte request, raw.
    std::optional<rpc::Result<rpc::Bytes>> raw;
    h.call_raw(mgmt::kInterface, 1, rpc::Bytes{2, 0, 0, 0}, {}, [&](rpc::Result<rpc::Bytes> r) { raw.emplace(std::move(r)); });
    auto short_reply = wait(loop, raw);
    REQUIRE(short_reply);
    CHECK(short_reply->size() == 4 + 4 + 2 * 4 + 4);  // size, count, 2 counters, status

    auto listening = client.mgmt_is_server_listening();
    REQUIRE(listening);
    CHECK(listening->result);
    CHECK(listening->status == 0);

    auto refused = client.mgmt_stop_server_listening();
    REQUIRE(refused);
    CHECK(refused->value == 5u);  // WERR_ACCESS_DENIED
    CHECK(target.server.connection_count() == 1);

    auto princ = client.mgmt_inq_princ_name(10, 100);
    REQUIRE(princ);
    CHECK(princ->result.value == 0x6d3u);  // no principal for NTLMSSP

    stopped_allowed = true;
    auto stopped = client.mgmt_stop_server_listening();
    REQUIRE(stopped);
    CHECK(stopped->value == 0u);
    REQUIRE(loop.run_until([&] { return target.server.connection_count() == 0; }));
  }
  finish(loop);
}

// inq_stats counts what the engine saw, exactly: one connection, its bind and one-fragment calls
// (each request a packet in, each bind_ack or response a packet out), and a client handle of
// the server's own process (given the core's stats) counting its calls out.
TEST_CASE("mgmt_inq_stats_counts_calls_and_packets", "[epm][cn]") {
  net::Loop loop;
  {
    rpc::LoopExecutor ex(loop);
    Target target(loop);
    mgmt::Client::Drive drive = [&loop](const std::function<bool()>& done) { return loop.run_until(done); };
    rpc::cn::ClientHandle h(ex, tcp(target.port));
    mgmt::Client client(h, drive);
    REQUIRE(client.mgmt_is_server_listening());
    REQUIRE(client.mgmt_is_server_listening());
    auto stats = client.mgmt_inq_stats(4, 0);
    REQUIRE(stats);
    // Seen when inq_stats ran: 3 calls dispatched (this one included); packets in: bind + 3
    // requests; packets out: bind_ack + 2 responses; nothing initiated.
    CHECK(stats->statistics.statistics == std::vector<uint32_t>{3, 0, 4, 3});

    // A 100 KiB stub crosses in 5840-byte fragments (the default max_frag): 18 packets in.
    std::optional<rpc::Result<rpc::Bytes>> big;
    h.call_raw(mgmt::kInterface, 2, rpc::Bytes(100 * 1024, 0), {},
               [&](rpc::Result<rpc::Bytes> r) { big.emplace(std::move(r)); });
    (void)wait(loop, big);  // a fault or a reply: either way one more call and one more packet out
    rpc::cn::ClientConfig own;
    own.stats = &target.core.stats();
    rpc::cn::ClientHandle self_client(ex, tcp(target.port), own);
    mgmt::Client self(self_client, drive);
    auto after = self.mgmt_inq_stats(4, 0);
    REQUIRE(after);
    const size_t per_frag = (5840 - 24) & ~size_t(7);  // request header 24 bytes, 8-byte multiples
    const size_t frags = (100 * 1024 + per_frag - 1) / per_frag;
    REQUIRE(frags == 18);
    // calls in: 4 + this; calls out: this one; packets in: 4 + frags + the second bind + this
    // request; packets out: 3 + the first inq_stats' response + the big call's reply + the
    // second bind_ack.
    CHECK(after->statistics.statistics ==
          std::vector<uint32_t>{5, 1, uint32_t(4 + frags + 2), uint32_t(3 + 1 + 1 + 1)});
  }
  finish(loop);
}

TEST_CASE("epm_inq_object_answers_the_c706_and_the_samba_request", "[epm][cn]") {
  net::Loop loop;
  {
    rpc::LoopExecutor ex(loop);
    Mapper mapper(loop);
    rpc::cn::ClientHandle h(ex, tcp(mapper.port));
    auto call = [&](rpc::Bytes stub) {
      std::optional<rpc::Result<rpc::Bytes>> r;
      h.call_raw(epmapper::kInterface, 5, std::move(stub), {}, [&](rpc::Result<rpc::Bytes> x) { r.emplace(std::move(x)); });
      return wait(loop, r);
    };
    auto c706 = call({});
    REQUIRE(c706);
    CHECK(c706->size() == 20);  // [out] uuid_t, then the status
    CHECK(std::vector<uint8_t>(c706->end() - 4, c706->end()) == std::vector<uint8_t>{0, 0, 0, 0});
    auto samba = call(rpc::Bytes(16, 0));
    REQUIRE(samba);
    CHECK(*samba == rpc::Bytes{0, 0, 0, 0});
    auto bad = call(rpc::Bytes(5, 0));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().is_fault(rpc::FaultCode::fault_ndr));
  }
  finish(loop);
}

TEST_CASE("epm_server_survives_garbage_stubs_on_every_opnum", "[epm][cn]") {
  net::Loop loop;
  {
    rpc::LoopExecutor ex(loop);
    Mapper mapper(loop);
    rpc::cn::ClientHandle registrant(ex, tcp(mapper.port));
    REQUIRE(insert(loop, registrant, {mgmt_entry(4321)}) == kEptOk);
    rpc::cn::ClientHandle h(ex, tcp(mapper.port));
    // A valid ept_map request, then mutations of it: truncated, bytes flipped, lengths inflated.
    auto tower = mgmt_entry(4321).tower.encode_twr();
    rpc::Bytes map_req = {0, 0, 0, 0, 1, 0, 2, 0};  // object: null; map_tower: referent
    map_req.insert(map_req.end(), tower.begin(), tower.end());
    while (map_req.size() % 4) map_req.push_back(0);
    map_req.resize(map_req.size() + 20, 0);             // entry_handle: null
    map_req.insert(map_req.end(), {4, 0, 0, 0});         // max_towers
    std::minstd_rand rng(7);
    int answered = 0, calls = 0;
    for (uint16_t opnum = 0; opnum <= 7; ++opnum) {
      for (int i = 0; i < 40; ++i) {
        rpc::Bytes stub = map_req;
        if (i % 3 == 0) stub.resize(rng() % stub.size());
        for (int k = 0; k < 1 + i % 5; ++k) stub[rng() % stub.size()] ^= uint8_t(1 + rng() % 255);
        if (i % 7 == 0) stub.assign(rng() % 64, uint8_t(0xff));
        std::optional<rpc::Result<rpc::Bytes>> r;
        h.call_raw(epmapper::kInterface, opnum, std::move(stub), {}, [&](rpc::Result<rpc::Bytes> x) { r.emplace(std::move(x)); });
        auto got = wait(loop, r);
        ++calls;
        // Either an answer or a fault; never a lost connection (the server stays up).
        if (got || got.error().kind == rpc::StatusKind::fault) ++answered;
      }
    }
    CHECK(answered == calls);
    auto listed = dump(loop, ex, mapper.port);
    REQUIRE(listed.size() == 1);
    CHECK(binding_from_tower(listed[0].tower)->binding.endpoint() == "4321");
  }
  finish(loop);
}

// Issue 18: the mapper lists and maps its own endpoints (as Samba's does; rpcclient maps the
// epmapper interface before it connects): epmapper v3.0, annotation "epmapper", nobody's entry;
// IPv6 bindings have no tower and are skipped.
TEST_CASE("epm_server_maps_its_own_endpoints", "[epm][cn]") {
  net::Loop loop;
  {
    rpc::LoopExecutor ex(loop);
    Mapper mapper(loop);
    const rpc::SyntaxId epm_if{rpc::Uuid::from_literal("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};
    REQUIRE(kEpmapperInterface == epm_if);
    rpc::Binding v6;
    v6.set_protseq(rpc::Protseq::kNcacnIpTcp).set_host("::1").set_endpoint("135");
    std::vector<rpc::Binding> own{tcp(mapper.port), rpc::Binding::parse("ncalrpc:[EPMAPPER]").value(), v6};
    REQUIRE(mapper.db.insert_own_endpoints(own) == kEptOk);
    auto listed = dump(loop, ex, mapper.port);
    REQUIRE(listed.size() == 2);
    for (const Entry& e : listed) {
      CHECK(e.annotation == "epmapper");
      CHECK(e.tower.interface_id() == epm_if);
    }
    CHECK(binding_from_tower(listed[1].tower)->binding.to_string() == "ncalrpc:[EPMAPPER]");

    rpc::cn::ClientHandle h(ex, tcp(mapper.port));
    std::optional<rpc::Result<MapAnswer>> r;
    map_endpoints(h, tcp(0), epm_if, {}, [&](rpc::Result<MapAnswer> x) { r.emplace(std::move(x)); });
    auto got = wait(loop, r);
    REQUIRE(got);
    CHECK(got->status == kEptOk);
    CHECK(got->endpoints == std::vector<std::string>{std::to_string(mapper.port)});
    CHECK(mapper.db.size() == 2);  // owned by nobody: no association's end removes them
  }
  finish(loop);
}
