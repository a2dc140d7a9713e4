#include "nca/rpc/uuid.h"

namespace nca::rpc {

void Uuid::invalid_uuid_literal() {}

std::string Uuid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += kHex[bytes[i] >> 4];
    s += kHex[bytes[i] & 15];
  }
  return s;
}

std::string to_string(const SyntaxId& id) {
  return id.uuid.to_string() + " v" + std::to_string(id.major) + "." + std::to_string(id.minor);
}

}  // namespace nca::rpc
