#include "nca/ndr/charset.h"

#include <cstring>

namespace nca::ndr {
namespace {

// Decodes one WTF-8 sequence at s[i]; returns the code point (surrogates allowed, as WTF-8 keeps
// unpaired ones) or -1 for anything else, and advances i.
inline std::int32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  std::uint8_t c = b(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  std::size_t n;
  std::uint32_t cp, min;
  if ((c & 0xe0) == 0xc0) {
    n = 1, cp = c & 0x1f, min = 0x80;
  } else if ((c & 0xf0) == 0xe0) {
    n = 2, cp = c & 0x0f, min = 0x800;
  } else if ((c & 0xf8) == 0xf0) {
    n = 3, cp = c & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (s.size() - i <= n) return -1;
  for (std::size_t k = 1; k <= n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff) return -1;  // overlong or out of range
  i += n + 1;
  return static_cast<std::int32_t>(cp);
}

inline void put_unit(std::uint8_t*& out, std::uint32_t u) noexcept {
  out[0] = static_cast<std::uint8_t>(u);
  out[1] = static_cast<std::uint8_t>(u >> 8);
  out += 2;
}

inline void append_utf8(std::string& out, std::uint32_t cp) {
  char buf[4];
  std::size_t n;
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp), n = 1;
  } else if (cp < 0x800) {
    buf[0] = static_cast<char>(0xc0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3f)), n = 2;
  } else if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xe0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3f)), n = 3;
  } else {
    buf[0] = static_cast<char>(0xf0 | (cp >> 18));
    buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    buf[3] = static_cast<char>(0x80 | (cp & 0x3f)), n = 4;
  }
  out.append(buf, n);
}

// Length of the leading run of ASCII bytes, eight at a time: names on the wire are mostly ASCII.
inline std::size_t ascii_prefix(const char* p, std::size_t n) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w & 0x8080808080808080ull) break;
  }
  while (i < n && static_cast<std::uint8_t>(p[i]) < 0x80) ++i;
  return i;
}

}  // namespace

std::optional<std::size_t> utf16_length(std::string_view s) noexcept {
  std::size_t i = ascii_prefix(s.data(), s.size());
  std::size_t units = i;
  while (i < s.size()) {
    // ASCII runs are the common case: one unit per byte.
    if (static_cast<std::uint8_t>(s[i]) < 0x80) {
      ++i, ++units;
      continue;
    }
    std::int32_t cp = next_code_point(s, i);
    if (cp < 0) return std::nullopt;
    units += cp >= 0x10000 ? 2 : 1;
  }
  return units;
}

bool wtf8_to_utf16le(std::string_view s, std::uint8_t* out) noexcept {
  std::size_t i = ascii_prefix(s.data(), s.size());
  for (std::size_t k = 0; k < i; ++k) {
    out[0] = static_cast<std::uint8_t>(s[k]);
    out[1] = 0;
    out += 2;
  }
  while (i < s.size()) {
    std::uint8_t c = static_cast<std::uint8_t>(s[i]);
    if (c < 0x80) {
      out[0] = c, out[1] = 0, out += 2, ++i;
      continue;
    }
    std::int32_t cp = next_code_point(s, i);
    if (cp < 0) return false;
    if (cp >= 0x10000) {
      std::uint32_t v = static_cast<std::uint32_t>(cp) - 0x10000;
      put_unit(out, 0xd800 | (v >> 10));
      put_unit(out, 0xdc00 | (v & 0x3ff));
    } else {
      put_unit(out, static_cast<std::uint32_t>(cp));
    }
  }
  return true;
}

void utf16_to_wtf8(const std::uint8_t* in, std::size_t units, bool big_endian, std::string& out) {
  auto unit = [&](std::size_t k) -> std::uint32_t {
    return big_endian ? (std::uint32_t{in[2 * k]} << 8 | in[2 * k + 1])
                      : (std::uint32_t{in[2 * k + 1]} << 8 | in[2 * k]);
  };
  // ASCII prefix: one byte per unit, written in place.
  std::size_t k = 0;
  std::size_t base = out.size();
  out.resize(base + units);
  char* dst = out.data() + base;
  for (; k < units; ++k) {
    std::uint32_t u = unit(k);
    if (u >= 0x80) break;
    dst[k] = static_cast<char>(u);
  }
  out.resize(base + k);
  for (; k < units; ++k) {
    std::uint32_t u = unit(k);
    if (u < 0x80) {
      out.push_back(static_cast<char>(u));
    } else if (u >= 0xd800 && u < 0xdc00 && k + 1 < units && (unit(k + 1) & 0xfc00) == 0xdc00) {
      append_utf8(out, 0x10000 + ((u - 0xd800) << 10) + (unit(k + 1) - 0xdc00));
      ++k;
    } else {
      // Includes unpaired surrogates, written as their own three-byte sequence (WTF-8).
      append_utf8(out, u);
    }
  }
}

std::optional<std::u16string> to_utf16(std::string_view wtf8) {
  auto n = utf16_length(wtf8);
  if (!n) return std::nullopt;
  std::u16string out(*n, u'\0');
  std::string bytes(*n * 2, '\0');
  wtf8_to_utf16le(wtf8, reinterpret_cast<std::uint8_t*>(bytes.data()));
  std::memcpy(out.data(), bytes.data(), bytes.size());  // little-endian host
  return out;
}

std::string to_wtf8(std::u16string_view units) {
  std::string out;
  utf16_to_wtf8(reinterpret_cast<const std::uint8_t*>(units.data()), units.size(), false, out);
  return out;
}

bool is_valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    std::int32_t cp = next_code_point(s, i);
    if (cp < 0 || (cp >= 0xd800 && cp < 0xe000)) return false;
  }
  return true;
}

}  // namespace nca::ndr
