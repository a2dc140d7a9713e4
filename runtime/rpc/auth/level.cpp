#include "nca/rpc/auth/level.h"

namespace nca::rpc::auth {

std::string_view to_string(Level level) {
  switch (level) {
    case Level::none: return "none";
    case Level::connect: return "connect";
    case Level::call: return "call";
    case Level::packet: return "packet";
    case Level::integrity: return "integrity";
    case Level::privacy: return "privacy";
  }
  return "unknown";
}

}  // namespace nca::rpc::auth
