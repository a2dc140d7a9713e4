// UTF-16 <-> UTF-8 conversion that loses nothing, whatever UTF-16 the peer sends.
//
// Text from pidl's [charset(UTF16)] strings is held in C++ as UTF-8 in a std::string. A peer may
// send UTF-16 that is not well formed (an unpaired surrogate, e.g. a truncated Windows file name).
// Such a unit is kept by encoding it the way WTF-8 does: as the three-byte sequence its code point
// would have (ED A0 80 .. ED BF BF), which is not valid UTF-8 but decodes back to the same unit.
// A surrogate *pair* is always combined into one four-byte sequence, so the mapping is one-to-one
// and UTF-16 -> WTF-8 -> UTF-16 returns the original units exactly. The other direction rejects
// bytes that are neither UTF-8 nor such a surrogate sequence (Error::invalid_charset).
//
// Printing escapes lone surrogates as \uD800; JSON carries a string that is not valid UTF-8 as
// {"utf16": [units...]} (json.h), so JSON -> value -> bytes is also lossless.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nca::ndr {

// Number of UTF-16 units `wtf8` converts to, or nullopt if it is not WTF-8.
std::optional<std::size_t> utf16_length(std::string_view wtf8) noexcept;

// Writes exactly utf16_length(wtf8) units, little-endian, to `out` (2 bytes each, unaligned).
// Returns false (and writes an unspecified prefix) if `wtf8` is not WTF-8.
bool wtf8_to_utf16le(std::string_view wtf8, std::uint8_t* out) noexcept;

// Appends the WTF-8 form of `units` UTF-16 units read from `in` (little-endian unless
// `big_endian`) to `out`. Never fails.
void utf16_to_wtf8(const std::uint8_t* in, std::size_t units, bool big_endian, std::string& out);

// Conveniences over the two above.
std::optional<std::u16string> to_utf16(std::string_view wtf8);
std::string to_wtf8(std::u16string_view units);

// True if `s` is valid UTF-8 (no surrogate code points, no overlongs).
bool is_valid_utf8(std::string_view s) noexcept;

}  // namespace nca::ndr
