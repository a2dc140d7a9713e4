// pidl's string_array (see nca/ndr/samba/builtins.h for the wire form).
#include <string>

#include "nca/ndr/charset.h"
#include "nca/ndr/samba/builtins.h"

namespace nca::ndr::samba {
namespace {

constexpr std::uint32_t kByteCharsets = kLibndrStrAscii | kLibndrStrUtf8 | kLibndrStrRaw8;

void push_one(Push& p, std::string_view s, bool bytes, std::uint8_t form) {
  if (bytes) p.string(s, form);
  else p.string_utf16(s, form);
}

// One string that ends at a NUL (consumed, not stored) or, when `may_end` is set, at the end of
// the data. UTF-16 strings start 2-aligned, as the engine's pidl strings do.
bool pull_one(Pull& p, bool bytes, bool may_end, std::string& out) {
  out.clear();
  if (bytes) {
    while (p.remaining() > 0) {
      std::uint8_t c = 0;
      if (!p.u8(c)) return false;
      if (c == 0) return true;
      out.push_back(static_cast<char>(c));
    }
    return may_end || p.fail(Error::string_not_terminated);
  }
  if (!p.align(2)) return false;
  std::u16string units;
  while (p.remaining() >= 2) {
    std::uint16_t u = 0;
    if (!p.u16(u)) return false;
    if (u == 0) {
      out = to_wtf8(units);
      return true;
    }
    units.push_back(static_cast<char16_t>(u));
  }
  if (!may_end || p.remaining() != 0) return p.fail(Error::string_not_terminated);
  out = to_wtf8(units);
  return true;
}

}  // namespace

void push_string_array(Push& p, const std::vector<std::string>& v, std::uint32_t flags) {
  const bool bytes = (flags & kByteCharsets) != 0;
  const bool nullterm = (flags & kLibndrStrNullterm) != 0;
  const bool noterm = (flags & kLibndrStrNoterm) != 0;
  const bool remaining = (flags & kLibndrRemaining) != 0;
  if (nullterm && !noterm) {
    for (const std::string& s : v) push_one(p, s, bytes, kStrNullterm);
    if (!remaining) push_one(p, "", bytes, kStrNullterm);
    return;
  }
  if (noterm && !nullterm && remaining) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i > 0) push_one(p, "", bytes, kStrNullterm);  // the separator
      push_one(p, v[i], bytes, kStrNullterm | kStrNoterm);
    }
    return;
  }
  p.fail(Error::bad_value);
}

bool pull_string_array(Pull& p, std::vector<std::string>& v, std::uint32_t flags) {
  v.clear();
  const bool bytes = (flags & kByteCharsets) != 0;
  const bool nullterm = (flags & kLibndrStrNullterm) != 0;
  const bool noterm = (flags & kLibndrStrNoterm) != 0;
  const bool remaining = (flags & kLibndrRemaining) != 0;
  std::string s;
  if (nullterm && !noterm) {
    for (;;) {
      if (!pull_one(p, bytes, remaining, s)) return false;
      if (remaining && p.remaining() == 0) {
        v.push_back(std::move(s));
        return true;
      }
      if (s.empty()) return true;
      if (!p.charge(s.size() + sizeof(std::string))) return false;
      v.push_back(std::move(s));
    }
  }
  if (noterm && !nullterm && remaining) {
    while (p.remaining() > 0) {
      if (!pull_one(p, bytes, true, s)) return false;
      if (!p.charge(s.size() + sizeof(std::string))) return false;
      v.push_back(std::move(s));
    }
    return true;
  }
  return p.fail(Error::bad_value);
}

void print_string_array(Printer& pr, std::string_view name, const std::vector<std::string>& v) {
  pr.array_begin(name, v.size());
  for (std::size_t i = 0; i < v.size(); ++i) pr.string("[" + std::to_string(i) + "]", v[i]);
  pr.array_end();
}

}  // namespace nca::ndr::samba
