// The endpoint database: insert/delete/replace, lookup by inquiry type and version option, stable
// order across batches, Windows' and Samba's ends of a lookup, ept_map's matching and fallback,
// ept_mgmt_delete, limits, and liveness (a dead owner's entries are never handed out).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <set>

#include "nca/epm/database.h"
#include "tower_cases.h"

using namespace nca::epm;
using namespace epmtest;
using nca::rpc::Binding;

namespace {

const Uuid kIfA = Uuid::from_literal("11111111-2222-3333-4444-555555555555");
const Uuid kIfB = Uuid::from_literal("66666666-7777-8888-9999-aaaaaaaaaaaa");
const Uuid kObj = Uuid::from_literal("0badf00d-0000-0000-0000-000000000001");

// Built with the setters: port 0 (what a map tower carries) is no valid string binding.
Tower tcp_tower(SyntaxId iface, uint16_t port, const char* ip = "0.0.0.0") {
  Binding b;
  b.set_protseq(nca::rpc::Protseq::kNcacnIpTcp).set_host(ip);
  if (port) b.set_endpoint(std::to_string(port));
  return tower_from_binding(b, iface).value();
}
Tower lrpc_tower(SyntaxId iface, const char* name) {
  return tower_from_binding(Binding::parse(std::string("ncalrpc:[") + name + "]").value(), iface).value();
}
Entry entry(Tower t, std::string annotation = "", Uuid object = {}) { return Entry{object, std::move(t), std::move(annotation)}; }

std::vector<std::string> annotations(const std::vector<Entry>& es) {
  std::vector<std::string> out;
  for (const auto& e : es) out.push_back(e.annotation);
  return out;
}

// Every batch of a lookup until it is done.
std::vector<std::vector<std::string>> lookup_all(EndpointDatabase& db, const LookupQuery& q, uint32_t max,
                                                 LookupEnd end, std::vector<uint32_t>* statuses = nullptr) {
  std::vector<std::vector<std::string>> batches;
  auto c = db.begin_lookup(q, end);
  for (int guard = 0; guard < 1000; ++guard) {
    auto b = db.next(c, max);
    batches.push_back(annotations(b.entries));
    if (statuses) statuses->push_back(b.status);
    if (b.done) break;
  }
  return batches;
}

}  // namespace

TEST_CASE("db_version_options_follow_c706", "[epm]") {
  const SyntaxId want{kIfA, 2, 3};
  auto m = [&](uint16_t maj, uint16_t min, VersOption v) { return version_matches({kIfA, maj, min}, want, v); };
  CHECK(m(9, 9, VersOption::kAll));
  CHECK(m(2, 3, VersOption::kCompatible));
  CHECK(m(2, 7, VersOption::kCompatible));
  CHECK_FALSE(m(2, 2, VersOption::kCompatible));
  CHECK_FALSE(m(3, 3, VersOption::kCompatible));
  CHECK(m(2, 3, VersOption::kExact));
  CHECK_FALSE(m(2, 4, VersOption::kExact));
  CHECK(m(2, 0, VersOption::kMajorOnly));
  CHECK_FALSE(m(1, 3, VersOption::kMajorOnly));
  CHECK(m(1, 9, VersOption::kUpto));
  CHECK(m(2, 3, VersOption::kUpto));
  CHECK_FALSE(m(2, 4, VersOption::kUpto));
  CHECK_FALSE(m(3, 0, VersOption::kUpto));
  CHECK_FALSE(version_matches({kIfB, 2, 3}, want, VersOption::kAll));
  // The wire: 1-5 as C706/Windows number them, 0 as Samba's RPC_C_VERS_ALL.
  CHECK(vers_option_from_wire(0)->samba_numbering);
  CHECK(vers_option_from_wire(0)->option == VersOption::kAll);
  CHECK(vers_option_from_wire(3)->option == VersOption::kExact);
  CHECK_FALSE(vers_option_from_wire(3)->samba_numbering);
  CHECK_FALSE(vers_option_from_wire(6));
  CHECK_FALSE(inquiry_type_from_wire(4));
}

