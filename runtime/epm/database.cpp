#include "nca/epm/database.h"

#include <signal.h>

#include <cerrno>

namespace nca::epm {
namespace {

struct RpcTowerParts {
  rpc::SyntaxId interface;
  rpc::SyntaxId transfer;
  std::vector<uint8_t> stack;
};

// An RPC tower: UUID floors for the interface and transfer syntax, then a stack we know (the
// database only holds towers it can later turn into bindings).
std::optional<RpcTowerParts> rpc_parts(const Tower& t) {
  auto iface = t.interface_id();
  auto transfer = t.transfer_syntax();
  if (!iface || !transfer || !tower_protseq(t)) return std::nullopt;
  RpcTowerParts p{*iface, *transfer, {}};
  for (size_t i = 2; i < t.floors.size(); ++i) p.stack.push_back(floor_protocol(t.floors[i]));
  return p;
}

bool same_registration(const StoredEntry& a, const rpc::Uuid& object, const RpcTowerParts& b) {
  if (a.entry.object != object || a.interface != b.interface || a.transfer != b.transfer) return false;
  if (a.entry.tower.floors.size() != b.stack.size() + 2) return false;
  for (size_t i = 0; i < b.stack.size(); ++i)
    if (floor_protocol(a.entry.tower.floors[i + 2]) != b.stack[i]) return false;
  return true;
}

// The tower handed back by ept_map: the registered one, with the address its client reached the
// mapper at where the server registered "any address".
Tower fill_host(Tower t, const MapContext& ctx) {
  for (Floor& f : t.floors) {
    if (auto* ip = std::get_if<Ipv4Floor>(&f)) {
      if (ip->address == std::array<uint8_t, 4>{} && ctx.local_ip) *ip = *ctx.local_ip;
    } else if (auto* s = std::get_if<StringFloor>(&f)) {
      if (s->protocol == ProtocolId::kNetbios && s->text.empty()) s->text = ctx.netbios_name;
    }
  }
  return t;
}

}  // namespace

std::optional<WireVersOption> vers_option_from_wire(uint32_t value) {
  if (value == 0) return WireVersOption{VersOption::kAll, true};
  if (value >= 1 && value <= 5) return WireVersOption{VersOption(value), false};
  return std::nullopt;
}

std::optional<InquiryType> inquiry_type_from_wire(uint32_t value) {
  if (value <= 3) return InquiryType(value);
  return std::nullopt;
}

bool version_matches(const rpc::SyntaxId& entry, const rpc::SyntaxId& wanted, VersOption vers) {
  if (entry.uuid != wanted.uuid) return false;
  switch (vers) {
    case VersOption::kAll: return true;
    case VersOption::kCompatible: return entry.major == wanted.major && entry.minor >= wanted.minor;
    case VersOption::kExact: return entry.major == wanted.major && entry.minor == wanted.minor;
    case VersOption::kMajorOnly: return entry.major == wanted.major;
    case VersOption::kUpto:
      return entry.major < wanted.major || (entry.major == wanted.major && entry.minor <= wanted.minor);
  }
  return false;
}

uint32_t EndpointDatabase::insert(std::span<const Entry> entries, bool replace, OwnerId owner) {
  std::vector<RpcTowerParts> parts;
  parts.reserve(entries.size());
  for (const Entry& e : entries) {
    auto p = rpc_parts(e.tower);
    if (!p || e.annotation.size() > kMaxAnnotation || e.annotation.find('\0') != std::string::npos)
      return kEptInvalidEntry;
    parts.push_back(std::move(*p));
  }
  if (entries.size() > limits_.max_entries || entries_.size() > limits_.max_entries - entries.size())
    return kEptNoMemory;
  // A registration proves its owner alive, even if the id (a pid, say) was once reported gone.
  gone_.erase(owner);
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (replace) {
      std::erase_if(entries_, [&](const auto& kv) {
        return same_registration(kv.second, e.object, parts[i]) && kv.second.entry.tower != e.tower;
      });
    }
    bool updated = false;
    for (auto& [seq, stored] : entries_) {
      if (stored.entry.object == e.object && stored.entry.tower == e.tower) {
        stored.entry.annotation = e.annotation;
        stored.owner = owner;
        updated = true;
        break;
      }
    }
    if (updated) continue;
    const uint64_t seq = next_seq_++;
    entries_.emplace(seq, StoredEntry{seq, e, parts[i].interface, parts[i].transfer, owner});
  }
  return kEptOk;
}

uint32_t EndpointDatabase::remove(std::span<const Entry> entries) {
  uint32_t status = kEptOk;
  for (const Entry& e : entries) {
    size_t n = std::erase_if(entries_, [&](const auto& kv) {
      return kv.second.entry.object == e.object && kv.second.entry.tower == e.tower;
    });
    if (n == 0) status = kEptNoMoreEntries;
  }
  return status;
}

uint32_t EndpointDatabase::insert_own_endpoints(std::span<const rpc::Binding> endpoints) {
  std::vector<Entry> own;
  for (const rpc::Binding& b : endpoints) {
    if (b.host().find(':') != std::string::npos) continue;  // IPv6: towers have no IPv6 floor
    auto tower = tower_from_binding(b, kEpmapperInterface);
    if (!tower) continue;
    own.push_back(Entry{rpc::Uuid{}, std::move(tower).value(), "epmapper"});
  }
  return insert(own, false, kNoOwner);
}

uint32_t EndpointDatabase::mgmt_delete(std::optional<rpc::Uuid> object, const Tower& tower) {
  size_t n = std::erase_if(entries_, [&](const auto& kv) {
    return kv.second.entry.tower == tower && (!object || kv.second.entry.object == *object);
  });
  return n ? kEptOk : kEptNoMoreEntries;
}

