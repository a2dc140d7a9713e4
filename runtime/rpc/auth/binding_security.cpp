#include "nca/rpc/auth/binding_security.h"

#include <string>
#include <tuple>

namespace nca::rpc::auth {

Result<std::optional<ClientSecurityRequest>> security_from_binding(const Binding& binding) {
  auto has = [&](BindingFlag f) { return (binding.flags() & static_cast<uint32_t>(f)) != 0; };
  std::optional<Level> level;
  // The strongest word wins when several are given.
  if (has(BindingFlag::kConnect)) level = Level::connect;
  if (has(BindingFlag::kPacket)) level = Level::packet;
  if (has(BindingFlag::kSign)) level = Level::integrity;
  if (has(BindingFlag::kSeal)) level = Level::privacy;
  // Two auth types contradict each other: no precedence is guessed.
  std::optional<AuthType> type;
  std::string words;
  for (auto [flag, word, t] : {std::tuple{BindingFlag::kSpnego, "spnego", kAuthTypeSpnego},
                               std::tuple{BindingFlag::kNtlm, "ntlm", kAuthTypeNtlmssp},
                               std::tuple{BindingFlag::kKrb5, "krb5", kAuthTypeKerberos},
                               std::tuple{BindingFlag::kSchannel, "schannel", kAuthTypeNetlogon}}) {
    if (!has(flag)) continue;
    words += words.empty() ? word : std::string(" and ") + word;
    if (type)
      return Status::protocol(uint32_t(FaultCode::unsupported_authn_level),
                              "the binding asks for more than one auth type (" + words + ")");
    type = t;
  }
  if (!level && !type) return std::optional<ClientSecurityRequest>{};
  ClientSecurityRequest r;
  r.level = level.value_or(Level::connect);
  r.auth_type = type.value_or(kAuthTypeSpnego);
  if (binding.target_principal()) r.target_principal = *binding.target_principal();
  return std::optional<ClientSecurityRequest>{std::move(r)};
}

}  // namespace nca::rpc::auth
