// How ept_lookup ends, against the loops of the peers that walk it (issue 18), with the mapper
// holding 0, 1, max_ents and max_ents + 1 matching entries. Each peer's loop is modelled from its
// source: smbtorture rpc.epmapper's Lookup_simple and Lookup_terminate_search, rpc.bind's
// assoc_group_handles_external, rpcclient's epmlookup (Samba 4.17; vers_option 0) and Impacket's
// hept_lookup (vers_option 1). The cases that no answer can satisfy are asserted as such.
#include <catch2/catch.hpp>

#include "service_fixture.h"

using namespace nca::epm;
using namespace epmtest;
using nca::rpc::WireContextHandle;

namespace {

constexpr uint32_t kSambaVersAll = 0;    // Samba's RPC_C_VERS_ALL
constexpr uint32_t kWindowsVersAll = 1;  // C706's and Windows' rpc_c_vers_all

// Lookup_simple: max_ents 10; loops while status 0, a full batch and a handle; then asserts
// EPMAPPER_STATUS_NO_MORE_ENTRIES and an empty handle. Also checks it saw every entry.
bool lookup_simple(Fixture& f, size_t n) {
  WireContextHandle h;
  EpmService::LookupReply r;
  size_t seen = 0;
  for (int guard = 0; guard < 100; ++guard) {
    r = f.lookup(h, kSambaVersAll, 10);
    h = r.handle;
    if (r.status != kEptOk) break;
    seen += r.entries.size();
    if (!(r.entries.size() == 10 && !h.is_null())) break;
  }
  if (r.status == kEptNoMoreEntries) seen += r.entries.size();
  return r.status == kEptNoMoreEntries && h.is_null() && seen == n;
}

// Lookup_terminate_search: one lookup with max_ents 2 must be status 0 with a handle that
// ept_lookup_handle_free then takes.
bool terminate_search(Fixture& f) {
  auto r = f.lookup({}, kSambaVersAll, 2);
  if (r.status != kEptOk || r.handle.is_null()) return false;
  auto call = f.calls.call(f.assoc);
  bool freed = f.svc.lookup_handle_free(call, r.handle).ok();
  call.complete();
  return freed;
}

// assoc_group_handles_external: max_ents 1; status 0 and a handle; the handle used from another
// association group faults; used again from its own group, status 0; then freed.
bool assoc_group_handles_external(Fixture& f) {
  auto r = f.lookup({}, kSambaVersAll, 1);
  if (r.status != kEptOk || r.handle.is_null()) return false;
  if (f.try_lookup(r.handle, kSambaVersAll, 1, f.calls.core.open_association())) return false;
  auto again = f.lookup(r.handle, kSambaVersAll, 1);
  if (again.status != kEptOk) return false;
  if (!again.handle.is_null()) {
    auto call = f.calls.call(f.assoc);
    (void)f.svc.lookup_handle_free(call, again.handle);
    call.complete();
  }
  return true;
}

// rpcclient epmlookup: max_ents 1, the returned handle passed back whatever it is, until a
// non-zero status; prints only the entries of batches with status 0. Passes if it ends and
// printed every entry.
bool rpcclient_epmlookup(Fixture& f, size_t n) {
  WireContextHandle h;
  size_t printed = 0;
  for (int guard = 0; guard < 100; ++guard) {
    auto r = f.lookup(h, kSambaVersAll, 1);
    h = r.handle;
    if (r.status != kEptOk) return printed == n;
    printed += r.entries.size();
  }
  return false;  // loops for ever
}

// Impacket's hept_lookup: max_ents 500; any non-zero status raises; stops at a null handle.
bool impacket_hept_lookup(Fixture& f, size_t n) {
  WireContextHandle h;
  size_t got = 0;
  for (int guard = 0; guard < 100; ++guard) {
    auto r = f.lookup(h, kWindowsVersAll, 500);
    if (r.status != kEptOk) return false;
    got += r.entries.size();
    h = r.handle;
    if (h.is_null()) return got == n;
  }
  return false;
}

template <typename Peer>
bool with_entries(size_t n, Peer peer, EpmService::Options options = {}) {
  Fixture f(std::move(options));
  f.fill(int(n));
  return peer(f, n);
}

}  // namespace