void EndpointDatabase::purge_gone() {
  if (gone_.empty()) return;
  std::erase_if(entries_, [&](const auto& kv) { return kv.second.owner != kNoOwner && gone_.count(kv.second.owner); });
}

// TODO(perf): the probe runs once per owned entry per walk; a walk could remember each owner's
// answer (process_alive is one kill() system call).
bool EndpointDatabase::alive(OwnerId owner) {
  if (owner == kNoOwner) return true;
  if (gone_.count(owner)) return false;
  if (probe_ && !probe_(owner)) {
    gone_.insert(owner);
    return false;
  }
  return true;
}

void EndpointDatabase::drop_owner(OwnerId owner) {
  if (owner == kNoOwner) return;
  gone_.insert(owner);
  std::erase_if(entries_, [&](const auto& kv) { return kv.second.owner == owner; });
}

bool EndpointDatabase::lookup_matches(const LookupQuery& q, const StoredEntry& e) const {
  const bool by_if = q.inquiry == InquiryType::kMatchByIf || q.inquiry == InquiryType::kMatchByBoth;
  const bool by_obj = q.inquiry == InquiryType::kMatchByObj || q.inquiry == InquiryType::kMatchByBoth;
  if (by_if && !version_matches(e.interface, q.interface, q.vers)) return false;
  if (by_obj && e.entry.object != q.object) return false;
  return true;
}

LookupCursor EndpointDatabase::begin_lookup(const LookupQuery& query, LookupEnd end) const {
  LookupCursor c;
  c.query = query;
  c.end = end == LookupEnd::kAuto ? LookupEnd::kWindows : end;
  return c;
}

LookupBatch EndpointDatabase::next(LookupCursor& cursor, uint32_t max_ents) {
  LookupBatch batch;
  const uint32_t want = std::min(max_ents, limits_.max_batch);
  bool more = false;
  // Owners found dead while walking are purged afterwards, so the walk's iterators stay valid.
  for (auto it = entries_.upper_bound(cursor.after_seq); it != entries_.end(); ++it) {
    const StoredEntry& e = it->second;
    if (!lookup_matches(cursor.query, e) || !alive(e.owner)) continue;
    if (batch.entries.size() == want) {
      more = true;
      break;
    }
    batch.entries.push_back(e.entry);
    cursor.after_seq = e.seq;
  }
  purge_gone();
  if (batch.entries.empty()) {
    // Nothing (left) to return. With max_ents 0 and entries waiting, the handle stays open.
    batch.status = more ? kEptOk : kEptNoMoreEntries;
    batch.done = !more;
    return batch;
  }
  // kDeferred: a full last batch keeps the handle open (the end comes with the next call), a
  // partial one ends as kSamba does.
  const bool full = batch.entries.size() == want;
  const bool defer = !more && cursor.end == LookupEnd::kDeferred && full;
  const bool samba_end = cursor.end == LookupEnd::kSamba || cursor.end == LookupEnd::kDeferred;
  batch.done = !more && !defer;
  batch.status = (batch.done && samba_end) ? kEptNoMoreEntries : kEptOk;
  return batch;
}

rpc::Result<MapCursor, uint32_t> EndpointDatabase::begin_map(const rpc::Uuid& object, const Tower& map_tower) {
  auto parts = rpc_parts(map_tower);
  if (!parts) return kEptNoMoreEntries;
  MapCursor c{object, parts->interface, parts->transfer, std::move(parts->stack), 0};
  if (!object.is_nil()) {
    bool any = false;
    for (auto& [seq, e] : entries_)
      if (map_matches(c, e) && alive(e.owner)) {
        any = true;
        break;
      }
    if (!any) c.object = rpc::Uuid{};
  }
  return c;
}

bool EndpointDatabase::map_matches(const MapCursor& c, const StoredEntry& e) const {
  // C706 ept_map: same interface UUID and major version, a server minor version at least the
  // client's, the same transfer syntax and the same protocol stack.
  if (e.entry.object != c.object) return false;
  if (!version_matches(e.interface, c.interface, VersOption::kCompatible)) return false;
  if (e.transfer != c.transfer) return false;
  if (e.entry.tower.floors.size() != c.stack.size() + 2) return false;
  for (size_t i = 0; i < c.stack.size(); ++i)
    if (floor_protocol(e.entry.tower.floors[i + 2]) != c.stack[i]) return false;
  return true;
}

MapBatch EndpointDatabase::next(MapCursor& cursor, uint32_t max_towers, const MapContext& context) {
  MapBatch batch;
  const uint32_t want = std::min(max_towers, limits_.max_batch);
  bool more = false;
  for (auto it = entries_.upper_bound(cursor.after_seq); it != entries_.end(); ++it) {
    const StoredEntry& e = it->second;
    if (!map_matches(cursor, e) || !alive(e.owner)) continue;
    if (batch.towers.size() == want) {
      more = true;
      break;
    }
    batch.towers.push_back(fill_host(e.entry.tower, context));
    cursor.after_seq = e.seq;
  }
  purge_gone();
  batch.done = !more;
  batch.status = (batch.towers.empty() && !more) ? kEptNoMoreEntries : kEptOk;
  return batch;
}

std::vector<StoredEntry> EndpointDatabase::entries() {
  std::vector<StoredEntry> out;
  for (auto& [seq, e] : entries_)
    if (alive(e.owner)) out.push_back(e);
  purge_gone();
  return out;
}

bool process_alive(OwnerId pid) {
  if (pid == 0 || pid > static_cast<OwnerId>(INT32_MAX)) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

}  // namespace nca::epm
