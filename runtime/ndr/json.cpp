#include "nca/ndr/json.h"

#include <cmath>
#include <limits>

#include "nca/ndr/charset.h"

namespace nca::ndr {
namespace {

using nlohmann::json;

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    auto b = static_cast<std::uint8_t>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string from_hex(const std::string& hex) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2) throw json::other_error::create(501, "odd-length hex string", nullptr);
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) throw json::other_error::create(501, "bad hex digit", nullptr);
    out += static_cast<char>(hi << 4 | lo);
  }
  return out;
}

template <class T>
T named_from_json(const json& j) {
  auto v = T::from_name(j.get<std::string>());
  if (!v) throw json::other_error::create(501, "unknown status name", &j);
  return *v;
}

}  // namespace

void to_json(json& j, const Guid& g) { j = g.to_string(); }
void from_json(const json& j, Guid& g) {
  auto v = Guid::parse(j.get<std::string>());
  if (!v) throw json::other_error::create(501, "malformed GUID", &j);
  g = *v;
}
void to_json(json& j, const ContextHandle& h) {
  j = json{{"handle_type", h.attributes}, {"uuid", h.uuid}};
}
void from_json(const json& j, ContextHandle& h) {
  j.at("handle_type").get_to(h.attributes);
  j.at("uuid").get_to(h.uuid);
}
void to_json(json& j, const NtStatus& v) { j = v.name(); }
void from_json(const json& j, NtStatus& v) { v = named_from_json<NtStatus>(j); }
void to_json(json& j, const WError& v) { j = v.name(); }
void from_json(const json& j, WError& v) { v = named_from_json<WError>(j); }
void to_json(json& j, const HResult& v) { j = v.name(); }
void from_json(const json& j, HResult& v) { v = named_from_json<HResult>(j); }
void to_json(json& j, const NtTime& v) { j = v.value; }
void from_json(const json& j, NtTime& v) { j.get_to(v.value); }
void to_json(json& j, const DataBlob& b) {
  j = to_hex({reinterpret_cast<const char*>(b.data.data()), b.data.size()});
}
void from_json(const json& j, DataBlob& b) {
  std::string raw = from_hex(j.get<std::string>());
  b.data.assign(raw.begin(), raw.end());
}

json text_to_json(std::string_view wtf8) {
  if (is_valid_utf8(wtf8)) return std::string(wtf8);
  // Not UTF-8 (an unpaired surrogate kept as WTF-8): give the UTF-16 units themselves.
  auto units = to_utf16(wtf8);
  if (!units) return json{{"hex", to_hex(wtf8)}};
  json arr = json::array();
  for (char16_t u : *units) arr.push_back(static_cast<std::uint16_t>(u));
  return json{{"utf16", std::move(arr)}};
}

std::string text_from_json(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.contains("hex")) return from_hex(j.at("hex").get<std::string>());
  std::u16string units;
  for (const auto& u : j.at("utf16")) units += static_cast<char16_t>(u.get<std::uint16_t>());
  return to_wtf8(units);
}

json bytes_to_json(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return std::string(bytes);
  return json{{"hex", to_hex(bytes)}};
}

std::string bytes_from_json(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  return from_hex(j.at("hex").get<std::string>());
}

json u16_to_json(std::u16string_view units) { return text_to_json(to_wtf8(units)); }

std::u16string u16_from_json(const json& j) {
  auto u = to_utf16(text_from_json(j));
  if (!u) throw json::other_error::create(501, "text is not WTF-8", &j);
  return *u;
}

json float_to_json(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return v;
}

double float_from_json(const json& j) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    throw json::other_error::create(501, "bad float string", &j);
  }
  return j.get<double>();
}

}  // namespace nca::ndr
