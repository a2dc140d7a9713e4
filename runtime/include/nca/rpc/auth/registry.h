// The security providers an engine may use, keyed by auth_type. A server given no registry (or
// an empty one) accepts unauthenticated associations only; a client asked for a level that no
// registered provider can give fails its calls with a Status naming the missing provider.
// Thread-safe: registration and lookup may happen on any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "nca/rpc/auth/provider.h"

namespace nca::rpc::auth {

class Registry {
 public:
  // Adds (or replaces) the provider for its auth_type.
  void add(std::shared_ptr<const Provider> provider);
  // The provider for `type`; null if none.
  std::shared_ptr<const Provider> find(AuthType type) const;
  std::vector<AuthType> types() const;
  bool empty() const;

 private:
  mutable std::mutex mutex_;
  std::map<AuthType, std::shared_ptr<const Provider>> providers_;
};

}  // namespace nca::rpc::auth
