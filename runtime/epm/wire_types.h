// Conversions between the generated epmapper types (ContextHandle, epm_twr_t) and the
// nca::rpc / nca::epm values the service logic uses. Private to runtime/epm.
#pragma once

#include <optional>

#include "epmapper_types.h"
#include "nca/epm/tower.h"
#include "nca/ndr/types.h"
#include "nca/rpc/context_handle.h"
#include "nca/rpc/uuid.h"

namespace nca::epm::detail {

rpc::WireContextHandle to_wire(const ndr::ContextHandle& h);
ndr::ContextHandle to_ndr(const rpc::WireContextHandle& h);

// The tower octet string of a generated twr_t (pushed with the generated NDR code, so exactly
// the bytes the peer sent for a tower that pulled), and back. nullopt when the bytes do not
// decode as the generated epm_tower (only for towers our codec accepts but pidl's layout cannot
// express; the caller then skips the entry).
Bytes tower_octets(const epmapper::epm_twr_t& twr);
std::optional<epmapper::epm_twr_t> to_twr(const Tower& tower);

}  // namespace nca::epm::detail
