// Client-side calls to an endpoint mapper over any binding handle, through the generated
// epmapper client stubs: ept_map for endpoint resolution, an ept_lookup walk for dumps, and
// ept_insert / ept_delete for servers registering their endpoints.
//
// Every function starts the calls on the handle's executor thread and runs `done` exactly once
// there (never inside the call that started it when the handle defers, as the cn engine does).
// The handle must outlive the operation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nca/epm/database.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/binding_handle.h"
#include "nca/rpc/function.h"

namespace nca::epm {

// What ept_map answered: its status word and, when 0, the endpoints of the towers it returned
// (ports for IP protseqs, names otherwise), in the mapper's order.
struct MapAnswer {
  uint32_t status = kEptOk;
  std::vector<std::string> endpoints;
};
// Asks where `interface` (NDR20) is served over `wanted`'s protseq, with `wanted`'s object UUID
// if it has one. Errors: the call failed (transport, fault, ...) or `wanted` has no tower form.
void map_endpoints(rpc::BindingHandle& handle, const rpc::Binding& wanted, const rpc::SyntaxId& interface,
                   const rpc::CallOptions& options, rpc::UniqueFunction<void(rpc::Result<MapAnswer>)> done);

// Every entry the mapper holds: ept_lookup(RPC_C_EP_ALL_ELTS, vers_option 1) in batches of
// `batch` until a null handle or a non-zero status (the Windows and the Samba end both finish the
// walk; ept_s_not_registered is an empty database, any other status an error). Entries whose
// tower does not decode are kept with an empty tower. A walk that has not ended after
// `max_entries` entries stops with an error.
struct LookupAnswer {
  uint32_t status = kEptOk;  // the last status word the mapper sent
  std::vector<Entry> entries;
};
void lookup_all(rpc::BindingHandle& handle, rpc::UniqueFunction<void(rpc::Result<LookupAnswer>)> done,
                uint32_t batch = 500, size_t max_entries = 1u << 20, const rpc::CallOptions& options = {});

// ept_insert (replace as given) and ept_delete; `done` gets the mapper's status word.
// `options` (here and above): per-call timeout and object, as for any generated call.
void insert_entries(rpc::BindingHandle& handle, std::vector<Entry> entries, bool replace,
                    rpc::UniqueFunction<void(rpc::Result<uint32_t>)> done, const rpc::CallOptions& options = {});
void delete_entries(rpc::BindingHandle& handle, std::vector<Entry> entries,
                    rpc::UniqueFunction<void(rpc::Result<uint32_t>)> done, const rpc::CallOptions& options = {});

}  // namespace nca::epm
