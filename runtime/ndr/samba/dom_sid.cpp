// pidl's dom_sid family and netlogon's 8-bit enums (see nca/ndr/samba/builtins.h).
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "nca/ndr/samba/builtins.h"

namespace nca::ndr::samba {

std::string to_string(const DomSid& sid) {
  std::uint64_t authority = 0;
  for (std::uint8_t b : sid.id_auth) authority = authority << 8 | b;
  std::string out = "S-" + std::to_string(sid.sid_rev_num) + "-";
  if (authority >> 32) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(authority));
    out += buf;
  } else {
    out += std::to_string(authority);
  }
  const int n = std::clamp<int>(sid.num_auths, 0, 15);
  for (int i = 0; i < n; ++i) out += "-" + std::to_string(sid.sub_auths[static_cast<std::size_t>(i)]);
  return out;
}

void to_json(nlohmann::json& j, const DomSid& sid) {
  const auto n = static_cast<std::size_t>(std::clamp<int>(sid.num_auths, 0, 15));
  j = nlohmann::json{{"sid_rev_num", sid.sid_rev_num},
                     {"num_auths", sid.num_auths},
                     {"id_auth", sid.id_auth},
                     {"sub_auths", std::vector<std::uint32_t>(sid.sub_auths.begin(),
                                                              sid.sub_auths.begin() + static_cast<std::ptrdiff_t>(n))}};
}

void from_json(const nlohmann::json& j, DomSid& sid) {
  sid = DomSid{};
  j.at("sid_rev_num").get_to(sid.sid_rev_num);
  j.at("num_auths").get_to(sid.num_auths);
  j.at("id_auth").get_to(sid.id_auth);
  const auto subs = j.at("sub_auths").get<std::vector<std::uint32_t>>();
  std::copy_n(subs.begin(), std::min<std::size_t>(subs.size(), 15), sid.sub_auths.begin());
}

void push_dom_sid(Push& p, const DomSid& v, std::uint32_t) {
  if (v.num_auths < 0 || v.num_auths > 15) return p.fail(Error::range_violation);
  p.align(4);
  p.u8(v.sid_rev_num);
  p.i8(v.num_auths);
  p.raw(v.id_auth.data(), v.id_auth.size());
  for (int i = 0; i < v.num_auths; ++i) p.u32(v.sub_auths[static_cast<std::size_t>(i)]);
}

bool pull_dom_sid(Pull& p, DomSid& v, std::uint32_t) {
  v = DomSid{};
  if (!p.align(4) || !p.u8(v.sid_rev_num) || !p.i8(v.num_auths)) return false;
  if (v.num_auths < 0 || v.num_auths > 15) return p.fail(Error::range_violation);
  if (!p.raw(v.id_auth.data(), v.id_auth.size())) return false;
  for (int i = 0; i < v.num_auths; ++i)
    if (!p.u32(v.sub_auths[static_cast<std::size_t>(i)])) return false;
  return true;
}

void print_dom_sid(Printer& pr, std::string_view name, const DomSid& v) {
  pr.string(name, to_string(v));
}

void push_dom_sid2(Push& p, const DomSid& v, std::uint32_t flags) {
  if (v.num_auths < 0) return p.fail(Error::range_violation);
  p.u3264(static_cast<std::uint64_t>(v.num_auths));
  push_dom_sid(p, v, flags);
}

bool pull_dom_sid2(Pull& p, DomSid& v, std::uint32_t flags) {
  std::uint64_t count = 0;
  if (!p.u3264(count) || !pull_dom_sid(p, v, flags)) return false;
  if (count != static_cast<std::uint64_t>(v.num_auths)) return p.fail(Error::array_size_mismatch);
  return true;
}

void print_dom_sid2(Printer& pr, std::string_view name, const DomSid& v) { print_dom_sid(pr, name, v); }

void push_dom_sid28(Push& p, const DomSid& v, std::uint32_t flags) {
  if (v.num_auths < 0 || v.num_auths > 5) return p.fail(Error::range_violation);
  const std::size_t start = p.size();
  push_dom_sid(p, v, flags);
  const std::size_t used = p.size() - start;
  if (used < 28) p.zeros(28 - used);
}

bool pull_dom_sid28(Pull& p, DomSid& v, std::uint32_t flags) {
  v = DomSid{};
  // The 28 octets are read as a SID on their own; garbage in them is not an error.
  std::span<const std::uint8_t> bytes;
  if (!p.view(28, bytes)) return false;
  Pull inner(bytes, p.syntax(), p.data_rep());
  inner.set_flags(p.flags());
  if (!pull_dom_sid(inner, v, flags)) v = DomSid{};
  return true;
}

void print_dom_sid28(Printer& pr, std::string_view name, const DomSid& v) { print_dom_sid(pr, name, v); }

void push_dom_sid0(Push& p, const DomSid& v, std::uint32_t flags) {
  if (v == DomSid{}) return;
  push_dom_sid(p, v, flags);
}

bool pull_dom_sid0(Pull& p, DomSid& v, std::uint32_t flags) {
  if (p.remaining() == 0) {
    v = DomSid{};
    return p.ok();
  }
  return pull_dom_sid(p, v, flags);
}

void print_dom_sid0(Printer& pr, std::string_view name, const DomSid& v) { print_dom_sid(pr, name, v); }

void push_netr_DeltaEnum8Bit(Push& p, const std::uint8_t& v, std::uint32_t) { p.u8(v); }
bool pull_netr_DeltaEnum8Bit(Pull& p, std::uint8_t& v, std::uint32_t) { return p.u8(v); }
void print_netr_DeltaEnum8Bit(Printer& pr, std::string_view name, const std::uint8_t& v) {
  pr.field(name, v);
}
void push_netr_SamDatabaseID8Bit(Push& p, const std::uint8_t& v, std::uint32_t) { p.u8(v); }
bool pull_netr_SamDatabaseID8Bit(Pull& p, std::uint8_t& v, std::uint32_t) { return p.u8(v); }
void print_netr_SamDatabaseID8Bit(Printer& pr, std::string_view name, const std::uint8_t& v) {
  pr.field(name, v);
}

}  // namespace nca::ndr::samba
