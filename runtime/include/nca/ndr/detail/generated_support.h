// Support functions that generated `_ndr.cpp` files call (GENERATED_CODE.md); not an API for
// hand-written code. What the generator would otherwise paste into every file: pidl's charset
// arrays and DATA_BLOB padding, the strlen family and ndr_size of value(), the address types and
// the names IDL leaves to the caller (externals.h).
//
// Contract: inline, stateless; failures are reported through the Push/Pull (p.fail), as the
// engine's own calls do. `ndr_size` finds the generated `push` of its argument by ADL.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "nca/ndr/address.h"
#include "nca/ndr/charset.h"
#include "nca/ndr/ndr.h"

namespace nca::ndr::gen {

// pidl's ndr_push_charset: the bytes of `s`, padded with NULs to `count` (longer: count_too_large).
inline void push_chars(Push& p, const std::string& s, std::uint64_t count) {
  if (s.size() > count) return p.fail(Error::count_too_large);
  p.raw(s.data(), s.size());
  p.zeros(static_cast<std::size_t>(count - s.size()));
}

// The other way: `count` bytes, the text up to the first NUL.
inline void pull_chars(Pull& p, std::string& s, std::uint64_t count) {
  std::span<const std::uint8_t> b;
  s.clear();
  if (count > p.remaining()) {
    p.fail(Error::count_exceeds_remaining);
    return;
  }
  if (!p.view(static_cast<std::size_t>(count), b)) return;
  std::size_t n = 0;
  while (n < b.size() && b[n] != 0) ++n;
  s.assign(reinterpret_cast<const char*>(b.data()), n);
}

// A DATA_BLOB with an alignment flag holds the padding up to that alignment.
inline void pull_padding(Pull& p, DataBlob& b, std::size_t align) {
  std::size_t n = (align - p.offset() % align) % align;
  if (n > p.remaining()) n = p.remaining();
  b.data.resize(n);
  p.raw(b.data.data(), n);
}

// pidl's strlen family for value(): characters of a string member (UTF-16 units for text held as
// WTF-8; a null pointer counts 0). _term counts the terminator; _term_null does not for "".
inline std::size_t strlen_m(const std::string& s) { return utf16_length(s).value_or(s.size()); }
inline std::size_t strlen_m(const std::u16string& s) { return s.size(); }
template <class S>
std::size_t strlen_m(const Unique<S>& s) { return s ? strlen_m(*s) : 0; }
template <class S>
std::size_t strlen(const S& s) { return strlen_m(s); }
template <class S>
std::size_t strlen_m_term(const S& s) { return strlen_m(s) + 1; }
inline std::size_t strlen_m_term(const Unique<std::string>& s) { return s ? strlen_m(*s) + 1 : 0; }
template <class S>
std::size_t strlen_m_term_null(const S& s) {
  std::size_t n = strlen_m(s);
  return n ? n + 1 : 0;
}

// The same for a string held as the bytes sent ([charset(DOS)], [charset(UTF8)], char): bytes.
inline std::size_t byte_length(const std::string& s) { return s.size(); }
inline std::size_t byte_length(const Unique<std::string>& s) { return s ? s->size() : 0; }
template <class S>
std::size_t strlen_m_bytes(const S& s) { return byte_length(s); }
template <class S>
std::size_t strlen_bytes(const S& s) { return byte_length(s); }
template <class S>
std::size_t strlen_m_term_bytes(const S& s) { return byte_length(s) + 1; }
inline std::size_t strlen_m_term_bytes(const Unique<std::string>& s) { return s ? s->size() + 1 : 0; }
template <class S>
std::size_t strlen_m_term_null_bytes(const S& s) {
  std::size_t n = byte_length(s);
  return n ? n + 1 : 0;
}

// pidl's ndr_size_T(&m, flags) in value(): the bytes m takes when pushed alone.
template <class T>
std::uint64_t ndr_size(const Push& p, const T& m) {
  Push t(p.syntax());
  t.set_flags(p.flags());
  push(t, kScalarsAndBuffers, m);
  return t.size();
}

// pidl's ipv4address: the dotted quad as one 32-bit integer, first octet most significant.
inline std::uint32_t ipv4_to_u32(const std::string& s, Push& p) {
  std::uint32_t v = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::uint32_t octet = 0;
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < 3) octet = octet * 10 + (s[i++] - '0');
    if (i == start || octet > 255) break;
    v = v << 8 | octet;
    ++parts;
    if (parts < 4) {
      if (i >= s.size() || s[i] != '.') break;
      ++i;
    }
  }
  if (parts != 4 || i != s.size()) p.fail(Error::bad_value);
  return v;
}

inline std::string u32_to_ipv4(std::uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string(v >> 16 & 0xff) + "." +
         std::to_string(v >> 8 & 0xff) + "." + std::to_string(v & 0xff);
}

// pidl's ipv6address: 16 octets in network order, no alignment of their own; text in the value.
inline void push_ipv6(Push& p, const std::string& s) {
  auto octets = ipv6_from_text(s);
  if (!octets) return p.fail(Error::bad_value);
  p.raw(octets->data(), octets->size());
}

inline bool pull_ipv6(Pull& p, std::string& s) {
  std::array<std::uint8_t, 16> octets{};
  if (!p.raw(octets.data(), octets.size())) return false;
  s = ipv6_to_text(octets);
  return true;
}

// A name the IDL uses but does not declare: its value comes from the caller (externals.h).
template <class Stream>
std::int64_t external(Stream& p, std::string_view name) {
  if (auto v = p.externals().get(name)) return *v;
  p.fail(Error::missing_external);
  return 0;
}

}  // namespace nca::ndr::gen
