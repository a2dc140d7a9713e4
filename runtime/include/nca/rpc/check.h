// NCA_RPC_REQUIRE: broken preconditions and our own bugs (never data from the wire): prints the
// condition, the place and a message, then aborts.
#pragma once

#include <string_view>

namespace nca::rpc::detail {
[[noreturn]] void require_failed(const char* condition, const char* file, int line,
                                 std::string_view message);
}  // namespace nca::rpc::detail

#define NCA_RPC_REQUIRE(cond, message)                                                   \
  do {                                                                                   \
    if (!(cond)) ::nca::rpc::detail::require_failed(#cond, __FILE__, __LINE__, message); \
  } while (false)