TEST_CASE("db_lookup_by_inquiry_type", "[epm]") {
  EndpointDatabase db;
  REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 1000), "a1"),
                                entry(tcp_tower({kIfA, 2, 1}, 1001), "a2", kObj),
                                entry(tcp_tower({kIfB, 1, 0}, 1002), "b1", kObj),
                                entry(lrpc_tower({kIfB, 1, 0}, "B"), "b1-lrpc")},
                    false) == kEptOk);
  auto all = [&](LookupQuery q) { return lookup_all(db, q, 100, LookupEnd::kWindows).front(); };
  using S = std::vector<std::string>;
  CHECK(all({InquiryType::kAllElts, {}, {}, VersOption::kAll}) == S{"a1", "a2", "b1", "b1-lrpc"});
  CHECK(all({InquiryType::kMatchByIf, {}, {kIfA, 0, 0}, VersOption::kAll}) == S{"a1", "a2"});
  CHECK(all({InquiryType::kMatchByIf, {}, {kIfA, 2, 0}, VersOption::kCompatible}) == S{"a2"});
  CHECK(all({InquiryType::kMatchByIf, {}, {kIfA, 1, 5}, VersOption::kUpto}) == S{"a1"});
  CHECK(all({InquiryType::kMatchByObj, kObj, {}, VersOption::kAll}) == S{"a2", "b1"});
  CHECK(all({InquiryType::kMatchByObj, {}, {}, VersOption::kAll}) == S{"a1", "b1-lrpc"});
  CHECK(all({InquiryType::kMatchByBoth, kObj, {kIfB, 1, 0}, VersOption::kExact}) == S{"b1"});
  CHECK(all({InquiryType::kMatchByBoth, kObj, {kIfB, 2, 0}, VersOption::kExact}).empty());
}

TEST_CASE("db_lookup_batches_keep_a_stable_order_across_changes", "[epm]") {
  EndpointDatabase db;
  for (int i = 0; i < 7; ++i)
    REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, uint16_t(2000 + i)), "e" + std::to_string(i))}, false) == kEptOk);
  auto c = db.begin_lookup({}, LookupEnd::kWindows);
  auto b1 = db.next(c, 3);
  CHECK(annotations(b1.entries) == std::vector<std::string>{"e0", "e1", "e2"});
  CHECK_FALSE(b1.done);
  // Between batches: delete one already returned and one still to come, insert a new one.
  REQUIRE(db.remove(std::vector{entry(tcp_tower({kIfA, 1, 0}, 2001), "e1")}) == kEptOk);
  REQUIRE(db.remove(std::vector{entry(tcp_tower({kIfA, 1, 0}, 2004))}) == kEptOk);  // annotation is not part of identity
  REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 2100), "late")}, false) == kEptOk);
  auto b2 = db.next(c, 3);
  CHECK(annotations(b2.entries) == std::vector<std::string>{"e3", "e5", "e6"});
  CHECK_FALSE(b2.done);
  auto b3 = db.next(c, 3);
  CHECK(annotations(b3.entries) == std::vector<std::string>{"late"});
  CHECK(b3.done);
  CHECK(b3.status == kEptOk);
}

TEST_CASE("db_lookup_end_windows_and_samba", "[epm]") {
  EndpointDatabase db;
  for (int i = 0; i < 4; ++i)
    REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, uint16_t(3000 + i)), "x")}, false) == kEptOk);
  std::vector<uint32_t> st;
  // Windows: every batch with entries is status 0; the last one closes the handle (Impacket's
  // loop stops on the null handle).
  auto w = lookup_all(db, {}, 3, LookupEnd::kWindows, &st);
  CHECK(w.size() == 2);
  CHECK(st == std::vector<uint32_t>{kEptOk, kEptOk});
  st.clear();
  // Samba: the batch with the last entries says ept_s_not_registered (smbtorture's
  // Lookup_simple requires that status and a null handle after its loop).
  auto s = lookup_all(db, {}, 3, LookupEnd::kSamba, &st);
  CHECK(s.size() == 2);
  CHECK(s[1].size() == 1);
  CHECK(st == std::vector<uint32_t>{kEptOk, kEptNoMoreEntries});
  // An exactly full last batch is still the last one: no empty extra round trip.
  st.clear();
  auto full = lookup_all(db, {}, 4, LookupEnd::kWindows, &st);
  CHECK(full.size() == 1);
  CHECK(st == std::vector<uint32_t>{kEptOk});
  // Deferred (Samba's clients): a full last batch keeps the handle open and the next call ends
  // with no entries (rpcclient epmlookup asks one at a time and skips a non-zero batch); a
  // partial last batch ends as Samba's (smbtorture Lookup_simple's assertion).
  st.clear();
  auto d1 = lookup_all(db, {}, 1, LookupEnd::kDeferred, &st);
  CHECK(d1.size() == 5);
  CHECK(d1[4].empty());
  CHECK(st == std::vector<uint32_t>{kEptOk, kEptOk, kEptOk, kEptOk, kEptNoMoreEntries});
  st.clear();
  auto d3 = lookup_all(db, {}, 3, LookupEnd::kDeferred, &st);
  CHECK(d3.size() == 2);
  CHECK(d3[1].size() == 1);
  CHECK(st == std::vector<uint32_t>{kEptOk, kEptNoMoreEntries});
  // Nothing matches: ept_s_not_registered at once, whatever the style.
  for (auto end : {LookupEnd::kWindows, LookupEnd::kSamba, LookupEnd::kDeferred}) {
    auto c = db.begin_lookup({InquiryType::kMatchByIf, {}, {kIfB, 1, 0}, VersOption::kAll}, end);
    auto b = db.next(c, 10);
    CHECK(b.entries.empty());
    CHECK(b.status == kEptNoMoreEntries);
    CHECK(b.done);
  }
  // max_ents 0 with entries waiting: nothing returned, handle kept, status 0.
  auto c = db.begin_lookup({}, LookupEnd::kWindows);
  auto zero = db.next(c, 0);
  CHECK(zero.entries.empty());
  CHECK_FALSE(zero.done);
  CHECK(zero.status == kEptOk);
}

