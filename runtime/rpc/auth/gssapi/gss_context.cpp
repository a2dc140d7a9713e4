#include "gss_context.h"

#include "nca/rpc/auth/faults.h"

#include <gssapi/gssapi_krb5.h>

#include "../ntlmssp/authenticate_flags.h"
#include "../ntlmssp/short_messages.h"
#include "spnego_token.h"

namespace nca::rpc::auth::gss {

namespace {

bool same_oid(gss_OID a, gss_OID b) {
  return a && b && a->length == b->length &&
         std::equal(static_cast<const char*>(a->elements),
                    static_cast<const char*>(a->elements) + a->length,
                    static_cast<const char*>(b->elements));
}

bool is_krb5(gss_OID mech) {
  // RFC 1964's OID and the one Windows' SPNEGO once sent by mistake (MS KRB5).
  static gss_OID_desc ms_krb5 = {9, const_cast<char*>("\x2a\x86\x48\x82\xf7\x12\x01\x02\x02")};
  return same_oid(mech, krb5_mech()) || same_oid(mech, &ms_krb5);
}

// "DOMAIN\\user" (NTLMSSP) or "user@REALM" (Kerberos) split into its parts.
Identity identity_of(std::string principal) {
  Identity id;
  if (auto slash = principal.find('\\'); slash != std::string::npos) {
    id.domain = principal.substr(0, slash);
    id.user = principal.substr(slash + 1);
  } else if (auto at = principal.rfind('@'); at != std::string::npos) {
    id.user = principal.substr(0, at);
    id.domain = principal.substr(at + 1);
  } else {
    id.user = principal;
  }
  id.principal = std::move(principal);
  return id;
}

}  // namespace

Status GssContext::unusable() const {
  return Status::fault(auth::kFaultSecPkgError, s_.provider + ": " + unusable_);
}

Status GssContext::failed(std::string why) const {
  return Status::protocol(0, s_.provider + ": " + std::move(why));
}

void GssContext::note_ntlm_flags(ByteView token) {
  if (auto f = ntlmssp::authenticate_flags(token)) {
    ntlm_flags_ = f;
  } else if (auto inner = spnego_inner_token(token)) {
    if (auto g = ntlmssp::authenticate_flags(*inner)) ntlm_flags_ = g;
  }
}

Result<Step> GssContext::step(ByteView peer_token) {
  if (complete_) return failed("a token after the handshake completed");
  gss_buffer_desc in{peer_token.size(), const_cast<uint8_t*>(peer_token.data())};
  Buffer out;
  OM_uint32 minor = 0, major = 0;
  gss_OID mech = GSS_C_NO_OID;
  Name source;
  bool client = s_.role == ntlmssp::Role::client;
  if (client) {
    major = gss_init_sec_context(&minor, s_.cred.get(), ctx_.inout(), s_.target.get(), s_.mech,
                                 s_.req_flags, 0, GSS_C_NO_CHANNEL_BINDINGS,
                                 peer_token.empty() ? GSS_C_NO_BUFFER : &in, &mech, out.out(),
                                 nullptr, nullptr);
  } else {
    note_ntlm_flags(peer_token);
    mic_received_ = mic_received_ || spnego_has_mech_list_mic(peer_token);
    auto lengthened = ntlmssp::lengthen_for_gss_ntlmssp(peer_token);
    if (lengthened) in = {lengthened->size(), lengthened->data()};
    major = gss_accept_sec_context(&minor, ctx_.inout(), s_.cred.get(), &in,
                                   GSS_C_NO_CHANNEL_BINDINGS, source.out(), &mech, out.out(),
                                   nullptr, nullptr, nullptr);
  }
  if (GSS_ERROR(major))
    return failed(error_text(client ? "gss_init_sec_context" : "gss_accept_sec_context", major,
                             minor, s_.mech));
  Step s;
  s.token = out.bytes();
  if (client) {
    note_ntlm_flags(s.token);
    mic_received_ = mic_received_ || spnego_has_mech_list_mic(peer_token);
  }
  mic_sent_ = mic_sent_ || spnego_has_mech_list_mic(s.token);
  if (major & GSS_S_CONTINUE_NEEDED) return s;
  if (Status st = finish(mech); !st.ok()) return st;
  if (!client) identity_ = identity_of(source.display());
  complete_ = true;
  s.complete = true;
  return s;
}

Status GssContext::finish(gss_OID mech) {
  if (!protects_pdus(s_.level)) return {};
  if (same_oid(mech, ntlmssp_mech())) {
    if (!ntlm_flags_) return failed("no NTLMSSP AUTHENTICATE message was seen");
    auto key = session_key(ctx_.get());
    if (!key) return failed(key.error().message);
    // The client's NTLMSSP may have negotiated less than the DCE/RPC level asks for (a gensec
    // at level connect under a bind at packet). Samba refuses that at privacy on the
    // handshake's last leg, at packet and integrity on the first protected PDU (the handshake
    // stands), both with fault sec_pkg_error; so do we.
    bool privacy = s_.level == Level::privacy;
    if (!(*ntlm_flags_ & (privacy ? ntlmssp::kNegotiateSeal : ntlmssp::kNegotiateSign))) {
      std::string what = privacy ? "NTLMSSP negotiated without sealing at level privacy"
                                 : "NTLMSSP negotiated without signing";
      if (privacy) return Status::fault(auth::kFaultSecPkgError, s_.provider + ": " + what);
      unusable_ = what;
      return {};
    }
    auto security = ntlmssp::MessageSecurity::create(*key, *ntlm_flags_, s_.role, mic_sent_ ? 1 : 0,
                                                     mic_received_ ? 1 : 0);
    if (!security) return failed(security.error().message);
    layer_ = ntlmssp_layer(std::move(*security));
    return {};
  }
  if (is_krb5(mech)) {
    auto layer = krb5_layer(ctx_.get(), s_.level);
    if (!layer) return failed(layer.error().message);
    layer_ = std::move(*layer);
    return {};
  }
  return failed("the handshake settled on a mechanism without a DCE/RPC message layer here");
}

Status GssContext::sign(const PduRegions& pdu, MutableByteView signature) {
  if (!unusable_.empty()) return unusable();
  if (!layer_) return failed("signing before the handshake completed");
  return layer_->sign(pdu, signature);
}
Status GssContext::verify(const PduRegions& pdu, ByteView signature) {
  if (!unusable_.empty()) return unusable();
  if (!layer_) return failed("verifying before the handshake completed");
  return layer_->verify(pdu, signature);
}
Status GssContext::seal(const PduRegions& pdu, MutableByteView signature) {
  if (!unusable_.empty()) return unusable();
  if (!layer_) return failed("sealing before the handshake completed");
  return layer_->seal(pdu, signature);
}
Status GssContext::unseal(const PduRegions& pdu, ByteView signature) {
  if (!unusable_.empty()) return unusable();
  if (!layer_) return failed("unsealing before the handshake completed");
  return layer_->unseal(pdu, signature);
}

}  // namespace nca::rpc::auth::gss
