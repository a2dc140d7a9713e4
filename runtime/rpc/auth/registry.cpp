#include "nca/rpc/auth/registry.h"

namespace nca::rpc::auth {

void Registry::add(std::shared_ptr<const Provider> provider) {
  std::lock_guard lock(mutex_);
  providers_[provider->auth_type()] = std::move(provider);
}

std::shared_ptr<const Provider> Registry::find(AuthType type) const {
  std::lock_guard lock(mutex_);
  auto it = providers_.find(type);
  return it == providers_.end() ? nullptr : it->second;
}

std::vector<AuthType> Registry::types() const {
  std::lock_guard lock(mutex_);
  std::vector<AuthType> out;
  for (const auto& [type, p] : providers_) out.push_back(type);
  return out;
}

bool Registry::empty() const {
  std::lock_guard lock(mutex_);
  return providers_.empty();
}

}  // namespace nca::rpc::auth
