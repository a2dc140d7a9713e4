#include "nca/rpc/auth/binding_security.h"

namespace nca::rpc::auth {

std::optional<ClientSecurityRequest> security_from_binding(const Binding& binding) {
  auto has = [&](BindingFlag f) { return (binding.flags() & static_cast<uint32_t>(f)) != 0; };
  std::optional<Level> level;
  // The strongest word wins when several are given.
  if (has(BindingFlag::kConnect)) level = Level::connect;
  if (has(BindingFlag::kPacket)) level = Level::packet;
  if (has(BindingFlag::kSign)) level = Level::integrity;
  if (has(BindingFlag::kSeal)) level = Level::privacy;
  std::optional<AuthType> type;
  if (has(BindingFlag::kSpnego)) type = kAuthTypeSpnego;
  if (has(BindingFlag::kNtlm)) type = kAuthTypeNtlmssp;
  if (has(BindingFlag::kKrb5)) type = kAuthTypeKerberos;
  if (has(BindingFlag::kSchannel)) type = kAuthTypeNetlogon;
  if (!level && !type) return std::nullopt;
  ClientSecurityRequest r;
  r.level = level.value_or(Level::connect);
  r.auth_type = type.value_or(kAuthTypeSpnego);
  if (binding.target_principal()) r.target_principal = *binding.target_principal();
  return r;
}

}  // namespace nca::rpc::auth
