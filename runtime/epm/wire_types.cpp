#include "wire_types.h"

#include "epmapper_ndr.h"
#include "nca/ndr/pull.h"
#include "nca/ndr/push.h"

namespace nca::epm::detail {

// rpc::Uuid holds RFC 4122 network order; ndr::Guid holds the fields as numbers.
rpc::Uuid to_uuid(const ndr::Guid& g) {
  rpc::Uuid u;
  auto& b = u.bytes;
  b[0] = uint8_t(g.time_low >> 24), b[1] = uint8_t(g.time_low >> 16);
  b[2] = uint8_t(g.time_low >> 8), b[3] = uint8_t(g.time_low);
  b[4] = uint8_t(g.time_mid >> 8), b[5] = uint8_t(g.time_mid);
  b[6] = uint8_t(g.time_hi_and_version >> 8), b[7] = uint8_t(g.time_hi_and_version);
  b[8] = g.clock_seq[0], b[9] = g.clock_seq[1];
  for (int i = 0; i < 6; ++i) b[10 + i] = g.node[i];
  return u;
}

ndr::Guid to_guid(const rpc::Uuid& u) {
  const auto& b = u.bytes;
  ndr::Guid g;
  g.time_low = uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3];
  g.time_mid = uint16_t(b[4] << 8 | b[5]);
  g.time_hi_and_version = uint16_t(b[6] << 8 | b[7]);
  g.clock_seq = {b[8], b[9]};
  for (int i = 0; i < 6; ++i) g.node[i] = b[10 + i];
  return g;
}

rpc::WireContextHandle to_wire(const ndr::ContextHandle& h) { return {h.attributes, to_uuid(h.uuid)}; }
ndr::ContextHandle to_ndr(const rpc::WireContextHandle& h) { return {h.attributes, to_guid(h.uuid)}; }

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
