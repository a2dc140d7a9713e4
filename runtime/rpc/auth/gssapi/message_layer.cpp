#include "message_layer.h"

#include <gssapi/gssapi_ext.h>

#include <array>

#include "gss_support.h"

namespace nca::rpc::auth::gss {

namespace {

Status refused(std::string why) { return Status::protocol(0, std::move(why)); }

class NtlmsspLayer final : public MessageLayer {
 public:
  explicit NtlmsspLayer(ntlmssp::MessageSecurity s) : s_(std::move(s)) {}
  size_t signature_size() const override { return ntlmssp::kSignatureSize; }
  Status sign(const PduRegions& pdu, MutableByteView signature) override {
    s_.sign(pdu.fragment, signature.first<ntlmssp::kSignatureSize>());
    return {};
  }
  Status verify(const PduRegions& pdu, ByteView signature) override {
    if (!s_.verify(pdu.fragment, signature)) return refused("NTLMSSP: the signature does not match");
    return {};
  }
  Status seal(const PduRegions& pdu, MutableByteView signature) override {
    s_.seal(pdu.fragment, pdu.body(), signature.first<ntlmssp::kSignatureSize>());
    return {};
  }
  Status unseal(const PduRegions& pdu, ByteView signature) override {
    if (!s_.unseal(pdu.fragment, pdu.body(), signature))
      return refused("NTLMSSP: the signature of the unsealed PDU does not match");
    return {};
  }

 private:
  ntlmssp::MessageSecurity s_;
};

// The enctype GSS_C_INQ_SSPI_SESSION_KEY reports in its second element (an OID ending in the
// enctype number), or 0.
int session_enctype(gss_ctx_id_t ctx) {
  gss_OID_desc oid = {11, const_cast<char*>("\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x05\x05")};
  OM_uint32 minor = 0;
  gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
  int enctype = 0;
  if (!GSS_ERROR(gss_inquire_sec_context_by_oid(&minor, ctx, &oid, &set)) &&
      set != GSS_C_NO_BUFFER_SET && set->count >= 2 && set->elements[1].length > 0) {
    const auto* p = static_cast<const uint8_t*>(set->elements[1].value);
    uint8_t last = p[set->elements[1].length - 1];
    if (!(last & 0x80)) enctype = last;
  }
  gss_release_buffer_set(&minor, &set);
  return enctype;
}

class Krb5Layer final : public MessageLayer {
 public:
  Krb5Layer(gss_ctx_id_t ctx, size_t size) : ctx_(ctx), size_(size) {}
  size_t signature_size() const override { return size_; }

  Status sign(const PduRegions& pdu, MutableByteView signature) override {
    ByteView signed_bytes = pdu.signed_bytes();
    gss_buffer_desc in{signed_bytes.size(), const_cast<uint8_t*>(signed_bytes.data())};
    Buffer mic;
    OM_uint32 minor = 0;
    OM_uint32 major = gss_get_mic(&minor, ctx_, GSS_C_QOP_DEFAULT, &in, mic.out());
    if (GSS_ERROR(major)) return refused(error_text("Kerberos gss_get_mic", major, minor));
    Bytes token = mic.bytes();
    if (token.size() != signature.size())
      return refused("Kerberos: a MIC of " + std::to_string(token.size()) + " bytes, not " +
                     std::to_string(signature.size()));
    std::copy(token.begin(), token.end(), signature.begin());
    return {};
  }
  Status verify(const PduRegions& pdu, ByteView signature) override {
    ByteView signed_bytes = pdu.signed_bytes();
    gss_buffer_desc in{signed_bytes.size(), const_cast<uint8_t*>(signed_bytes.data())};
    gss_buffer_desc token{signature.size(), const_cast<uint8_t*>(signature.data())};
    OM_uint32 minor = 0;
    OM_uint32 major = gss_verify_mic(&minor, ctx_, &in, &token, nullptr);
    if (GSS_ERROR(major)) return refused(error_text("Kerberos gss_verify_mic", major, minor));
    return {};
  }
  Status seal(const PduRegions& pdu, MutableByteView signature) override {
    auto iov = vectors(pdu, signature);
    int sealed = 0;
    OM_uint32 minor = 0;
    OM_uint32 major = gss_wrap_iov(&minor, ctx_, 1, GSS_C_QOP_DEFAULT, &sealed, iov.data(),
                                   int(iov.size()));
    if (GSS_ERROR(major)) return refused(error_text("Kerberos gss_wrap_iov", major, minor));
    if (!sealed) return refused("Kerberos: gss_wrap_iov did not seal");
    if (iov[0].buffer.length != signature.size())
      return refused("Kerberos: a wrap header of another size than negotiated");
    return {};
  }
  Status unseal(const PduRegions& pdu, ByteView signature) override {
    auto iov = vectors(pdu, MutableByteView(const_cast<uint8_t*>(signature.data()), signature.size()));
    int sealed = 0;
    OM_uint32 minor = 0;
    OM_uint32 major = gss_unwrap_iov(&minor, ctx_, &sealed, nullptr, iov.data(), int(iov.size()));
    if (GSS_ERROR(major)) return refused(error_text("Kerberos gss_unwrap_iov", major, minor));
    if (!sealed) return refused("Kerberos: the PDU was not sealed");
    return {};
  }

