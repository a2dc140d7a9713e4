#include "server_security.h"

#include "nca/rpc/auth/faults.h"

namespace nca::rpc::cn::detail {

ServerSecurity::Answer ServerSecurity::on_bind(const AuthTrailer& trailer, bool header_sign) {
  if (!auth::is_valid(trailer.auth_level)) return Refuse{BindNakReason::not_specified};
  std::shared_ptr<const auth::Provider> provider =
      providers_ ? providers_->find(trailer.auth_type) : nullptr;
  if (!provider) return Refuse{BindNakReason::invalid_auth_type};
  if (trailer.auth_level == uint8_t(auth::Level::call)) return Refuse{BindNakReason::invalid_checksum};
  auto level = static_cast<auth::Level>(trailer.auth_level);
  auto context = provider->server_context(level);
  // TODO(issue 14): the reason Samba gives a provider's refusal of the first token.
  if (!context) return Refuse{BindNakReason::not_specified};
  filter_.establish(std::move(*context), trailer.auth_type, level, trailer.auth_context_id);
  filter_.set_header_signing(header_sign);
  return leg(trailer);
}

ServerSecurity::Answer ServerSecurity::leg(const AuthTrailer& trailer) {
  auto step = filter_.context()->step(trailer.credentials);
  if (!step) {
    const Status& e = step.error();
    bool pkg = e.kind == StatusKind::fault && e.code == auth::kFaultSecPkgError;
    return pkg ? Refuse{BindNakReason::not_specified, e.code} : Refuse{};
  }
  return Token{std::move(step->token)};
}

ServerSecurity::Answer ServerSecurity::on_alter_context(const std::optional<AuthTrailer>& trailer) {
  if (!trailer) {
    if (filter_.authenticated() && !filter_.complete()) return Refuse{};
    return Token{};
  }
  if (!filter_.authenticated() || filter_.complete() || filter_.invalid() ||
      !filter_.matches(*trailer))
    return Refuse{};
  return leg(*trailer);
}

bool ServerSecurity::on_auth3(const std::optional<AuthTrailer>& trailer) {
  if (!trailer || !filter_.authenticated() || filter_.complete() || filter_.invalid() ||
      !filter_.matches(*trailer))
    return false;
  // auth3 has no answer: a refusal, or a token the provider still wants to send, leaves the
  // handshake incomplete (step() of a refused context is not called again).
  auto step = filter_.context()->step(trailer->credentials);
  if (!step || !step->complete || !step->token.empty()) filter_.invalidate();
  return true;
}

void ServerSecurity::describe(CallerContext& caller) const {
  if (!filter_.authenticated()) return;
  caller.auth_type = filter_.type();
  caller.auth_level = filter_.level();
  caller.auth_context_id = filter_.context_id();
  caller.identity = filter_.context()->peer_identity();
}

}  // namespace nca::rpc::cn::detail
