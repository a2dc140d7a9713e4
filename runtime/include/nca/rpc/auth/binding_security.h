// The security a string binding asks for, from Samba's option words (binding.h, BindingFlag):
// level from connect / packet / sign / seal, type from ntlm / krb5 / spnego / schannel. A type
// without a level asks for connect; a level without a type asks for SPNEGO, as Samba's clients
// default. No security word: nullopt (an unauthenticated association). Two auth-type words:
// an error (kind protocol, nca_s_unsupported_authn_level) naming them; no precedence is guessed.
#pragma once

#include <optional>

#include "nca/rpc/auth/provider.h"
#include "nca/rpc/binding.h"

namespace nca::rpc::auth {

Result<std::optional<ClientSecurityRequest>> security_from_binding(const Binding& binding);

}  // namespace nca::rpc::auth
