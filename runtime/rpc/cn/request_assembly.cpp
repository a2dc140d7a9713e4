#include "request_assembly.h"

#include <algorithm>

namespace nca::rpc::cn::detail {

namespace {

RequestAssembly::Verdict verdict(RequestAssembly::Verdict::Kind kind, uint32_t fault_call_id = 0,
                                 uint16_t fault_context = 0) {
  RequestAssembly::Verdict v;
  v.kind = kind;
  v.fault_call_id = fault_call_id;
  v.fault_context = fault_context;
  return v;
}

}  // namespace

void RequestAssembly::cancel(uint32_t call_id) {
  if (auto it = assembling_.find(call_id); it != assembling_.end()) it->second.cancelled = true;
}

RequestAssembly::Verdict RequestAssembly::take(const Header& h, const RequestBody& body,
                                               size_t in_flight, bool call_running,
                                               bool conc_mpx, bool context_known) {
  using K = Verdict::Kind;
  auto it = assembling_.find(h.call_id);
  if (h.has(kPfcFirstFrag)) {
    // A call id is in use until its reply is sent.
    if (it != assembling_.end() || call_running) return verdict(K::protocol_error);
    if (!assembling_.empty()) {
      // A new call while another is being reassembled, as Windows answers it (raw_protocol's
      // test_orphaned_request_after_first_*no_last): without concurrent multiplexing the call
      // being reassembled is faulted (its context, not did_not_execute); with it, the new
      // call's fragments may interleave, but one on an unknown context is a protocol error
      // (context 0), not the unk_if it would get alone. Then disconnect.
      if (!conc_mpx) {
        const auto& [pending_id, pending] = *assembling_.begin();
        return verdict(K::fault_close, pending_id, pending.context_id);
      }
      if (!context_known) return verdict(K::fault_close, h.call_id, 0);
    }
    if (assembling_.size() + in_flight >= config_.max_calls_in_flight)
      // Unless it is whole, we would have to swallow its later fragments.
      return verdict(h.has(kPfcLastFrag) ? K::too_busy : K::protocol_error);
    Incoming in;
    in.context_id = body.context_id;
    in.opnum = body.opnum;
    in.object = body.object;
    in.little_endian = h.little_endian();
    if (h.has(kPfcLastFrag)) {
      // The usual call: one fragment, dispatched without a stay in the reassembly map.
      if (body.stub.size() > config_.max_request_size) return verdict(K::protocol_error);
      in.stub = pool_.take(body.stub.size());
      in.stub.assign(body.stub.begin(), body.stub.end());
      Verdict v = verdict(K::complete);
      v.call = std::move(in);
      return v;
    }
    // alloc_hint is the client's word only: the reservations of all the calls a connection is
    // reassembling stay within max_request_size together; beyond that a stub grows with the
    // bytes that actually arrive.
    size_t reserved = 0;
    for (const auto& [id, other] : assembling_) reserved += other.stub.capacity();
    size_t budget = config_.max_request_size > reserved ? config_.max_request_size - reserved : 0;
    in.stub = pool_.take(std::min<size_t>({body.alloc_hint, config_.max_request_size, budget}));
    it = assembling_.emplace(h.call_id, std::move(in)).first;
  } else if (it == assembling_.end()) {
    return verdict(K::protocol_error);  // a middle or last fragment of no call
  } else if (it->second.context_id != body.context_id || it->second.opnum != body.opnum) {
    return verdict(K::protocol_error);
  }
  Incoming& in = it->second;
  if (in.stub.size() + body.stub.size() > config_.max_request_size) {
    assembling_.erase(it);
    return verdict(K::protocol_error);
  }
  in.stub.insert(in.stub.end(), body.stub.begin(), body.stub.end());
  if (!h.has(kPfcLastFrag)) return verdict(K::more);
  Verdict v = verdict(K::complete);
  v.call = std::move(in);
  assembling_.erase(it);
  return v;
}

}  // namespace nca::rpc::cn::detail
