#include "wire_types.h"

#include "epmapper_ndr.h"
#include "nca/ndr/pull.h"
#include "nca/ndr/push.h"

namespace nca::epm::detail {

// rpc::Uuid and ndr::Guid are the same type (nca::base::Guid); only the structs differ.
rpc::WireContextHandle to_wire(const ndr::ContextHandle& h) { return {h.attributes, h.uuid}; }
ndr::ContextHandle to_ndr(const rpc::WireContextHandle& h) { return {h.attributes, h.uuid}; }

Bytes tower_octets(const epmapper::epm_twr_t& twr) {
  // twr_t pushes as tower_length, the subcontext's 4-byte size, then the octet string.
  ndr::Push p;
  epmapper::push(p, ndr::kScalarsAndBuffers, twr);
  auto bytes = p.bytes();
  if (bytes.size() < 8) return {};
  return Bytes(bytes.begin() + 8, bytes.end());
}

std::optional<epmapper::epm_twr_t> to_twr(const Tower& tower) {
  Bytes ndr = tower.encode_twr();
  ndr::Pull p(ndr);
  epmapper::epm_twr_t twr;
  if (!epmapper::pull(p, ndr::kScalarsAndBuffers, twr) || p.remaining() != 0) return std::nullopt;
  return twr;
}

}  // namespace nca::epm::detail
