// The GSSAPI providers (nca/rpc/auth/gssapi.h): credentials and request flags per mechanism;
// the context itself is GssContext.
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "gss_context.h"
#include "nca/rpc/auth/gssapi.h"

namespace nca::rpc::auth {

namespace {

using gss::Credential;
using ntlmssp::Role;

struct Mechanism {
  AuthType type;
  std::string_view name;  // the provider's name
  std::string_view text;  // for messages
  gss_OID (*oid)();
};
constexpr Mechanism kNtlmssp{kAuthTypeNtlmssp, "ntlmssp", "NTLMSSP", gss::ntlmssp_mech};
constexpr Mechanism kSpnego{kAuthTypeSpnego, "spnego", "SPNEGO", gss::spnego_mech};
constexpr Mechanism kKerberos{kAuthTypeKerberos, "kerberos", "Kerberos", gss::krb5_mech};

Status failed(const Mechanism& m, std::string why) {
  return Status::protocol(0, std::string(m.text) + ": " + std::move(why));
}

// What SPNEGO may negotiate here: NTLMSSP only (Kerberos is auth type 16 of its own; SPNEGO over
// Kerberos would need the DCE-style flag passed through MIT's SPNEGO, not done yet).
Status limit_spnego(const Mechanism& m, Credential& cred) {
  if (m.type != kAuthTypeSpnego) return {};
  gss_OID_set_desc only = {1, gss::ntlmssp_mech()};
  OM_uint32 minor = 0;
  OM_uint32 major = gss_set_neg_mechs(&minor, cred.get(), &only);
  if (GSS_ERROR(major)) return failed(m, gss::error_text("gss_set_neg_mechs", major, minor));
  return {};
}

// The mechanisms a credential is acquired for: NTLMSSP under SPNEGO, else the mechanism itself.
gss_OID_set_desc cred_mechs(const Mechanism& m) {
  return {1, m.type == kAuthTypeSpnego ? gss::spnego_mech() : m.oid()};
}

Result<Credential> client_credential(const Mechanism& m, const Credentials& c) {
  Credential cred;
  if (c.anonymous)
    return failed(m, "anonymous authentication is not supported; give a user and password");
  gss_OID_set_desc mechs = cred_mechs(m);
  OM_uint32 minor = 0, major = 0;
  std::string user;
  if (c.user.empty()) {
    // The mechanism's default credentials (gss-ntlmssp's NTLM_USER_FILE, Kerberos' ccache).
    major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE,
                             cred.out(), nullptr, nullptr);
    user = "the default user";
  } else {
    if (m.type == kAuthTypeKerberos)
      user = c.domain.empty() ? c.user : c.user + "@" + c.domain;
    else
      user = c.domain.empty() ? c.user : c.domain + "\\" + c.user;
    auto name = gss::Name::import(user, GSS_C_NT_USER_NAME);
    if (!name) return failed(m, name.error().message);
    gss_buffer_desc password{c.password.size(), const_cast<char*>(c.password.data())};
    major = gss_acquire_cred_with_password(&minor, name->get(), &password, GSS_C_INDEFINITE,
                                           &mechs, GSS_C_INITIATE, cred.out(), nullptr, nullptr);
  }
  if (GSS_ERROR(major))
    return failed(m, gss::error_text("credentials for " + user, major, minor, m.oid()));
  if (Status st = limit_spnego(m, cred); !st.ok()) return st;
  return cred;
}

// The server's name. Kerberos takes the principal as is ("host/dc.nca.test",
// "rpc/x@REALM"); NTLMSSP and SPNEGO take it as a host-based service ("host/x" -> "host@x"),
// which NTLMSSP only reports to the server (MsvAvTargetName). "": "host@localhost".
Result<gss::Name> target_name(const Mechanism& m, const std::string& principal) {
  Result<gss::Name> name = Status::protocol(0, "");
  if (m.type == kAuthTypeKerberos) {
    if (principal.empty())
      return failed(m, "the server's principal name is needed (a target principal)");
    name = gss::Name::import(principal, const_cast<gss_OID>(GSS_KRB5_NT_PRINCIPAL_NAME));
  } else {
    std::string service = principal.empty() ? "host@localhost" : principal;
    if (auto slash = service.find('/'); slash != std::string::npos) {
      service[slash] = '@';
      if (auto at = service.find('@', slash + 1); at != std::string::npos) service.resize(at);
    }
    name = gss::Name::import(service, GSS_C_NT_HOSTBASED_SERVICE);
  }
  if (!name) return failed(m, name.error().message);
  return name;
}

class GssProvider final : public Provider {
 public:
  explicit GssProvider(const Mechanism& m) : m_(m) {}
  AuthType auth_type() const override { return m_.type; }
  std::string_view name() const override { return m_.name; }

  Result<std::unique_ptr<SecurityContext>> client_context(
      const ClientSecurityRequest& request) const override {
    gss::Setup s;
    s.provider = m_.text;
    s.role = Role::client;
    s.level = request.level;
    s.mech = m_.oid();
    auto cred = client_credential(m_, request.credentials);
    if (!cred) return cred.error();
    s.cred = std::move(*cred);
    auto target = target_name(m_, request.target_principal);
    if (!target) return target.error();
    s.target = std::move(*target);
    // Kerberos DCE style: three legs (the client answers the AP-REP) and wrap tokens of a fixed
    // size.
    if (m_.type == kAuthTypeKerberos) s.req_flags |= GSS_C_DCE_STYLE | GSS_C_MUTUAL_FLAG;
    if (protects_pdus(request.level))
      s.req_flags |= GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG;
    if (request.level == Level::privacy) s.req_flags |= GSS_C_CONF_FLAG;
    return std::unique_ptr<SecurityContext>(new gss::GssContext(std::move(s)));
  }

  Result<std::unique_ptr<SecurityContext>> server_context(Level level) const override {
    gss::Setup s;
    s.provider = m_.text;
    s.role = Role::server;
    s.level = level;
    s.mech = m_.oid();
    gss_OID_set_desc mechs = cred_mechs(m_);
    OM_uint32 minor = 0;
    OM_uint32 major = gss_acquire_cred(&minor, GSS_C_NO_NAME, GSS_C_INDEFINITE, &mechs,
                                       GSS_C_ACCEPT, s.cred.out(), nullptr, nullptr);
    if (GSS_ERROR(major))
      return failed(m_, gss::error_text("acceptor credentials", major, minor, m_.oid()));
    if (Status st = limit_spnego(m_, s.cred); !st.ok()) return st;
    return std::unique_ptr<SecurityContext>(new gss::GssContext(std::move(s)));
  }

 private:
  const Mechanism& m_;
};

}  // namespace

std::shared_ptr<const Provider> ntlmssp_provider() {
  static const auto p = std::make_shared<const GssProvider>(kNtlmssp);
  return p;
}
std::shared_ptr<const Provider> spnego_provider() {
  static const auto p = std::make_shared<const GssProvider>(kSpnego);
  return p;
}
std::shared_ptr<const Provider> kerberos_provider() {
  static const auto p = std::make_shared<const GssProvider>(kKerberos);
  return p;
}

void add_gssapi_providers(Registry& registry) {
  registry.add(ntlmssp_provider());
  registry.add(spnego_provider());
  registry.add(kerberos_provider());
}

}  // namespace nca::rpc::auth
