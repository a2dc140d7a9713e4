#include "nca/rpc/check.h"

#include <cstdio>
#include <cstdlib>

namespace nca::rpc::detail {

void require_failed(const char* condition, const char* file, int line, std::string_view message) {
  std::fprintf(stderr, "%s:%d: nca::rpc requirement failed: %s: %.*s\n", file, line, condition,
               static_cast<int>(message.size()), message.data());
  std::abort();
}

}  // namespace nca::rpc::detail
