#include "client_negotiation.h"

#include <algorithm>
#include <set>
#include <string>

namespace nca::rpc::cn::detail {

namespace {

std::string reason_text(uint16_t reason) {
  switch (static_cast<ProviderReason>(reason)) {
    case ProviderReason::abstract_syntax_not_supported: return "abstract syntax not supported";
    case ProviderReason::proposed_transfer_syntaxes_not_supported:
      return "proposed transfer syntaxes not supported";
    case ProviderReason::local_limit_exceeded: return "local limit exceeded";
    default: return "reason " + std::to_string(reason);
  }
}

}  // namespace

void ClientNegotiation::reset() {
  contexts_.clear();
  proposal_.clear();
  negotiating_ = false;
  group_ = 0;
  accepted_features_ = 0;
}

std::vector<SyntaxId> ClientNegotiation::offered_syntaxes(const InterfaceSpec& spec) const {
  std::vector<SyntaxId> out;
  for (const SyntaxId& ts : spec.transfer_syntaxes)
    if (ts == kNdr20 || (ts == kNdr64 && config_.offer_ndr64)) out.push_back(ts);
  return out;
}

BindBody ClientNegotiation::propose(PduType type, const std::vector<const InterfaceSpec*>& interfaces,
                                    uint32_t assoc_group_id) {
  BindBody body;
  body.max_xmit_frag = config_.max_frag;
  body.max_recv_frag = config_.max_frag;
  body.assoc_group_id = assoc_group_id;
  proposal_.clear();
  std::set<SyntaxId> seen;
  for (const InterfaceSpec* s : interfaces) {
    const InterfaceSpec& spec = *s;
    if (contexts_.count(spec.id) || !seen.insert(spec.id).second) continue;
    auto& list = contexts_[spec.id];
    // One context per transfer syntax, as Windows proposes them: the server accepts one.
    for (const SyntaxId& ts : offered_syntaxes(spec)) {
      uint16_t id = next_context_++;
      list.push_back(CtxState{CtxState::proposed, id, ts, {}});
      proposal_.push_back(Proposal{spec.id, id, ts, false});
      body.contexts.push_back(PresentationContext{id, spec.id, {ts}});
    }
    if (list.empty()) {
      list.push_back(CtxState{CtxState::rejected, 0, {}, Status::ndr(0, "interface " +
          std::string(spec.name) + " offers no transfer syntax this engine speaks")});
      continue;
    }
    break;
  }
  if (type == PduType::bind && config_.features) {
    uint16_t id = next_context_++;
    proposal_.push_back(Proposal{{}, id, {}, true});
    body.contexts.push_back(
        PresentationContext{id, body.contexts.empty() ? SyntaxId{} : body.contexts[0].abstract_syntax,
                            {bind_time_feature_syntax(config_.features)}});
  }
  negotiating_ = !body.contexts.empty() || type == PduType::bind;
  return body;
}

BindBody ClientNegotiation::repropose(uint32_t assoc_group_id) {
  BindBody body;
  body.max_xmit_frag = config_.max_frag;
  body.max_recv_frag = config_.max_frag;
  body.assoc_group_id = assoc_group_id;
  proposal_.clear();
  const CtxState* pick = nullptr;
  SyntaxId iface;
  for (const auto& [id, list] : contexts_)
    for (const CtxState& c : list)
      if (!pick || (c.phase == CtxState::accepted && pick->phase != CtxState::accepted)) {
        pick = &c;
        iface = id;
      }
  if (pick) {
    proposal_.push_back(Proposal{iface, pick->context_id, pick->transfer, false});
    body.contexts.push_back(PresentationContext{pick->context_id, iface, {pick->transfer}});
  }
  negotiating_ = true;
  return body;
}

bool ClientNegotiation::answered(const Pdu& pdu, bool is_bind) {
  const auto& ack = std::get<BindAckBody>(pdu.body);
  if (!negotiating_ || ack.results.size() != proposal_.size()) return false;
  if (is_bind) {
    // bind_ack's max_recv_frag bounds what we send; max_xmit_frag what the server sends.
    send_frag_ = std::clamp<uint16_t>(ack.max_recv_frag, kMinFragSize, config_.max_frag);
    // What the server says it will send. Samba answers a small max_recv_frag with a larger
    // size (it keeps a floor of its own) and then sends fragments of that size; accepting what
    // the server announced is what its own clients do.
    recv_frag_ = std::max(config_.max_frag, ack.max_xmit_frag);
    group_ = ack.assoc_group_id;
  }
  for (size_t i = 0; i < proposal_.size(); ++i) {
    const Proposal& p = proposal_[i];
    const ContextResultEntry& r = ack.results[i];
    if (p.features) {
      if (r.result == ContextResult::negotiate_ack) accepted_features_ = r.reason;
      continue;
    }
    for (CtxState& c : contexts_[p.interface]) {
      if (c.context_id != p.context_id) continue;
      if (r.result == ContextResult::acceptance && r.transfer_syntax == p.transfer) {
        c.phase = CtxState::accepted;
      } else {
        c.phase = CtxState::rejected;
        uint32_t code = r.reason == uint16_t(ProviderReason::abstract_syntax_not_supported)
                            ? uint32_t(FaultCode::unk_if)
                            : uint32_t(FaultCode::unsupported_type);
        c.error = Status::protocol(code, "presentation context for " + to_string(p.interface) +
                                             " with " + to_string(p.transfer) +
                                             " rejected: " + reason_text(r.reason));
      }
    }
  }
  proposal_.clear();
  negotiating_ = false;
  return true;
}

const CtxState* ClientNegotiation::usable_context(const InterfaceSpec& spec, Status* error) const {
  auto it = contexts_.find(spec.id);
  if (it == contexts_.end()) return nullptr;
  const CtxState* best = nullptr;
  size_t best_rank = SIZE_MAX;
  for (const CtxState& c : it->second) {
    if (c.phase == CtxState::proposed) return nullptr;
    if (c.phase != CtxState::accepted) continue;
    auto pos = std::find(spec.transfer_syntaxes.begin(), spec.transfer_syntaxes.end(), c.transfer);
    size_t rank = size_t(pos - spec.transfer_syntaxes.begin());
    if (rank < best_rank) best = &c, best_rank = rank;
  }
  if (!best && error) *error = it->second.front().error;
  return best;
}

std::optional<SyntaxId> ClientNegotiation::accepted_transfer(const SyntaxId& iface) const {
  auto it = contexts_.find(iface);
  if (it == contexts_.end()) return std::nullopt;
  // The interface's preference is not known here; report the first accepted context.
  for (const CtxState& c : it->second)
    if (c.phase == CtxState::accepted) return c.transfer;
  return std::nullopt;
}

}  // namespace nca::rpc::cn::detail
