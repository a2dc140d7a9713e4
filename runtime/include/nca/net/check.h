// NCA_REQUIRE: broken preconditions and our own bugs (never data from the wire). Prints the
// condition, the place and a message, then aborts: these are bugs, not expected failures.
#pragma once

#include <string>
#include <string_view>

namespace nca::net::detail {
[[noreturn]] void require_failed(const char* condition, const char* file, int line,
                                 std::string_view message);
}  // namespace nca::net::detail

#define NCA_REQUIRE(cond, message)                                                    \
  do {                                                                                \
    if (!(cond)) ::nca::net::detail::require_failed(#cond, __FILE__, __LINE__, message); \
  } while (false)