TEST_CASE("lookup_end_peers_at_0_1_max_and_max_plus_1_entries", "[epm]") {
  auto simple = [](Fixture& f, size_t n) { return lookup_simple(f, n); };
  auto terminate = [](Fixture& f, size_t) { return terminate_search(f); };
  auto assoc = [](Fixture& f, size_t) { return assoc_group_handles_external(f); };
  auto rpcclient = [](Fixture& f, size_t n) { return rpcclient_epmlookup(f, n); };
  auto impacket = [](Fixture& f, size_t n) { return impacket_hept_lookup(f, n); };
  for (size_t n : {0, 1, 10, 11}) { const bool passed = with_entries(n, simple); CHECK(passed); }
  for (size_t n : {0, 1, 2}) { const bool passed = with_entries(n, rpcclient); CHECK(passed); }
  for (size_t n : {1, 500, 501}) { const bool passed = with_entries(n, impacket); CHECK(passed); }
  for (size_t n : {2, 3}) { const bool passed = with_entries(n, terminate); CHECK(passed); }
  { const bool passed = with_entries(2, assoc); CHECK(passed); }
  // Fewer entries than these tests' own max_ents (2; 1 plus a second batch) cannot pass: see
  // lookup_end_no_answer_satisfies_both_smbtorture_tests_below_2_entries.
  for (size_t n : {0, 1}) { const bool passed = with_entries(n, terminate); CHECK_FALSE(passed); }
  for (size_t n : {0, 1}) { const bool passed = with_entries(n, assoc); CHECK_FALSE(passed); }
  // Nothing matches: ept_s_not_registered at once, which Impacket raises (Windows answers the
  // same; rpcdump never meets it, a Windows mapper always lists itself).
  { const bool passed = with_entries(0, impacket); CHECK_FALSE(passed); }
}

TEST_CASE("lookup_end_no_answer_satisfies_both_smbtorture_tests_below_2_entries", "[epm]") {
  // With one entry both tests get the same partial first batch (1 entry, nothing after it);
  // they differ only in max_ents (10 and 2). Lookup_simple needs that batch to be
  // ept_s_not_registered with a null handle, Lookup_terminate_search needs status 0 with an
  // open handle: no end that depends on the entries alone satisfies both. Shown for each style.
  for (LookupEnd end : {LookupEnd::kWindows, LookupEnd::kSamba, LookupEnd::kDeferred, LookupEnd::kAuto}) {
    EpmService::Options o;
    o.lookup_end = end;
    bool simple = with_entries(1, [](Fixture& f, size_t n) { return lookup_simple(f, n); }, o);
    bool terminate = with_entries(1, [](Fixture& f, size_t) { return terminate_search(f); }, o);
    CHECK_FALSE((simple && terminate));
  }
}

TEST_CASE("lookup_end_deferred_is_the_only_style_passing_every_samba_peer_from_2_entries", "[epm]") {
  auto all_samba_peers = [](size_t n, LookupEnd end) {
    EpmService::Options o;
    o.lookup_end = end;
    return with_entries(n, [](Fixture& f, size_t k) { return lookup_simple(f, k); }, o) &&
           with_entries(n, [](Fixture& f, size_t) { return terminate_search(f); }, o) &&
           with_entries(n, [](Fixture& f, size_t) { return assoc_group_handles_external(f); }, o) &&
           with_entries(n, [](Fixture& f, size_t k) { return rpcclient_epmlookup(f, k); }, o);
  };
  for (size_t n : {2, 3, 10, 11}) {
    { const bool passed = all_samba_peers(n, LookupEnd::kDeferred); CHECK(passed); }
    { const bool passed = all_samba_peers(n, LookupEnd::kAuto); CHECK(passed); }  // vers_option 0 picks kDeferred
  }
  // Samba's own end fails Lookup_terminate_search and assoc_group_handles_external at 2 entries
  // (its mapper always holds more); Windows' end fails Lookup_simple and loops rpcclient for ever.
  { const bool passed = all_samba_peers(2, LookupEnd::kSamba); CHECK_FALSE(passed); }
  { const bool passed = all_samba_peers(11, LookupEnd::kWindows); CHECK_FALSE(passed); }
  // And Impacket needs Windows' end: any other ends its last batch with a non-zero status.
  for (LookupEnd end : {LookupEnd::kSamba, LookupEnd::kDeferred}) {
    EpmService::Options o;
    o.lookup_end = end;
    const bool passed = with_entries(3, [](Fixture& f, size_t n) { return impacket_hept_lookup(f, n); }, o);
    CHECK_FALSE(passed);
  }
}
