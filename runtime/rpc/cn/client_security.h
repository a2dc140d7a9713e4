// The client side of a connection's security: which provider a ClientHandle's request for
// security (ClientConfig::security, or the binding's sign/seal/... words) names, the handshake
// legs it drives (the bind's token, then auth3 or alter_context legs), and the SecurityFilter
// the connection's calls pass through. Private to nca_rpc_cn.
//
// Security that cannot be given is an error before anything is sent: no registry, no provider
// for the auth type, or a provider that cannot make a context. A security request is never
// dropped to plaintext.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "nca/rpc/auth/registry.h"
#include "security_filter.h"

namespace nca::rpc::cn::detail {

class ClientSecurity {
 public:
  // The auth_context_id this engine binds with (any value is valid; one per connection).
  static constexpr uint32_t kAuthContextId = 1;

  // `request` is an error when the binding's words contradict each other: every call then
  // fails with it (check()).
  void configure(Result<std::optional<auth::ClientSecurityRequest>> request,
                 std::shared_ptr<const auth::Registry> providers) {
    if (request) request_ = std::move(*request);
    else config_error_ = std::move(request).take_error();
    providers_ = std::move(providers);
  }
  bool requested() const { return request_.has_value() || !config_error_.ok(); }

  // Whether the security asked for can be given at all (a provider is registered for it).
  Status check() const;
  // A fresh context for a new connection and its first token, for the bind's trailer.
  Result<Bytes> start();
  // Forgets the connection's context.
  void reset() { filter_ = SecurityFilter(); }

  // Ask for PFC_SUPPORT_HEADER_SIGN in the bind: the provider can sign headers.
  bool wants_header_signing() const;

  // What a bind_ack's or alter_context_resp's trailer leads to.
  enum class Next {
    ready,          // the handshake is complete
    auth3,          // send `token` in an auth3; then complete (no answer comes)
    alter_context,  // send `token` in an alter_context leg and wait for its answer
  };
  Result<std::pair<Next, Bytes>> on_answer(const std::optional<AuthTrailer>& trailer,
                                           bool header_sign_acked);

  SecurityFilter& filter() { return filter_; }
  const SecurityFilter& filter() const { return filter_; }
  // "privacy with auth type 0x09": for error messages.
  std::string describe() const;

 private:
  std::optional<auth::ClientSecurityRequest> request_;
  Status config_error_;  // the binding's words contradict each other
  std::shared_ptr<const auth::Registry> providers_;
  SecurityFilter filter_;
};

}  // namespace nca::rpc::cn::detail
