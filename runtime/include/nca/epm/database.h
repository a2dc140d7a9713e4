// The endpoint database behind ept_insert, ept_delete, ept_lookup, ept_map, ept_mgmt_delete
// (C706 appendix O, MS-RPCE 3.1.1.5): entries of (object UUID, tower, annotation), kept in
// insertion order, with lookup and map cursors that survive inserts and deletes between batches.
//
// Liveness: every entry has an owner (OwnerId), the token the daemon ties to the registering
// server's connection or process; kNoOwner marks entries nobody tracks (inserted by a remote
// client, or the mapper's own). drop_owner() removes an owner's entries when it goes; an owner
// reported gone (or that the liveness probe says is gone) is never handed out by lookup or map,
// even before its entries are purged.
//
// Status words are the error_status_t values Windows sends (see the constants below). Nothing
// here touches the wire: towers arrive decoded (Tower). Single-threaded (the loop's thread); the
// database must outlive its cursors' use (cursors hold no pointers into it).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "nca/epm/tower.h"
#include "nca/rpc/uuid.h"

namespace nca::epm {

// error_status_t values of the epmapper operations, as Windows puts them on the wire.
inline constexpr uint32_t kEptOk = 0;
// Windows' EPT_S_INVALID_ENTRY (1751): an entry whose tower is not an RPC tower, or whose
// annotation is too long.
inline constexpr uint32_t kEptInvalidEntry = 0x000006d7;
// EPT_S_CANT_PERFORM_OP (1752): a request that cannot be served (unknown inquiry type, ...).
inline constexpr uint32_t kEptCantPerformOp = 0x000006d8;
// DCE rpc_s_no_memory: the database is at its entry limit.
inline constexpr uint32_t kEptNoMemory = 0x16c9a012;
// DCE ept_s_not_registered: nothing (more) matches. Windows sends this DCE value, not 1753.
inline constexpr uint32_t kEptNoMoreEntries = 0x16c9a0d6;

// The endpoint mapper's own interface (C706 appendix O): epmapper v3.0.
inline constexpr rpc::SyntaxId kEpmapperInterface{rpc::Uuid::from_literal("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};

using OwnerId = uint64_t;
inline constexpr OwnerId kNoOwner = 0;

// An annotation holds at most 63 characters: 64 bytes with the terminating NUL (C706 ept_entry_t).
inline constexpr size_t kMaxAnnotation = 63;

// What ept_lookup matches on (C706 rpc_c_ep_*; the wire values).
enum class InquiryType : uint32_t { kAllElts = 0, kMatchByIf = 1, kMatchByObj = 2, kMatchByBoth = 3 };

// How ept_lookup compares interface versions (C706 rpc_c_vers_*, Windows' RPC_C_VERS_*).
enum class VersOption : uint32_t { kAll = 1, kCompatible = 2, kExact = 3, kMajorOnly = 4, kUpto = 5 };

// How the last batch of a lookup ends.
//  kWindows: the batch that holds the last entries has status 0 and closes the handle (a null
//            handle comes back); a further call on a live handle that finds nothing gets
//            kEptNoMoreEntries. Impacket's rpcdump and Windows clients need this. It is the DCE
//            reference mapper's end (rpcd's rpcdepdb.c) and, per Impacket, Windows'.
//  kSamba:   the batch that holds the last entries has status kEptNoMoreEntries and a null handle,
//            as Samba's server does and smbtorture rpc.epmapper's Lookup_simple asserts.
//  kDeferred: for Samba's clients. A last batch that is full (max_ents entries) has status 0
//            and keeps the handle open, and the next call gets no entries, kEptNoMoreEntries and
//            a null handle; a last batch that is not full ends as kSamba. rpcclient's epmlookup
//            asks for one entry at a time, loops until a non-zero status whatever the handle, and
//            does not print the entries of a batch whose status is non-zero: against kSamba
//            (Samba's own server) it drops the last entry, against kWindows it loops for ever.
//            smbtorture rpc.epmapper Lookup_simple (max_ents 10) loops while batches are full
//            and then asserts kEptNoMoreEntries and a null handle. kDeferred satisfies both, and
//            Lookup_terminate_search (max_ents 2) and rpc.bind's assoc_group_handles_external
//            (max_ents 1, two batches) once 2 entries match; with fewer no end can, since
//            Lookup_simple and Lookup_terminate_search assert opposite answers to the same
//            partial batch (tests/epm/lookup_end_test.cpp). kSamba needs 3.
//  kAuto:    kDeferred for clients that number RPC_C_VERS_ALL 0 (Samba's epmapper.idl; C706 and
//            Windows number it 1, so only Samba-generated clients send 0), kWindows otherwise.
enum class LookupEnd { kAuto, kWindows, kSamba, kDeferred };

struct Entry {
  rpc::Uuid object;
  Tower tower;
  std::string annotation;
};

struct StoredEntry {
  uint64_t seq = 0;  // insertion order; the database's stable order
  Entry entry;
  rpc::SyntaxId interface;
  rpc::SyntaxId transfer;
  OwnerId owner = kNoOwner;
};

struct LookupQuery {
  InquiryType inquiry = InquiryType::kAllElts;
  rpc::Uuid object;          // a null pointer on the wire is the nil UUID
  rpc::SyntaxId interface;   // likewise
  VersOption vers = VersOption::kAll;
};

// Reads the wire's vers_option: 1-5 as C706 and Windows number them; 0 (Samba's RPC_C_VERS_ALL)
// as kAll with `samba_numbering` set. nullopt for anything else.
struct WireVersOption {
  VersOption option;
  bool samba_numbering = false;
};
std::optional<WireVersOption> vers_option_from_wire(uint32_t value);
std::optional<InquiryType> inquiry_type_from_wire(uint32_t value);

// True if an entry registered for `entry` answers a lookup for `wanted` under `vers`.
bool version_matches(const rpc::SyntaxId& entry, const rpc::SyntaxId& wanted, VersOption vers);

// Where a lookup stands between batches (the state behind the lookup context handle).
struct LookupCursor {
  LookupQuery query;
  LookupEnd end = LookupEnd::kWindows;  // resolved: never kAuto
  uint64_t after_seq = 0;               // entries with a larger seq are still to come
};

struct LookupBatch {
  uint32_t status = kEptOk;
  std::vector<Entry> entries;
  bool done = true;  // true: the context handle is closed and a null handle goes back
};

// ept_map's state between batches.
struct MapCursor {
  rpc::Uuid object;  // the object the entries must carry (nil after the fallback below)
  rpc::SyntaxId interface;
  rpc::SyntaxId transfer;
  std::vector<uint8_t> stack;  // protocol identifiers of floors 3 and up
  uint64_t after_seq = 0;
};

struct MapBatch {
  uint32_t status = kEptOk;
  std::vector<Tower> towers;
  bool done = true;
};

// What the mapper fills into the towers ept_map returns: Windows replaces the registered
// 0.0.0.0 with the address its client reached it at, and an empty NetBIOS name with its own.
struct MapContext {
  std::optional<Ipv4Floor> local_ip;
  std::string netbios_name;
};

struct DatabaseLimits {
  size_t max_entries = 16384;
  uint32_t max_batch = 1024;  // entries or towers per lookup or map batch, whatever max_ents says
};

class EndpointDatabase {
 public:
  explicit EndpointDatabase(DatabaseLimits limits = {}) : limits_(limits) {}

  // ept_insert. All entries are checked first: any whose tower is not an RPC tower (UUID floors
  // 1 and 2, a known protocol stack) or whose annotation is longer than kMaxAnnotation makes the
  // call fail with kEptInvalidEntry and nothing changes. `replace` first removes entries of the
  // same object, interface (UUID and version), transfer syntax and protocol stack. An entry
  // identical to a stored one (object and tower) updates it in place (annotation, owner) and keeps
  // its position. kEptNoMemory when the limit would be passed.
  uint32_t insert(std::span<const Entry> entries, bool replace, OwnerId owner = kNoOwner);
  // ept_delete: removes the entries equal in object and tower. kEptNoMoreEntries (ept_s_not_
  // registered) if some entry was not there; the others are removed anyway.
  uint32_t remove(std::span<const Entry> entries);
  // ept_mgmt_delete: removes entries with this tower (and this object, if given).
  uint32_t mgmt_delete(std::optional<rpc::Uuid> object, const Tower& tower);

  // Enters a mapper's own endpoints (the bindings it listens on, as clients reach them):
  // kEpmapperInterface over NDR, nil object, annotation "epmapper", owned by nobody. So ept_map
  // of the epmapper interface answers with them and ept_lookup lists them, as Samba's mapper
  // does (rpcclient maps the epmapper interface before it connects). IPv6 bindings and protseqs
  // without a tower form are skipped. Returns insert()'s status word.
  uint32_t insert_own_endpoints(std::span<const rpc::Binding> endpoints);

  // ept_lookup. begin_lookup() takes kAuto as kWindows (EpmService resolves kAuto from the
  // client's numbering of vers_option).
  LookupCursor begin_lookup(const LookupQuery& query, LookupEnd end = LookupEnd::kWindows) const;
  LookupBatch next(LookupCursor& cursor, uint32_t max_ents);

  // ept_map. begin_map() fails with kEptNoMoreEntries when `map_tower` is not an RPC tower. When
  // `object` is not nil and no live entry for the interface carries it, entries with the nil
  // object answer instead (C706's fallback).
  rpc::Result<MapCursor, uint32_t> begin_map(const rpc::Uuid& object, const Tower& map_tower);
  MapBatch next(MapCursor& cursor, uint32_t max_towers, const MapContext& context);

  // Liveness. drop_owner() removes the owner's entries and remembers it as gone; the probe (if
  // set) is asked before an owned entry is handed out and a false answer drops that owner. A
  // later insert by the same owner id (a reused pid) makes it live again.
  void drop_owner(OwnerId owner);
  void set_liveness_probe(std::function<bool(OwnerId)> probe) { probe_ = std::move(probe); }

  // The endpoint mapper's own object UUID (ept_inq_object). Nil unless set.
  const rpc::Uuid& object() const { return object_; }
  void set_object(const rpc::Uuid& object) { object_ = object; }

  // Every live entry in stable order (for dumps and tests).
  std::vector<StoredEntry> entries();
  size_t size() const { return entries_.size(); }

 private:
  bool alive(OwnerId owner);
  void purge_gone();
  bool lookup_matches(const LookupQuery& q, const StoredEntry& e) const;
  bool map_matches(const MapCursor& c, const StoredEntry& e) const;

  DatabaseLimits limits_;
  std::map<uint64_t, StoredEntry> entries_;  // by seq: the stable order
  uint64_t next_seq_ = 1;
  std::set<OwnerId> gone_;
  std::function<bool(OwnerId)> probe_;
  rpc::Uuid object_;
};

// A liveness probe for owners that are process ids: kill(pid, 0) fails with ESRCH once the
// process is gone (and its pid not yet reused).
bool process_alive(OwnerId pid);

}  // namespace nca::epm