TEST_CASE("db_insert_validates_replaces_and_updates", "[epm]") {
  EndpointDatabase db;
  // Not an RPC tower: rejected, and the valid entry in the same call is not inserted either.
  Tower bad = tower_cases().at("raw_floors");
  CHECK(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 1)), entry(bad)}, false) == kEptInvalidEntry);
  CHECK(db.size() == 0);
  CHECK(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 1), std::string(64, 'x'))}, false) == kEptInvalidEntry);
  CHECK(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 1), std::string(63, 'x'))}, false) == kEptOk);
  // The same object and tower again: updated in place, not duplicated.
  CHECK(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 1), "renamed")}, false) == kEptOk);
  REQUIRE(db.size() == 1);
  CHECK(db.entries()[0].entry.annotation == "renamed");
  // Another port, no replace: both stay. With replace: the older registration of the same
  // interface, object and stack goes; other stacks and objects stay.
  CHECK(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 2))}, false) == kEptOk);
  CHECK(db.insert(std::vector{entry(lrpc_tower({kIfA, 1, 0}, "A"))}, false) == kEptOk);
  CHECK(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 4), "", kObj)}, false) == kEptOk);
  CHECK(db.size() == 4);
  CHECK(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 3), "new")}, true) == kEptOk);
  std::set<std::string> left;
  for (const auto& e : db.entries()) left.insert(floor_to_string(e.entry.tower.floors[3]));
  CHECK(db.size() == 3);
  CHECK(left == std::set<std::string>{"tcp 3", "named_pipe A", "tcp 4"});
  // Deleting something absent: ept_s_not_registered.
  CHECK(db.remove(std::vector{entry(tcp_tower({kIfA, 1, 0}, 1))}) == kEptNoMoreEntries);
}

TEST_CASE("db_entry_limit", "[epm]") {
  EndpointDatabase db(DatabaseLimits{2, 10});
  CHECK(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 1)), entry(tcp_tower({kIfA, 1, 0}, 2))}, false) == kEptOk);
  CHECK(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 3))}, false) == kEptNoMemory);
  CHECK(db.size() == 2);
}

TEST_CASE("db_map_matches_interface_transfer_and_stack_and_fills_the_host", "[epm]") {
  EndpointDatabase db;
  REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 2}, 4000)),              // 0.0.0.0: filled in
                                entry(tcp_tower({kIfA, 1, 2}, 4001, "10.9.8.7")),  // kept
                                entry(lrpc_tower({kIfA, 1, 2}, "A")),
                                entry(tcp_tower({kIfA, 2, 0}, 4002)),
                                entry(tcp_tower({kIfA, 1, 2}, 4003), "", kObj)},
                    false) == kEptOk);
  MapContext ctx{Ipv4Floor{{127, 0, 0, 2}}, "HOST"};
  auto ports = [&](const MapBatch& b) {
    std::vector<std::string> out;
    for (const auto& t : b.towers) out.push_back(t.floors[3] == Floor{PortFloor{ProtocolId::kTcp, 0}} ? "?" : floor_to_string(t.floors[3]) + "@" + floor_to_string(t.floors[4]));
    return out;
  };
  // Impacket's map tower asks for v1.0 over tcp: minor 2 >= 0 is compatible.
  auto c = db.begin_map({}, tcp_tower({kIfA, 1, 0}, 0));
  REQUIRE(c.ok());
  auto b = db.next(c.value(), 10, ctx);
  CHECK(b.status == kEptOk);
  CHECK(ports(b) == std::vector<std::string>{"tcp 4000@ip 127.0.0.2", "tcp 4001@ip 10.9.8.7"});
  // A newer minor version than registered: no match.
  c = db.begin_map({}, tcp_tower({kIfA, 1, 3}, 0));
  CHECK(db.next(c.value(), 10, ctx).status == kEptNoMoreEntries);
  // NDR64 transfer syntax: nobody registered it.
  auto t64 = tcp_tower({kIfA, 1, 0}, 0);
  t64.floors[1] = UuidFloor{nca::rpc::kNdr64};
  c = db.begin_map({}, t64);
  CHECK(db.next(c.value(), 10, ctx).towers.empty());
  // Object given and registered: only its entry. Object unknown: the nil-object entries.
  c = db.begin_map(kObj, tcp_tower({kIfA, 1, 0}, 0));
  CHECK(ports(db.next(c.value(), 10, ctx)) == std::vector<std::string>{"tcp 4003@ip 127.0.0.2"});
  c = db.begin_map(Uuid::from_literal("99999999-0000-0000-0000-000000000000"), tcp_tower({kIfA, 1, 0}, 0));
  CHECK(db.next(c.value(), 10, ctx).towers.size() == 2);
  // Batching: one at a time.
  c = db.begin_map({}, tcp_tower({kIfA, 1, 0}, 0));
  auto one = db.next(c.value(), 1, ctx);
  CHECK(one.towers.size() == 1);
  CHECK_FALSE(one.done);
  auto two = db.next(c.value(), 1, ctx);
  CHECK(two.towers.size() == 1);
  CHECK(two.done);
  // A map tower that is not an RPC tower.
  CHECK_FALSE(db.begin_map({}, tower_cases().at("raw_floors")).ok());
}

