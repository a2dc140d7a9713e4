// ncadump's input forms, as Samba's ndrdump reads them: raw bytes, base64 text
// (--base64-input), a hex dump in the layout dump_data() prints (--hex-input; plain hexadecimal
// text is accepted too), and ncadump's own plain hex (--hex). Also the dump itself (--dump-data).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ncadump {

enum class InputFormat { binary, hex, hexdump, base64 };

using ByteVector = std::vector<std::uint8_t>;

// Hexadecimal digits in pairs; spaces, tabs, newlines and colons between them are ignored.
std::optional<ByteVector> parse_hex(std::string_view text);
// Lines of dump_data(): "[0000] 61 62 ... 70   abcdefgh ijklmnop": the offset and the
// characters column are skipped. Lines without the "[offset]" prefix are read as plain hex.
std::optional<ByteVector> parse_hexdump(std::string_view text);
// RFC 4648 base64; whitespace ignored; padding optional.
std::optional<ByteVector> parse_base64(std::string_view text);

std::optional<ByteVector> decode(std::string_view text, InputFormat format);

// `bytes` in dump_data()'s layout: 16 bytes a line, offset, hex in two groups of 8, characters.
std::string hexdump(std::span<const std::uint8_t> bytes);

}  // namespace ncadump
