// The client side of a connection's presentation negotiation: the contexts proposed per
// interface (one per transfer syntax), what the server's bind_ack or alter_context_resp made of
// them, the bind-time features, fragment sizes and association group the bind settled. Pure
// state: the connection (client.cpp) sends the PDUs. Private to nca_rpc_cn.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "nca/rpc/cn/client.h"
#include "nca/rpc/cn/pdu.h"
#include "nca/rpc/interface.h"

namespace nca::rpc::cn::detail {

struct CtxState {
  enum Phase { proposed, accepted, rejected } phase = proposed;
  uint16_t context_id = 0;
  SyntaxId transfer;
  Status error;  // when rejected
};

class ClientNegotiation {
 public:
  explicit ClientNegotiation(const ClientConfig& config) : config_(config) {}

  // Starts a bind or alter_context: the contexts for the first of `interfaces` (in order) that
  // has none yet. Servers accept at most one new presentation context per bind or
  // alter_context, so the others follow in alter_contexts of their own. A bind adds the
  // bind-time feature context when ClientConfig::features asks for any. Returns the body to
  // send; `negotiating()` is true from now until answered() (unless the body offers nothing).
  BindBody propose(PduType type, const std::vector<const InterfaceSpec*>& interfaces,
                   uint32_t assoc_group_id);
  // An alter_context leg of a security handshake: re-proposes one context already decided
  // (servers need one in every alter_context).
  BindBody repropose(uint32_t assoc_group_id);
  // The answer to the proposal. False: it does not fit it (a protocol error).
  bool answered(const Pdu& pdu, bool is_bind);

  bool negotiating() const { return negotiating_; }
  bool has_contexts(const SyntaxId& iface) const { return contexts_.count(iface) != 0; }
  // The accepted context of `spec` with its most preferred transfer syntax; nullptr while
  // undecided; `error` set when every context was rejected.
  const CtxState* usable_context(const InterfaceSpec& spec, Status* error) const;
  std::optional<SyntaxId> accepted_transfer(const SyntaxId& iface) const;

  uint16_t send_frag() const { return send_frag_; }
  uint16_t recv_frag() const { return recv_frag_; }
  uint32_t group() const { return group_; }
  uint16_t features() const { return accepted_features_; }
  // A new connection starts from nothing (context ids keep counting).
  void reset();

 private:
  struct Proposal {
    SyntaxId interface;
    uint16_t context_id = 0;
    SyntaxId transfer;
    bool features = false;  // the bind-time negotiation context
  };
  std::vector<SyntaxId> offered_syntaxes(const InterfaceSpec& spec) const;

  const ClientConfig& config_;
  uint16_t send_frag_ = kMinFragSize;
  uint16_t recv_frag_ = kMinFragSize;
  uint32_t group_ = 0;
  uint16_t accepted_features_ = 0;
  std::map<SyntaxId, std::vector<CtxState>> contexts_;  // per interface, one per transfer syntax
  std::vector<Proposal> proposal_;                      // of the bind/alter in flight
  bool negotiating_ = false;
  uint16_t next_context_ = 0;
};

}  // namespace nca::rpc::cn::detail