TEST_CASE("db_mgmt_delete", "[epm]") {
  EndpointDatabase db;
  REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 1)), entry(tcp_tower({kIfA, 1, 0}, 1), "", kObj)}, false) == kEptOk);
  CHECK(db.mgmt_delete(kObj, tcp_tower({kIfA, 1, 0}, 1)) == kEptOk);
  CHECK(db.size() == 1);
  CHECK(db.mgmt_delete(kObj, tcp_tower({kIfA, 1, 0}, 1)) == kEptNoMoreEntries);
  CHECK(db.mgmt_delete(std::nullopt, tcp_tower({kIfA, 1, 0}, 1)) == kEptOk);
  CHECK(db.size() == 0);
}

TEST_CASE("db_never_hands_out_a_dead_owners_endpoint", "[epm]") {
  EndpointDatabase db;
  std::set<OwnerId> dead;
  db.set_liveness_probe([&](OwnerId o) { return dead.count(o) == 0; });
  REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 5001), "p1")}, false, 101) == kEptOk);
  REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 5002), "p2")}, false, 102) == kEptOk);
  REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 5003), "anon")}, false) == kEptOk);
  MapContext ctx;
  // Owner 101 killed without deregistering; nobody told the database yet: the probe finds out.
  dead.insert(101);
  auto c = db.begin_map({}, tcp_tower({kIfA, 1, 0}, 0));
  auto b = db.next(c.value(), 10, ctx);
  REQUIRE(b.towers.size() == 2);
  CHECK(std::get<PortFloor>(b.towers[0].floors[3]).port == 5002);
  CHECK(db.size() == 2);  // purged
  // Owner 102's connection closes: dropped at once, never returned, even by an open cursor.
  auto lc = db.begin_lookup({}, LookupEnd::kWindows);
  db.drop_owner(102);
  auto lb = db.next(lc, 10);
  CHECK(annotations(lb.entries) == std::vector<std::string>{"anon"});
  // A dead owner found mid-lookup is skipped from the next batch on.
  REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 5004), "p3a"), entry(tcp_tower({kIfA, 1, 0}, 5005), "p3b")}, false, 103) == kEptOk);
  auto lc2 = db.begin_lookup({}, LookupEnd::kWindows);
  auto first = db.next(lc2, 2);
  CHECK(annotations(first.entries) == std::vector<std::string>{"anon", "p3a"});
  dead.insert(103);
  auto rest = db.next(lc2, 2);
  CHECK(rest.entries.empty());
  CHECK(rest.status == kEptNoMoreEntries);
  // A reused id registers again: alive.
  dead.erase(103);
  REQUIRE(db.insert(std::vector{entry(tcp_tower({kIfA, 1, 0}, 5006), "p3c")}, false, 103) == kEptOk);
  CHECK(db.entries().size() == 2);
}

TEST_CASE("db_process_liveness_probe", "[epm]") {
  CHECK(process_alive(static_cast<OwnerId>(getpid())));
  CHECK_FALSE(process_alive(0));
  CHECK_FALSE(process_alive(OwnerId(1) << 40));
}
