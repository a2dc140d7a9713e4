#include "nca/base/syntax_id.h"

#include <charconv>

namespace nca::base {
namespace {

// One decimal component of a version: digits only, at most 65535.
std::optional<std::uint16_t> version_part(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  unsigned v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  if (v > 0xffff) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

}  // namespace

std::optional<SyntaxId> SyntaxId::parse(std::string_view uuid, std::string_view version) {
  auto g = Guid::parse(uuid);
  auto dot = version.find('.');
  if (!g || dot == std::string_view::npos) return std::nullopt;
  auto major = version_part(version.substr(0, dot));
  auto minor = version_part(version.substr(dot + 1));
  if (!major || !minor) return std::nullopt;
  return SyntaxId{*g, *major, *minor};
}

std::optional<SyntaxId> SyntaxId::parse(std::string_view text) {
  auto space = text.find(" v");
  if (space == std::string_view::npos) return std::nullopt;
  return parse(text.substr(0, space), text.substr(space + 2));
}

std::string to_string(const SyntaxId& id) {
  return id.uuid.to_string() + " v" + std::to_string(id.major) + "." + std::to_string(id.minor);
}

}  // namespace nca::base
