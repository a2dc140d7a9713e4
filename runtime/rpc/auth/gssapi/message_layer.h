// The per-message protection of an established GSSAPI context, chosen by the mechanism the
// handshake settled on (for SPNEGO, the one it negotiated):
//   NTLMSSP: ntlmssp::MessageSecurity on the exported session key; the signature always covers
//            the whole PDU (header through sec_trailer), as Windows and Samba sign it;
//   Kerberos: the mechanism's own gss_get_mic / gss_verify_mic (integrity) and gss_wrap_iov /
//            gss_unwrap_iov with a DCE-style context (privacy: the body sealed, the header and
//            sec_trailer sign-only when header signing was negotiated), as Samba's gensec does.
#pragma once

#include <gssapi/gssapi.h>

#include <cstdint>
#include <memory>

#include "../ntlmssp/message_security.h"
#include "nca/rpc/auth/provider.h"

namespace nca::rpc::auth::gss {

class MessageLayer {
 public:
  virtual ~MessageLayer() = default;
  virtual size_t signature_size() const = 0;
  virtual Status sign(const PduRegions& pdu, MutableByteView signature) = 0;
  virtual Status verify(const PduRegions& pdu, ByteView signature) = 0;
  virtual Status seal(const PduRegions& pdu, MutableByteView signature) = 0;
  virtual Status unseal(const PduRegions& pdu, ByteView signature) = 0;
};

std::unique_ptr<MessageLayer> ntlmssp_layer(ntlmssp::MessageSecurity security);

// `ctx` stays owned by the caller and must outlive the layer. Fails when the signature size
// cannot be learned from the mechanism.
Result<std::unique_ptr<MessageLayer>> krb5_layer(gss_ctx_id_t ctx, Level level);

}  // namespace nca::rpc::auth::gss