 private:
  // HEADER (the verifier), SIGN_ONLY before the body, DATA (the body), SIGN_ONLY after it; the
  // sign-only parts are empty without header signing.
  static std::array<gss_iov_buffer_desc, 4> vectors(const PduRegions& pdu, MutableByteView sig) {
    std::array<gss_iov_buffer_desc, 4> iov{};
    iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER;
    iov[0].buffer = {sig.size(), sig.data()};
    MutableByteView before = pdu.fragment.first(pdu.body_offset);
    MutableByteView body = pdu.body();
    MutableByteView after = pdu.fragment.subspan(pdu.body_offset + pdu.body_length);
    iov[1].type = pdu.header_signing ? GSS_IOV_BUFFER_TYPE_SIGN_ONLY : GSS_IOV_BUFFER_TYPE_EMPTY;
    if (pdu.header_signing) iov[1].buffer = {before.size(), before.data()};
    iov[2].type = GSS_IOV_BUFFER_TYPE_DATA;
    iov[2].buffer = {body.size(), body.data()};
    iov[3].type = pdu.header_signing ? GSS_IOV_BUFFER_TYPE_SIGN_ONLY : GSS_IOV_BUFFER_TYPE_EMPTY;
    if (pdu.header_signing) iov[3].buffer = {after.size(), after.data()};
    return iov;
  }

  gss_ctx_id_t ctx_;
  size_t size_;
};

}  // namespace

std::unique_ptr<MessageLayer> ntlmssp_layer(ntlmssp::MessageSecurity security) {
  return std::make_unique<NtlmsspLayer>(std::move(security));
}

Result<std::unique_ptr<MessageLayer>> krb5_layer(gss_ctx_id_t ctx, Level level) {
  size_t size = 0;
  if (level == Level::privacy) {
    // The DCE-style wrap header for a body of whole 16-byte blocks (the auth padding's unit).
    std::array<gss_iov_buffer_desc, 2> iov{};
    iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER;
    iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
    iov[1].buffer.length = 16;
    int sealed = 0;
    OM_uint32 minor = 0;
    OM_uint32 major = gss_wrap_iov_length(&minor, ctx, 1, GSS_C_QOP_DEFAULT, &sealed, iov.data(),
                                          int(iov.size()));
    if (GSS_ERROR(major))
      return refused(error_text("Kerberos gss_wrap_iov_length", major, minor));
    size = iov[0].buffer.length;
  } else {
    // A MIC token: 28 bytes for the RFC 4121 enctypes (AES), 37 for the older RC4/DES ones.
    int e = session_enctype(ctx);
    size = (e == 1 || e == 3 || e == 23 || e == 24) ? 37 : 28;
  }
  return std::unique_ptr<MessageLayer>(std::make_unique<Krb5Layer>(ctx, size));
}

}  // namespace nca::rpc::auth::gss
