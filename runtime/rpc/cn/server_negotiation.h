// The server side of a connection's presentation negotiation: the contexts a bind or
// alter_context offers, the bind-time features, the fragment sizes and concurrent multiplexing
// the bind settles. Pure state: the connection (server.cpp) turns its outcomes into PDUs.
// Private to nca_rpc_cn.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "nca/rpc/cn/pdu.h"
#include "nca/rpc/cn/server.h"
#include "nca/rpc/server.h"

namespace nca::rpc::cn::detail {

class ServerNegotiation {
 public:
  struct Context {
    SyntaxId abstract;
    SyntaxId transfer;
  };

  // How a bind or alter_context's list of presentation contexts ends.
  enum class Outcome {
    ok,               // answer with the results
    protocol_error,   // a context without transfer syntaxes, or changing an accepted one
    second_features,  // a second bind-time feature context in one bind
    over_limit,       // a new context beyond max_contexts
  };

  ServerNegotiation(const ServerConfig& config, ServerCore& core) : config_(config), core_(core) {}

  // Answers the contexts offered (see negotiate() in server_negotiation.cpp for the rules),
  // appending one result per context and recording the accepted ones.
  Outcome negotiate(const std::vector<PresentationContext>& offered, bool is_bind,
                    std::vector<ContextResultEntry>& results);
  // The bind was accepted: fragment sizes and multiplexing are settled.
  void bound(const BindBody& body, bool conc_mpx);

  bool is_bound() const { return bound_; }
  bool conc_mpx() const { return conc_mpx_; }
  uint16_t max_xmit() const { return max_xmit_; }
  uint16_t max_recv() const { return max_recv_; }
  uint16_t features() const { return features_; }
  // The accepted context `id`; null if none.
  const Context* context(uint16_t id) const;

  // The fragment size a bind settles on (see server_negotiation.cpp).
  static uint16_t negotiated_frag(uint16_t client_xmit, uint16_t client_recv, uint16_t ours);

 private:
  const ServerConfig& config_;
  ServerCore& core_;
  bool bound_ = false;
  bool conc_mpx_ = false;  // the bind asked for concurrent multiplexing (PFC_CONC_MPX)
  uint16_t max_xmit_ = kMinFragSize;
  uint16_t max_recv_ = kMinFragSize;
  uint16_t features_ = 0;
  std::map<uint16_t, Context> contexts_;
};

}  // namespace nca::rpc::cn::detail
