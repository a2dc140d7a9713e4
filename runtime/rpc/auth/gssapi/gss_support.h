// Small owners of GSSAPI handles (names, credentials, security contexts, buffers) and the text of
// a GSSAPI error, for the providers in this folder. Nothing here is DCE/RPC specific.
#pragma once

#include <gssapi/gssapi.h>

#include <string>
#include <string_view>
#include <utility>

#include "nca/rpc/status.h"

namespace nca::rpc::auth::gss {

// The mechanisms the providers drive.
gss_OID ntlmssp_mech();
gss_OID spnego_mech();
gss_OID krb5_mech();

// "what: <major text> (<minor text>)" from gss_display_status, for `mech` (may be null).
std::string error_text(std::string_view what, OM_uint32 major, OM_uint32 minor,
                       gss_OID mech = GSS_C_NO_OID);

class Name {
 public:
  Name() = default;
  ~Name() { reset(); }
  Name(Name&& o) noexcept : name_(std::exchange(o.name_, GSS_C_NO_NAME)) {}
  Name& operator=(Name&& o) noexcept {
    if (this != &o) { reset(); name_ = std::exchange(o.name_, GSS_C_NO_NAME); }
    return *this;
  }
  // Imports `text` as a name of `type` (GSS_C_NT_USER_NAME, GSS_C_NT_HOSTBASED_SERVICE...).
  static Result<Name> import(std::string_view text, gss_OID type);
  gss_name_t get() const { return name_; }
  gss_name_t* out() { reset(); return &name_; }
  // The name as gss_display_name shows it ("" for none).
  std::string display() const;

 private:
  void reset();
  gss_name_t name_ = GSS_C_NO_NAME;
};

class Credential {
 public:
  Credential() = default;
  ~Credential() { reset(); }
  Credential(Credential&& o) noexcept : cred_(std::exchange(o.cred_, GSS_C_NO_CREDENTIAL)) {}
  Credential& operator=(Credential&& o) noexcept {
    if (this != &o) { reset(); cred_ = std::exchange(o.cred_, GSS_C_NO_CREDENTIAL); }
    return *this;
  }
  gss_cred_id_t get() const { return cred_; }
  gss_cred_id_t* out() { reset(); return &cred_; }

 private:
  void reset();
  gss_cred_id_t cred_ = GSS_C_NO_CREDENTIAL;
};

class Context {
 public:
  Context() = default;
  ~Context() { reset(); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  gss_ctx_id_t get() const { return ctx_; }
  gss_ctx_id_t* inout() { return &ctx_; }

 private:
  void reset();
  gss_ctx_id_t ctx_ = GSS_C_NO_CONTEXT;
};

// A gss_buffer_desc the library allocated, released on destruction.
class Buffer {
 public:
  Buffer() = default;
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  gss_buffer_t out() { return &buf_; }
  Bytes bytes() const;

 private:
  gss_buffer_desc buf_{0, nullptr};
};

// The session key of an established context (GSS_C_INQ_SSPI_SESSION_KEY: the exported session
// key for NTLMSSP, the subkey for Kerberos).
Result<Bytes> session_key(gss_ctx_id_t ctx);

}  // namespace nca::rpc::auth::gss
