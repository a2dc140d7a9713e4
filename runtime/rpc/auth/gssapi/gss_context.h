// One connection's security context through GSSAPI, client or server: the handshake legs by
// gss_init_sec_context / gss_accept_sec_context with the provider's mechanism, then, once
// complete and at levels packet and above, the per-message layer of the mechanism the
// handshake settled on (message_layer.h).
//
// NTLMSSP needs the negotiated flags, which gss-ntlmssp does not export: the context reads them
// from the AUTHENTICATE message as it passes (the client's last token, the server's last
// input), raw or inside a SPNEGO token.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "../ntlmssp/message_security.h"
#include "gss_support.h"
#include "message_layer.h"
#include "nca/rpc/auth/provider.h"

namespace nca::rpc::auth::gss {

struct Setup {
  std::string provider;  // for messages: "NTLMSSP", "SPNEGO", "Kerberos"
  ntlmssp::Role role = ntlmssp::Role::client;
  Level level = Level::connect;
  gss_OID mech = GSS_C_NO_OID;
  Credential cred;
  Name target;              // client: the server's name (may be none)
  OM_uint32 req_flags = 0;  // client: what gss_init_sec_context is asked for
};

class GssContext final : public SecurityContext {
 public:
  explicit GssContext(Setup setup) : s_(std::move(setup)) {}

  Result<Step> step(ByteView peer_token) override;
  bool complete() const override { return complete_; }
  size_t signature_size() const override {
    return layer_ ? layer_->signature_size() : ntlmssp::kSignatureSize;
  }
  // NTLMSSP signs the whole PDU whether or not header signing was negotiated; Kerberos signs
  // it when it was. Either can acknowledge PFC_SUPPORT_HEADER_SIGN.
  bool supports_header_signing() const override { return true; }
  Status sign(const PduRegions& pdu, MutableByteView signature) override;
  Status verify(const PduRegions& pdu, ByteView signature) override;
  Status seal(const PduRegions& pdu, MutableByteView signature) override;
  Status unseal(const PduRegions& pdu, ByteView signature) override;
  Identity peer_identity() const override { return identity_; }

 private:
  Status failed(std::string why) const;
  // Fault sec_pkg_error naming unusable_.
  Status unusable() const;
  // Notes the NTLMSSP flags if `token` is (or wraps) an AUTHENTICATE message.
  void note_ntlm_flags(ByteView token);
  // Builds the per-message layer for `mech`, the mechanism the handshake used.
  Status finish(gss_OID mech);

  Setup s_;
  Context ctx_;
  bool complete_ = false;
  std::optional<uint32_t> ntlm_flags_;
  // Whether SPNEGO's mechListMIC was sent by this side / by the peer.
  bool mic_sent_ = false;
  bool mic_received_ = false;
  std::unique_ptr<MessageLayer> layer_;
  // Why the mechanism cannot protect PDUs at the level asked for ("" : it can).
  std::string unusable_;
  Identity identity_;
};

}  // namespace nca::rpc::auth::gss
