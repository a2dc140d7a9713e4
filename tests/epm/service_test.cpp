// EpmService over a real ServerCore: lookup and map context handles (opened, continued, closed
// at the end, freed early, run down with their association, refused to other associations),
// the Samba/Windows end of a lookup chosen from the client's vers_option numbering, owners tied
// to ncalrpc associations, and malformed input of each operation.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "service_fixture.h"

using namespace nca::epm;
using namespace epmtest;
using nca::rpc::Binding;
using nca::rpc::WireContextHandle;

namespace {

const Uuid kIf = kServiceIf;

}  // namespace

TEST_CASE("svc_lookup_samba_numbering_ends_with_not_registered", "[epm]") {
  Fixture f;
  f.fill(3);
  auto r1 = f.lookup({}, /*Samba's RPC_C_VERS_ALL*/ 0, 2);
  CHECK(r1.status == kEptOk);
  CHECK(r1.entries.size() == 2);
  REQUIRE_FALSE(r1.handle.is_null());
  CHECK(f.open_handles() == 1);
  auto r2 = f.lookup(r1.handle, 0, 2);
  CHECK(r2.status == kEptNoMoreEntries);
  CHECK(r2.entries.size() == 1);
  CHECK(r2.handle.is_null());
  CHECK(f.open_handles() == 0);
}

TEST_CASE("svc_lookup_windows_numbering_ends_with_status_0_and_null_handle", "[epm]") {
  Fixture f;
  f.fill(3);
  auto r1 = f.lookup({}, /*RPC_C_VERS_ALL*/ 1, 2);
  CHECK(r1.status == kEptOk);
  auto r2 = f.lookup(r1.handle, 1, 500);
  CHECK(r2.status == kEptOk);
  CHECK(r2.entries.size() == 1);
  CHECK(r2.handle.is_null());
  CHECK(f.open_handles() == 0);
  // Impacket's single call of 500: everything, status 0, null handle.
  auto all = f.lookup({}, 1, 500);
  CHECK(all.status == kEptOk);
  CHECK(all.entries.size() == 3);
  CHECK(all.handle.is_null());
}

TEST_CASE("svc_lookup_style_can_be_forced", "[epm]") {
  EndpointDatabase db;
  EpmService::Options o;
  o.lookup_end = LookupEnd::kSamba;
  EpmService svc(db, o);
  CallMaker calls;
  auto a = calls.core.open_association();
  auto tower = tcp_octets(7000);
  WireEntry e{{}, tower, "x"};
  auto call = calls.call(a);
  REQUIRE(svc.insert(call.caller(), std::span(&e, 1), false) == kEptOk);
  auto r = svc.lookup(call, 0, std::nullopt, std::nullopt, 1, {}, 10);
  REQUIRE(r.ok());
  CHECK(r.value().status == kEptNoMoreEntries);
  CHECK(r.value().entries.size() == 1);
  call.complete();
}

TEST_CASE("svc_lookup_handle_free_and_rundown", "[epm]") {
  Fixture f;
  f.fill(5);
  auto r1 = f.lookup({}, 1, 2);
  REQUIRE_FALSE(r1.handle.is_null());
  {
    // Another association may not use it.
    auto other = f.calls.core.open_association();
    auto call = f.calls.call(other);
    auto r = f.svc.lookup(call, 0, std::nullopt, std::nullopt, 1, r1.handle, 2);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(nca::rpc::FaultCode::fault_context_mismatch));
    call.complete();
  }
  {
    // Nor as an ept_map handle.
    auto call = f.calls.call(f.assoc);
    auto r = f.svc.map(call, std::nullopt, std::nullopt, r1.handle, 1, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().is(nca::rpc::FaultCode::fault_context_mismatch));
    call.complete();
  }
  {
    auto call = f.calls.call(f.assoc);
    auto freed = f.svc.lookup_handle_free(call, r1.handle);
    REQUIRE(freed.ok());
    CHECK(freed.value().is_null());
    CHECK(f.open_handles() == 0);
    auto again = f.svc.lookup_handle_free(call, r1.handle);
    REQUIRE_FALSE(again.ok());
    call.complete();
  }
  // A client that leaves mid-lookup: its association's close runs the cursor down.
  auto r2 = f.lookup({}, 1, 2);
  REQUIRE(f.open_handles() == 1);
  f.calls.core.close_association(f.assoc);
  CHECK(f.open_handles() == 0);
}

