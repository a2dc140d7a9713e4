// Security providers through the system's GSSAPI (MIT Kerberos' mechglue and the mechanisms
// registered with it in /etc/gss/mech.d):
//
//   NTLMSSP (auth type 10, RPC_C_AUTHN_WINNT) through gss-ntlmssp. The handshake (NEGOTIATE,
//   CHALLENGE, AUTHENTICATE: bind, bind_ack, auth3) is the mechanism's; the per-message layer is
//   MS-NLMP 3.4 on the session key the mechanism exports (rpc/auth/ntlmssp/message_security.h),
//   because gss-ntlmssp 1.2 has no gss_wrap_iov and DCE/RPC seals only the stub while signing
//   the whole PDU. Accounts: a server takes them where gss-ntlmssp does (the file named by
//   NTLM_USER_FILE, or winbind); a client from ClientSecurityRequest::credentials (user, domain,
//   password), or gss-ntlmssp's default credentials when no user is given.
//
//   SPNEGO (auth type 9) through MIT's SPNEGO, negotiating NTLMSSP only (so the per-message
//   layer is NTLMSSP's above); four legs (bind, bind_ack, alter_context, alter_context_resp)
//   when the mechListMIC exchange needs them.
//
//   Kerberos (auth type 16) through MIT's krb5 mechanism, DCE style (GSS_C_DCE_STYLE: bind,
//   bind_ack, auth3), with its own gss_get_mic and gss_wrap_iov. A client needs the server's
//   principal (ClientSecurityRequest::target_principal) and credentials (a password, or the
//   default ccache); a server takes its key from the default keytab (KRB5_KTNAME).
//
// Every failure of the mechanism is an error naming the step and GSSAPI's text.
#pragma once

#include <memory>

#include "nca/rpc/auth/provider.h"
#include "nca/rpc/auth/registry.h"

namespace nca::rpc::auth {

std::shared_ptr<const Provider> ntlmssp_provider();
std::shared_ptr<const Provider> spnego_provider();
std::shared_ptr<const Provider> kerberos_provider();

// Adds every provider above to `registry`.
void add_gssapi_providers(Registry& registry);

}  // namespace nca::rpc::auth
