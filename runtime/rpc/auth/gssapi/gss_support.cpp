#include "gss_support.h"

#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <gssapi/gssapi_ntlmssp.h>

namespace nca::rpc::auth::gss {

namespace {

gss_OID_desc kNtlmssp = {GSS_NTLMSSP_OID_LENGTH, const_cast<char*>(GSS_NTLMSSP_OID_STRING)};
// 1.3.6.1.5.5.2
gss_OID_desc kSpnego = {6, const_cast<char*>("\x2b\x06\x01\x05\x05\x02")};
// 1.2.840.113554.1.2.2.5.5 (GSS_C_INQ_SSPI_SESSION_KEY; named in gssapi_krb5.h as well)
gss_OID_desc kSessionKey = {11, const_cast<char*>("\x2a\x86\x48\x86\xf7\x12\x01\x02\x02\x05\x05")};

void append_status(std::string& out, OM_uint32 code, int type, gss_OID mech) {
  OM_uint32 minor = 0, context = 0;
  do {
    gss_buffer_desc text{0, nullptr};
    if (GSS_ERROR(gss_display_status(&minor, code, type, mech, &context, &text))) break;
    if (!out.empty() && out.back() != '(') out += "; ";
    out.append(static_cast<const char*>(text.value), text.length);
    gss_release_buffer(&minor, &text);
  } while (context != 0);
}

}  // namespace

gss_OID ntlmssp_mech() { return &kNtlmssp; }
gss_OID spnego_mech() { return &kSpnego; }
gss_OID krb5_mech() { return const_cast<gss_OID>(gss_mech_krb5); }

std::string error_text(std::string_view what, OM_uint32 major, OM_uint32 minor, gss_OID mech) {
  std::string out(what);
  out += ": ";
  std::string text;
  append_status(text, major, GSS_C_GSS_CODE, GSS_C_NO_OID);
  out += text;
  if (minor != 0) {
    std::string m;
    append_status(m, minor, GSS_C_MECH_CODE, mech);
    if (!m.empty()) out += " (" + m + ")";
  }
  return out;
}

Result<Name> Name::import(std::string_view text, gss_OID type) {
  Name n;
  gss_buffer_desc buf{text.size(), const_cast<char*>(text.data())};
  OM_uint32 minor = 0;
  OM_uint32 major = gss_import_name(&minor, &buf, type, n.out());
  if (GSS_ERROR(major))
    return Status::protocol(0, error_text("importing the name '" + std::string(text) + "'",
                                          major, minor));
  return n;
}

std::string Name::display() const {
  if (name_ == GSS_C_NO_NAME) return {};
  OM_uint32 minor = 0;
  gss_buffer_desc text{0, nullptr};
  if (GSS_ERROR(gss_display_name(&minor, name_, &text, nullptr))) return {};
  std::string out(static_cast<const char*>(text.value), text.length);
  gss_release_buffer(&minor, &text);
  // Some mechanisms (gss-ntlmssp) count the terminating NUL in the length.
  while (!out.empty() && out.back() == '\0') out.pop_back();
  return out;
}

void Name::reset() {
  OM_uint32 minor = 0;
  if (name_ != GSS_C_NO_NAME) gss_release_name(&minor, &name_);
  name_ = GSS_C_NO_NAME;
}

void Credential::reset() {
  OM_uint32 minor = 0;
  if (cred_ != GSS_C_NO_CREDENTIAL) gss_release_cred(&minor, &cred_);
  cred_ = GSS_C_NO_CREDENTIAL;
}

void Context::reset() {
  OM_uint32 minor = 0;
  if (ctx_ != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &ctx_, GSS_C_NO_BUFFER);
  ctx_ = GSS_C_NO_CONTEXT;
}

Buffer::~Buffer() {
  OM_uint32 minor = 0;
  if (buf_.value) gss_release_buffer(&minor, &buf_);
}

Bytes Buffer::bytes() const {
  const auto* p = static_cast<const uint8_t*>(buf_.value);
  return p ? Bytes(p, p + buf_.length) : Bytes{};
}

Result<Bytes> session_key(gss_ctx_id_t ctx) {
  OM_uint32 minor = 0;
  gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
  OM_uint32 major = gss_inquire_sec_context_by_oid(&minor, ctx, &kSessionKey, &set);
  if (GSS_ERROR(major)) return Status::protocol(0, error_text("session key", major, minor));
  Bytes key;
  if (set != GSS_C_NO_BUFFER_SET && set->count >= 1) {
    const auto* p = static_cast<const uint8_t*>(set->elements[0].value);
    key.assign(p, p + set->elements[0].length);
  }
  gss_release_buffer_set(&minor, &set);
  if (key.empty()) return Status::protocol(0, "the mechanism exported no session key");
  return key;
}

}  // namespace nca::rpc::auth::gss