TEST_CASE("svc_map_through_handles", "[epm]") {
  Fixture f;
  f.fill(3);
  auto map_tower = tcp_octets(0);
  MapContext ctx{Ipv4Floor{{192, 0, 2, 1}}, ""};
  auto call = f.calls.call(f.assoc);
  auto r1 = f.svc.map(call, std::nullopt, std::span<const uint8_t>(map_tower), {}, 2, ctx);
  REQUIRE(r1.ok());
  CHECK(r1.value().status == kEptOk);
  REQUIRE(r1.value().towers.size() == 2);
  CHECK(binding_from_tower(r1.value().towers[0]).value().binding.to_string() == "ncacn_ip_tcp:192.0.2.1[6000]");
  REQUIRE_FALSE(r1.value().handle.is_null());
  auto r2 = f.svc.map(call, std::nullopt, std::nullopt, r1.value().handle, 2, ctx);
  REQUIRE(r2.ok());
  CHECK(r2.value().towers.size() == 1);
  CHECK(r2.value().handle.is_null());
  CHECK(f.open_handles() == 0);
  call.complete();
}

TEST_CASE("svc_malformed_requests_get_status_words", "[epm]") {
  Fixture f;
  f.fill(1);
  auto call = f.calls.call(f.assoc);
  const nca::rpc::Bytes junk = {0x01, 0x00, 0x05, 0x00};
  WireEntry bad{{}, junk, "bad"};
  CHECK(f.svc.insert(call.caller(), std::span(&bad, 1), false) == kEptInvalidEntry);
  CHECK(f.svc.remove(std::span(&bad, 1)) == kEptInvalidEntry);
  auto r = f.svc.lookup(call, 9, std::nullopt, std::nullopt, 1, {}, 10);
  REQUIRE(r.ok());
  CHECK(r.value().status == kEptCantPerformOp);
  CHECK(r.value().handle.is_null());
  r = f.svc.lookup(call, 1, std::nullopt, SyntaxId{kIf, 1, 0}, 77, {}, 10);
  CHECK(r.value().status == kEptCantPerformOp);
  // An unknown vers_option does not matter when the interface is not matched.
  r = f.svc.lookup(call, 0, std::nullopt, std::nullopt, 77, {}, 10);
  CHECK(r.value().status == kEptOk);
  WireContextHandle forged{0, Uuid::from_literal("deadbeef-0000-0000-0000-000000000000")};
  CHECK_FALSE(f.svc.lookup(call, 0, std::nullopt, std::nullopt, 1, forged, 10).ok());
  auto m = f.svc.map(call, std::nullopt, std::span<const uint8_t>(junk), {}, 10, {});
  CHECK(m.value().status == kEptCantPerformOp);
  m = f.svc.map(call, std::nullopt, std::nullopt, {}, 10, {});
  CHECK(m.value().status == kEptNoMoreEntries);
  CHECK(f.svc.mgmt_delete(false, std::nullopt, std::nullopt) == kEptInvalidEntry);
  CHECK(f.svc.mgmt_delete(false, std::nullopt, std::span<const uint8_t>(junk)) == kEptInvalidEntry);
  CHECK(f.db.size() == 1);
  call.complete();
}

TEST_CASE("svc_ncalrpc_registrations_go_with_their_association", "[epm]") {
  Fixture f;
  auto server = f.calls.core.open_association();
  auto tower = tcp_octets(8000);
  WireEntry e{{}, tower, "local server"};
  auto call = f.calls.call(server, "ncalrpc");
  REQUIRE(f.svc.insert(call.caller(), std::span(&e, 1), false) == kEptOk);
  call.complete();
  REQUIRE(f.db.entries().size() == 1);
  CHECK(f.db.entries()[0].owner == server);
  // What the daemon does when that connection closes:
  f.db.drop_owner(server);
  CHECK(f.lookup({}, 1, 10).entries.empty());
  // Network registrations are not tied to a connection.
  auto remote = f.calls.call(server, "ncacn_ip_tcp");
  REQUIRE(f.svc.insert(remote.caller(), std::span(&e, 1), false) == kEptOk);
  remote.complete();
  CHECK(f.db.entries()[0].owner == kNoOwner);
  Uuid obj;
  CHECK(f.svc.inq_object(obj) == kEptOk);
  CHECK(obj.is_nil());
}

