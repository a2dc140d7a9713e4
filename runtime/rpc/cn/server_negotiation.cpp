#include "server_negotiation.h"

#include <algorithm>

namespace nca::rpc::cn::detail {

// The fragment size a bind settles on, the same both ways, as Windows answers (Samba's
// raw_protocol tests, written against Windows: a client's 0 gives 2048, 3199 gives 3192; MS-RPCE
// 3.3.1.5.2): the smaller of the client's two sizes, raised to 2048, lowered to ours, then
// rounded down to a multiple of 8. `ours` is at least C706's 1432, itself a multiple of 8.
uint16_t ServerNegotiation::negotiated_frag(uint16_t client_xmit, uint16_t client_recv,
                                            uint16_t ours) {
  uint32_t v = std::max<uint32_t>(std::min(client_xmit, client_recv), 2048);
  return uint16_t(std::min<uint32_t>(v, ours) & ~uint32_t(7));
}

void ServerNegotiation::bound(const BindBody& body, bool conc_mpx) {
  bound_ = true;
  conc_mpx_ = conc_mpx;
  // Fragments are symmetric after negotiation, as Samba and Windows do.
  max_xmit_ = max_recv_ = negotiated_frag(body.max_xmit_frag, body.max_recv_frag, config_.max_frag);
}

const ServerNegotiation::Context* ServerNegotiation::context(uint16_t id) const {
  auto it = contexts_.find(id);
  return it == contexts_.end() ? nullptr : &it->second;
}

// Whether a context offers a transfer syntax the runtime implements (NDR or NDR64).
static bool offers_known_transfer(const PresentationContext& pc) {
  return std::any_of(pc.transfer_syntaxes.begin(), pc.transfer_syntaxes.end(),
                     [](const SyntaxId& s) { return s == kNdr20 || s == kNdr64; });
}

// Answers a bind's or alter_context's contexts, as Windows does (Samba's raw_protocol tests,
// checked against samba-dcerpcd 4.17): at most one presentation context per PDU is accepted,
// the first (in the client's order) whose abstract syntax we serve with a transfer syntax in
// common, whether it is new or one accepted before; every later one is rejected with
// proposed_transfer_syntaxes_not_supported (an existing context so rejected stays usable).
// A context with no transfer syntax, or one that names an accepted context id with another
// abstract or transfer syntax (C706: a context keeps its syntaxes for the association's life),
// fails the whole PDU. Only a bind may carry the bind-time feature context (MS-RPCE
// 3.3.1.5.3), at most one.
ServerNegotiation::Outcome ServerNegotiation::negotiate(
    const std::vector<PresentationContext>& offered, bool is_bind,
    std::vector<ContextResultEntry>& results) {
  bool accepted_one = false;
  bool features_seen = false;
  for (const PresentationContext& pc : offered) {
    if (pc.transfer_syntaxes.empty()) return Outcome::protocol_error;
    ContextResultEntry& e = results.emplace_back();
    e.result = ContextResult::provider_rejection;
    if (is_bind) {
      if (auto offer = bind_time_features(pc.transfer_syntaxes.front())) {
        if (features_seen) return Outcome::second_features;
        features_seen = true;
        e.result = ContextResult::negotiate_ack;
        e.reason = uint16_t(*offer & config_.features);
        features_ = e.reason;
        continue;
      }
    }
    const ServerInterface* iface = core_.find_interface(pc.abstract_syntax);
    if (!iface) {
      e.reason = uint16_t(ProviderReason::abstract_syntax_not_supported);
      continue;
    }
    e.reason = uint16_t(ProviderReason::proposed_transfer_syntaxes_not_supported);
    const auto& ours = iface->spec->transfer_syntaxes;
    auto ts = std::find_first_of(pc.transfer_syntaxes.begin(), pc.transfer_syntaxes.end(),
                                 ours.begin(), ours.end());
    auto existing = contexts_.find(pc.context_id);
    if (ts == pc.transfer_syntaxes.end()) {
      // An accepted context offered again without its transfer syntax but with another one
      // the runtime knows (NDR64 for an NDR context) would change it: Windows answers that
      // as a protocol error, while unknown syntaxes alone are only rejected (raw_protocol's
      // test_no_auth_presentation_ctx_invalid4 and _valid2).
      if (existing != contexts_.end() && offers_known_transfer(pc)) return Outcome::protocol_error;
      continue;
    }
    if (existing != contexts_.end() &&
        (existing->second.abstract != pc.abstract_syntax || existing->second.transfer != *ts))
      return Outcome::protocol_error;
    if (accepted_one) continue;
    if (existing == contexts_.end()) {
      if (contexts_.size() >= config_.max_contexts) return Outcome::over_limit;
      contexts_[pc.context_id] = Context{pc.abstract_syntax, *ts};
    }
    accepted_one = true;
    e.result = ContextResult::acceptance;
    e.reason = 0;
    e.transfer_syntax = *ts;
  }
  return Outcome::ok;
}

}  // namespace nca::rpc::cn::detail
