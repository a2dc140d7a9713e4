#include "nca/rpc/mgmt.h"

#include <algorithm>

namespace nca::rpc {

std::vector<uint32_t> MgmtService::inq_stats(uint32_t max_count) const {
  const CallStats& s = core_.stats();
  const uint32_t all[4] = {s.calls_in.load(std::memory_order_relaxed), s.calls_out.load(std::memory_order_relaxed),
                           s.pkts_in.load(std::memory_order_relaxed), s.pkts_out.load(std::memory_order_relaxed)};
  return std::vector<uint32_t>(all, all + std::min<uint32_t>(max_count, 4));
}

MgmtService::Listening MgmtService::is_server_listening() const {
  if (listening_) return {true, kMgmtOk};
  return {false, kMgmtNotListening};
}

uint32_t MgmtService::stop_server_listening(const CallerContext& caller) {
  // C706 lets a server refuse remote stops, and Windows does unless the server installed an
  // authorization function that allows it; smbtorture rpc.mgmt requires the refusal.
  if (!options_.allow_stop || !options_.allow_stop(caller)) return kMgmtAccessDenied;
  listening_ = false;
  if (options_.stop) options_.stop();
  return kMgmtOk;
}

MgmtService::PrincName MgmtService::inq_princ_name(uint32_t authn_proto, uint32_t princ_name_size) const {
  auto it = options_.principal_names.find(authn_proto);
  if (it == options_.principal_names.end()) return {kMgmtUnknownAuthnService, {}};
  if (it->second.size() + 1 > princ_name_size) return {kMgmtInsufficientBuffer, {}};
  return {kMgmtOk, it->second};
}

std::optional<uint32_t> decode_inq_stats_request(std::span<const uint8_t> stub, bool little_endian) {
  if (stub.size() != 4 && stub.size() != 8) return std::nullopt;
  if (little_endian)
    return static_cast<uint32_t>(stub[0]) | static_cast<uint32_t>(stub[1]) << 8 |
           static_cast<uint32_t>(stub[2]) << 16 | static_cast<uint32_t>(stub[3]) << 24;
  return static_cast<uint32_t>(stub[3]) | static_cast<uint32_t>(stub[2]) << 8 |
         static_cast<uint32_t>(stub[1]) << 16 | static_cast<uint32_t>(stub[0]) << 24;
}

Bytes encode_inq_stats_response(std::span<const uint32_t> statistics, uint32_t status) {
  Bytes out;
  auto put = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  const auto n = static_cast<uint32_t>(statistics.size());
  put(n);  // the conformant array's size, hoisted to the front of the struct
  put(n);  // count
  for (uint32_t v : statistics) put(v);
  put(status);
  return out;
}

}  // namespace nca::rpc
