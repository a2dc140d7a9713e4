// Helpers for the NDR tests: hex <-> bytes, push/pull round trips of a sample type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nca/ndr/ndr.h"

namespace ndr_test {

using Bytes = std::vector<std::uint8_t>;

// "0a 0B|0c" -> {0x0a, 0x0b, 0x0c}: spaces and '|' (used to mark fields) are ignored.
inline Bytes hex(std::string_view s) {
  Bytes out;
  int hi = -1;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) continue;
    if (hi < 0) {
      hi = d;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | d));
      hi = -1;
    }
  }
  return out;
}

inline std::string to_hex(std::span<const std::uint8_t> b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    s += kDigits[x >> 4];
    s += kDigits[x & 15];
  }
  return s;
}

// Pushes `v` (both passes) and returns the bytes as hex; "error: ..." if the push failed.
template <class T>
std::string push_hex(const T& v, nca::ndr::Syntax syntax = nca::ndr::Syntax::ndr20) {
  nca::ndr::Push p(syntax);
  push(p, nca::ndr::kScalarsAndBuffers, v);
  if (!p.ok()) return "error: " + p.status().to_string();
  return to_hex(p.bytes());
}

// Pulls a T from `bytes` (both passes); the status says how it went.
template <class T>
nca::ndr::Status pull_bytes(const Bytes& bytes, T& out,
                            nca::ndr::Syntax syntax = nca::ndr::Syntax::ndr20,
                            nca::ndr::DataRep rep = {}, nca::ndr::Limits limits = {}) {
  nca::ndr::Pull p(bytes, syntax, rep, limits);
  pull(p, nca::ndr::kScalarsAndBuffers, out);
  return p.status();
}

}  // namespace ndr_test