TEST_CASE("svc_random_requests_survive_and_never_return_dead_owners", "[epm]") {
  // Random operations with random and mutated towers, handles, inquiry types, version options
  // and batch sizes, from several associations; some owners die along the way. Invariants: no
  // crash (ASan/UBSan in the sanitizer build), every returned entry decodes and belongs to a live
  // owner, and open handles are bounded by the lookups left open.
  EndpointDatabase db(DatabaseLimits{64, 8});
  std::set<OwnerId> dead;
  db.set_liveness_probe([&](OwnerId o) { return dead.count(o) == 0; });
  EpmService svc(db);
  CallMaker calls;
  std::vector<nca::rpc::AssociationId> assocs;
  for (int i = 0; i < 4; ++i) assocs.push_back(calls.core.open_association());
  std::vector<WireContextHandle> handles;
  std::mt19937 rng(1234);
  auto valid = tower_cases();
  std::vector<nca::rpc::Bytes> pool;
  for (const auto& [name, t] : valid) pool.push_back(t.encode());
  auto random_tower = [&] {
    nca::rpc::Bytes b = pool[rng() % pool.size()];
    if (rng() % 2 == 0) b = tcp_octets(uint16_t(1 + rng() % 50));
    int flips = rng() % 3;
    for (int i = 0; i < flips && !b.empty(); ++i) b[rng() % b.size()] = uint8_t(rng());
    if (rng() % 8 == 0) b.resize(rng() % (b.size() + 1));
    return b;
  };
  size_t returned = 0;
  for (int step = 0; step < 4000; ++step) {
    auto assoc = assocs[rng() % assocs.size()];
    auto call = calls.call(assoc, rng() % 2 ? "ncalrpc" : "ncacn_ip_tcp");
    switch (rng() % 7) {
      case 0:
      case 1: {
        auto t = random_tower();
        WireEntry e{rng() % 3 ? Uuid{} : kIf, t, "r"};
        (void)svc.insert(call.caller(), std::span(&e, 1), rng() % 2);
        break;
      }
      case 2: {
        auto t = random_tower();
        WireEntry e{{}, t, ""};
        (void)svc.remove(std::span(&e, 1));
        break;
      }
      case 3: {
        WireContextHandle h = handles.empty() || rng() % 3 == 0 ? WireContextHandle{} : handles[rng() % handles.size()];
        auto r = svc.lookup(call, rng() % 5, rng() % 2 ? std::optional<Uuid>(kIf) : std::nullopt,
                            SyntaxId{kIf, uint16_t(rng() % 3), uint16_t(rng() % 3)}, rng() % 7, h, rng() % 6);
        if (r.ok()) {
          for (const auto& e : r.value().entries) {
            CHECK(Tower::decode(e.tower.encode()).ok());
            ++returned;
          }
          if (!r.value().handle.is_null()) handles.push_back(r.value().handle);
        }
        break;
      }
      case 4: {
        auto t = random_tower();
        WireContextHandle h = handles.empty() || rng() % 2 ? WireContextHandle{} : handles[rng() % handles.size()];
        auto r = svc.map(call, std::nullopt, std::span<const uint8_t>(t), h, rng() % 4, {});
        if (r.ok() && !r.value().handle.is_null()) handles.push_back(r.value().handle);
        break;
      }
      case 5:
        if (!handles.empty()) (void)svc.lookup_handle_free(call, handles[rng() % handles.size()]);
        break;
      case 6:
        if (rng() % 4 == 0) dead.insert(assocs[rng() % assocs.size()]);
        break;
    }
    call.complete();
    for (const auto& e : db.entries()) CHECK(dead.count(e.owner) == 0);
  }
  CHECK(returned > 0);
  for (auto a : assocs) calls.core.close_association(a);
  CHECK(calls.core.context_handles().size() == 0);
}

