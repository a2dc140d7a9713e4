// EpmService: the epmapper operations (idl/epmapper.idl, opnums 0-6) over an EndpointDatabase,
// in the shape the generated server stub's handlers need: wire values in (towers as octet
// strings, raw inquiry_type and vers_option words, the context handle), status words and
// [out] values back. The lookup/map context handles live in the calling ServerCore's
// ContextHandleTable, owned by the caller's association, so a client that goes away runs its
// cursors down; runtime/epm/README.md shows the glue.
//
// Threading: the loop's thread. The database and the ServerCore outlive the service.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "nca/epm/database.h"
#include "nca/rpc/server.h"

namespace nca::epm {

// One ept_entry_t as it comes off the wire.
struct WireEntry {
  rpc::Uuid object;
  std::span<const uint8_t> tower;  // the tower octet string (twr_t's bytes)
  std::string_view annotation;     // without its NUL
};

// The state behind an ept_lookup or ept_map context handle.
struct EpmCursor {
  std::variant<LookupCursor, MapCursor> cursor;
};

class EpmService {
 public:
  struct Options {
    LookupEnd lookup_end = LookupEnd::kAuto;
    TowerLimits tower_limits;
    // Which owner an ept_insert registers for. The default ties ncalrpc callers' entries to their
    // association (so the daemon calls drop_owner(association) when it closes) and leaves entries
    // inserted over the network unowned.
    std::function<OwnerId(const rpc::CallerContext&)> owner_of;
  };

  explicit EpmService(EndpointDatabase& db) : EpmService(db, Options{}) {}
  EpmService(EndpointDatabase& db, Options options);

  // opnum 0 and 1. A tower that does not decode makes the call kEptInvalidEntry.
  uint32_t insert(const rpc::CallerContext& caller, std::span<const WireEntry> entries, bool replace);
  uint32_t remove(std::span<const WireEntry> entries);

  struct LookupReply {
    uint32_t status = kEptOk;
    std::vector<Entry> entries;
    rpc::WireContextHandle handle;  // null once the lookup is over
  };
  // opnum 2. A null `handle` starts a lookup; null object / interface pointers are nullopt. Faults
  // (nca_s_fault_context_mismatch) only for a handle that is not this caller's open cursor.
  rpc::Result<LookupReply, rpc::Fault> lookup(const rpc::ServerCall& call, uint32_t inquiry_type,
                                              const std::optional<rpc::Uuid>& object,
                                              const std::optional<rpc::SyntaxId>& interface,
                                              uint32_t vers_option, const rpc::WireContextHandle& handle,
                                              uint32_t max_ents);

  struct MapReply {
    uint32_t status = kEptOk;
    std::vector<Tower> towers;
    rpc::WireContextHandle handle;
  };
  // opnum 3. `map_tower` nullopt for a null pointer.
  rpc::Result<MapReply, rpc::Fault> map(const rpc::ServerCall& call, const std::optional<rpc::Uuid>& object,
                                        std::optional<std::span<const uint8_t>> map_tower,
                                        const rpc::WireContextHandle& handle, uint32_t max_towers,
                                        const MapContext& context);

  // opnum 4: closes a lookup or map handle; returns the null handle, or the fault.
  rpc::Result<rpc::WireContextHandle, rpc::Fault> lookup_handle_free(const rpc::ServerCall& call,
                                                                    const rpc::WireContextHandle& handle);
  // opnum 5: the mapper's object UUID.
  uint32_t inq_object(rpc::Uuid& object) const;
  // opnum 6.
  uint32_t mgmt_delete(bool object_speced, const std::optional<rpc::Uuid>& object,
                       std::optional<std::span<const uint8_t>> tower);

 private:
  rpc::Result<std::shared_ptr<EpmCursor>, rpc::Fault> cursor_for(const rpc::ServerCall& call,
                                                                 const rpc::WireContextHandle& handle);
  // Keeps or closes the handle after a batch; returns what goes back to the client.
  rpc::WireContextHandle settle(const rpc::ServerCall& call, const rpc::WireContextHandle& handle,
                                std::shared_ptr<EpmCursor> cursor, bool done);

  EndpointDatabase& db_;
  Options options_;
};

}  // namespace nca::epm
