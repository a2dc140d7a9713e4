// The per-PDU security filter of one connection, shared by the client and the server engines:
// every request, response and fault fragment passes through it, inbound to be checked (verified,
// unsealed in place) and outbound to be protected (padded, trailed, signed or sealed). The
// handshake that establishes its SecurityContext lives in server_security.h and
// client_security.h. Private to nca_rpc_cn.
//
// Without a context (an unauthenticated association) it passes plaintext fragments through
// unchanged and refuses any that carry a sec_trailer: the engines' answers stay those they gave
// before there were providers.
//
// Layout of a protected fragment (MS-RPCE 2.2.2.11, C706 13.2.6):
//   header (24 bytes, 40 with an object UUID) | stub | auth padding | sec_trailer (8) | verifier
// with auth_pad_length = auth::auth_pad_length(stub bytes), auth_length = the verifier's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nca/rpc/auth/level.h"
#include "nca/rpc/auth/padding.h"
#include "nca/rpc/auth/provider.h"
#include "nca/rpc/cn/pdu.h"

namespace nca::rpc::cn::detail {

class SecurityFilter {
 public:
  // The association's security once the bind accepted a trailer (server) or asked for one
  // (client); the context may still be mid-handshake.
  void establish(std::unique_ptr<auth::SecurityContext> context, auth::AuthType type,
                 auth::Level level, uint32_t context_id);
  // Header signing is used when both sides set PFC_SUPPORT_HEADER_SIGN and the provider can.
  void set_header_signing(bool on) { header_signing_ = on && context_ && context_->supports_header_signing(); }

  bool authenticated() const { return context_ != nullptr; }
  bool complete() const { return context_ && !invalid_ && context_->complete(); }
  // The handshake failed in a leg that has no answer (auth3): it never completes, and every
  // call of the association is refused.
  void invalidate() { invalid_ = true; }
  bool invalid() const { return invalid_; }
  // Fragments of calls carry a verifier (level packet and above).
  bool protects_pdus() const { return context_ && auth::protects_pdus(level_); }
  auth::AuthType type() const { return type_; }
  auth::Level level() const { return level_; }
  uint32_t context_id() const { return context_id_; }
  bool header_signing() const { return header_signing_; }
  auth::SecurityContext* context() const { return context_.get(); }
  // The fields every trailer of this association carries.
  AuthTrailer trailer() const;
  // Whether `a` names this association's security (type, level and context id).
  bool matches(const AuthTrailer& a) const;

  // ---- inbound: a decoded request or response fragment `pdu` of `fragment` -----------------
  // Checks the trailer against the association, verifies the verifier and unseals the stub in
  // place (pdu's stub view then reads plaintext). Errors are faults saying why the fragment is
  // refused: access_denied, or sec_pkg_error when the provider cannot protect at this level.
  Status unprotect(std::span<uint8_t> fragment, const Pdu& pdu);

  // ---- outbound -------------------------------------------------------------------------------
  // The stub bytes one protected fragment of at most max_frag bytes carries.
  size_t stub_per_fragment(size_t max_frag, size_t head_size) const;
  // Completes the fragment at out[start..]: a header of `head_size` bytes followed by
  // `stub_bytes` of stub. Appends padding, trailer and verifier, fixes frag_length and
  // auth_length, then signs or seals.
  Status protect(std::vector<uint8_t>& out, size_t start, size_t head_size, size_t stub_bytes);

 private:
  std::unique_ptr<auth::SecurityContext> context_;
  auth::AuthType type_ = auth::kAuthTypeNone;
  auth::Level level_ = auth::Level::none;
  uint32_t context_id_ = 0;
  bool header_signing_ = false;
  bool invalid_ = false;
};

}  // namespace nca::rpc::cn::detail
