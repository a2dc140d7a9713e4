#include "input.h"

#include <cctype>
#include <cstdio>

namespace ncadump {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool append_hex(std::string_view text, ByteVector& out) {
  int nibble = -1;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ':') {
      if (nibble >= 0) return false;  // a lone digit
      continue;
    }
    int v = hex_digit(c);
    if (v < 0) return false;
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(nibble << 4 | v));
      nibble = -1;
    }
  }
  return nibble < 0;
}

// dump_data(): "[" offset "] ", then the hex of up to 16 bytes padded to this column, then two
// spaces and the characters.
constexpr size_t kCharsColumn = 57;
}  // namespace

std::optional<ByteVector> parse_hex(std::string_view text) {
  ByteVector out;
  if (!append_hex(text, out)) return std::nullopt;
  return out;
}

std::optional<ByteVector> parse_hexdump(std::string_view text) {
  ByteVector out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) return std::nullopt;
      // The hex ends where the characters column starts; a short last line pads to it.
      std::string_view hex = line.substr(0, std::min(line.size(), kCharsColumn)).substr(close + 1);
      if (!append_hex(hex, out)) return std::nullopt;
    } else if (!append_hex(line, out)) {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<ByteVector> parse_base64(std::string_view text) {
  ByteVector out;
  unsigned acc = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') { padding = true; continue; }
    else if (std::isspace(static_cast<unsigned char>(c))) continue;
    else return std::nullopt;
    if (padding) return std::nullopt;  // data after '='
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
  if (bits >= 6) return std::nullopt;  // one character alone cannot end a group
  return out;
}

std::optional<ByteVector> decode(std::string_view text, InputFormat format) {
  switch (format) {
    case InputFormat::binary: return ByteVector(text.begin(), text.end());
    case InputFormat::hex: return parse_hex(text);
    case InputFormat::hexdump: return parse_hexdump(text);
    case InputFormat::base64: return parse_base64(text);
  }
  return std::nullopt;
}

std::string hexdump(std::span<const std::uint8_t> bytes) {
  std::string out;
  char buf[8];
  for (size_t line = 0; line < bytes.size(); line += 16) {
    std::snprintf(buf, sizeof buf, "[%04zX]", line);
    std::string text = buf;
    text += ' ';
    std::string chars;
    for (size_t i = line; i < bytes.size() && i < line + 16; ++i) {
      if (i == line + 8) {
        text += "  ";
        chars += ' ';
      }
      std::snprintf(buf, sizeof buf, "%02X ", bytes[i]);
      text += buf;
      chars += std::isprint(bytes[i]) ? static_cast<char>(bytes[i]) : '.';
    }
    text.resize(kCharsColumn, ' ');
    out += text + "  " + chars + '\n';
  }
  return out;
}

}  // namespace ncadump