TEST_CASE("svc_smbtorture_epmapper_sequence", "[epm]") {
  // What smbtorture rpc.epmapper (Samba 4.17) asserts, replayed against the service with the
  // towers its dcerpc_binding_build_tower makes (ours are byte-checked against Samba's).
  Fixture f;
  f.fill(12);  // more than one batch of Lookup_simple's max_ents 10
  auto call = f.calls.call(f.assoc);
  // Map_full: insert ncacn_ip_tcp:216.83.154.106[41768] for the NDR syntax as interface ...
  const SyntaxId ndr_as_if = nca::rpc::kNdr20;
  auto ins = tower_from_binding(Binding::parse("ncacn_ip_tcp:216.83.154.106[41768]").value(), ndr_as_if).value().encode();
  WireEntry e{{}, ins, "SMBTORTURE"};
  REQUIRE(f.svc.insert(call.caller(), std::span(&e, 1), false) == kEptOk);
  // ... map it with a tower for ncacn_ip_tcp:[135]: status 0, interface and NDR floors, a port
  // above 1024, an IP address.
  auto map_tower = tower_from_binding(Binding::parse("ncacn_ip_tcp:[135]").value(), ndr_as_if).value().encode();
  auto m = f.svc.map(call, Uuid{}, std::span<const uint8_t>(map_tower), {}, 10, {});
  REQUIRE(m.ok());
  REQUIRE(m.value().status == kEptOk);
  const Tower& t = m.value().towers.at(0);
  CHECK(t.interface_id() == ndr_as_if);
  CHECK(t.transfer_syntax() == nca::rpc::kNdr20);
  CHECK(std::get<PortFloor>(t.floors[3]).port == 41768);
  CHECK(std::get<Ipv4Floor>(t.floors[4]).to_string() == "216.83.154.106");
  // ... and delete it under another annotation (only object and tower identify an entry).
  WireEntry del{{}, ins, "smbtorture"};
  CHECK(f.svc.remove(std::span(&del, 1)) == kEptOk);
  // Insert_noreplace: ncalrpc:[SMBTORTURE] without an abstract syntax (nil interface floor).
  auto lrpc = tower_from_binding(Binding::parse("ncalrpc:[SMBTORTURE]").value(), SyntaxId{}).value().encode();
  WireEntry le{{}, lrpc, "smbtorture endpoint"};
  CHECK(f.svc.insert(call.caller(), std::span(&le, 1), false) == kEptOk);
  WireEntry ld{{}, lrpc, "smbtorture"};
  CHECK(f.svc.remove(std::span(&ld, 1)) == kEptOk);
  call.complete();
  // Lookup_simple: RPC_C_EP_ALL_ELTS, RPC_C_VERS_ALL (0 in Samba's numbering), max_ents 10; loop
  // while status 0, num_ents == max_ents and the handle is not empty; then status must be
  // EPMAPPER_STATUS_NO_MORE_ENTRIES and the handle empty.
  WireContextHandle h;
  EpmService::LookupReply r;
  int calls_made = 0;
  do {
    r = f.lookup(h, 0, 10);
    h = r.handle;
    ++calls_made;
  } while (r.status == kEptOk && r.entries.size() == 10 && !h.is_null());
  CHECK(calls_made == 2);
  CHECK(r.status == kEptNoMoreEntries);
  CHECK(h.is_null());
  // Lookup_terminate_search: max_ents 2 gives status 0 and a handle that LookupHandleFree takes.
  auto first = f.lookup({}, 0, 2);
  CHECK(first.status == kEptOk);
  REQUIRE_FALSE(first.handle.is_null());
  auto call2 = f.calls.call(f.assoc);
  CHECK(f.svc.lookup_handle_free(call2, first.handle).ok());
  call2.complete();
  CHECK(f.open_handles() == 0);
}
