// The server side of a connection's security: the handshake legs (bind, alter_context, auth3)
// that establish its SecurityFilter, and the policy for what no provider can take. Private to
// nca_rpc_cn.
//
// A bind at level call for a provider it has is refused with bind_nak invalid_checksum, as
// samba-dcerpcd 4.17 refuses it (raw_protocol's test_spnego_call_bind), although call is served as packet once bound.
//
// The "no provider" policy (the registry has no provider for the trailer's auth_type, or there
// is no registry) answers as samba-dcerpcd 4.17 answers auth types it does not know, checked by
// Samba's raw_protocol tests: a bind with a trailer at level connect..privacy is refused with
// bind_nak invalid_auth_type, at any other level with not_specified; a trailer on an
// alter_context or request of an unauthenticated association is fault access_denied, then
// disconnect; an auth3 there is a protocol error.
#pragma once

#include <memory>
#include <optional>
#include <variant>

#include "nca/rpc/auth/registry.h"
#include "nca/rpc/server.h"
#include "security_filter.h"

namespace nca::rpc::cn::detail {

class ServerSecurity {
 public:
  explicit ServerSecurity(std::shared_ptr<const auth::Registry> providers)
      : providers_(std::move(providers)) {}

  SecurityFilter& filter() { return filter_; }
  const SecurityFilter& filter() const { return filter_; }

  // What a leg answers: a token for the answer's trailer (none: no trailer), or a refusal.
  struct Token {
    std::optional<Bytes> token;
  };
  struct Refuse {
    // bind: the bind_nak reason; alter_context: a fault (did_not_execute, context 0),
    // access_denied, or sec_pkg_error when the provider cannot protect at the level asked for;
    // both then disconnect.
    BindNakReason nak = BindNakReason::not_specified;
    uint32_t fault = uint32_t(FaultCode::fault_access_denied);
  };
  using Answer = std::variant<Token, Refuse>;

  // A bind's trailer (the bind is otherwise acceptable). `header_sign`: the bind asked for
  // PFC_SUPPORT_HEADER_SIGN.
  Answer on_bind(const AuthTrailer& trailer, bool header_sign);
  // An alter_context's trailer, if any: a further leg while the handshake runs; none is needed
  // once it completed (a new interface on the same security).
  Answer on_alter_context(const std::optional<AuthTrailer>& trailer);
  // An auth3's trailer: the last leg. False: a protocol error (no leg expected, no trailer, a
  // trailer of another context). A token the provider refuses, or one that leaves it
  // unfinished, gets no answer, as Samba's dcesrv_auth_auth3 gives none: the handshake stays
  // incomplete and the association's calls are refused (fault access_denied).
  bool on_auth3(const std::optional<AuthTrailer>& trailer);

  // Fills the caller's security fields for a call.
  void describe(CallerContext& caller) const;

 private:
  Answer leg(const AuthTrailer& trailer);

  std::shared_ptr<const auth::Registry> providers_;
  SecurityFilter filter_;
};

}  // namespace nca::rpc::cn::detail
