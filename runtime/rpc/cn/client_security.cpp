#include "client_security.h"

#include <cstdio>

namespace nca::rpc::cn::detail {

namespace {

Status refused(std::string why) {
  return Status::protocol(uint32_t(FaultCode::unsupported_authn_level), std::move(why));
}

}  // namespace

std::string ClientSecurity::describe() const {
  char type[8];
  std::snprintf(type, sizeof type, "0x%02x", request_ ? request_->auth_type : 0);
  return "security level " + std::string(request_ ? auth::to_string(request_->level) : "none") +
         " with auth type " + type;
}

Status ClientSecurity::check() const {
  if (!config_error_.ok()) return config_error_;
  if (!request_) return {};
  if (!auth::is_valid(uint8_t(request_->level)))
    return refused("cannot authenticate at " + describe());
  if (!providers_ || !providers_->find(request_->auth_type))
    return refused(describe() + " was asked for, but no security provider for that auth "
                   "type is registered; nothing was sent");
  return {};
}

Result<Bytes> ClientSecurity::start() {
  filter_ = SecurityFilter();
  if (Status st = check(); !st.ok()) return st;
  auto context = providers_->find(request_->auth_type)->client_context(*request_);
  if (!context) return refused(describe() + ": the provider cannot start: " + context.error().message);
  filter_.establish(std::move(*context), request_->auth_type, request_->level, kAuthContextId);
  auto step = filter_.context()->step({});
  if (!step) return refused(describe() + ": first token: " + step.error().message);
  return std::move(step->token);
}

bool ClientSecurity::wants_header_signing() const {
  return filter_.context() && filter_.context()->supports_header_signing();
}

Result<std::pair<ClientSecurity::Next, Bytes>> ClientSecurity::on_answer(
    const std::optional<AuthTrailer>& trailer, bool header_sign_acked) {
  if (!trailer) return refused(describe() + ": the server answered the bind without a token");
  if (!filter_.matches(*trailer))
    return refused(describe() + ": the server answered with another auth type, level or context");
  filter_.set_header_signing(header_sign_acked);
  auto step = filter_.context()->step(trailer->credentials);
  if (!step) return refused(describe() + ": the server's token was refused: " + step.error().message);
  if (!step->complete) return std::pair{Next::alter_context, std::move(step->token)};
  if (!step->token.empty()) return std::pair{Next::auth3, std::move(step->token)};
  return std::pair{Next::ready, Bytes{}};
}

}  // namespace nca::rpc::cn::detail
