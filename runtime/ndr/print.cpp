#include "nca/ndr/print.h"

#include <cinttypes>
#include <cstdio>

#include "nca/ndr/charset.h"

namespace nca::ndr {
namespace {

// Escapes what would make the dump ambiguous or not UTF-8: quotes, backslashes, control bytes,
// bytes that are not UTF-8, and the WTF-8 form of unpaired surrogates (as \uD800).
std::string escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  char buf[16];
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<std::uint8_t>(s[i]);
    if (c == '\'' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      // Take the longest valid UTF-8 sequence starting here; escape the rest byte by byte.
      std::size_t n = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
      if (n && i + n <= s.size() && is_valid_utf8(s.substr(i, n))) {
        out.append(s.substr(i, n));
        i += n - 1;
      } else if (n == 3 && i + 3 <= s.size() && c == 0xed) {
        std::uint32_t cp = (std::uint32_t{c} & 0x0f) << 12 |
                           (static_cast<std::uint8_t>(s[i + 1]) & 0x3fu) << 6 |
                           (static_cast<std::uint8_t>(s[i + 2]) & 0x3fu);
        std::snprintf(buf, sizeof buf, "\\u%04X", cp);
        out += buf;
        i += 2;
      } else {
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        out += buf;
      }
    }
  }
  return out;
}

}  // namespace

void Printer::indent() { out_.append(static_cast<std::size_t>(depth_ * width_), ' '); }

void Printer::value_line(std::string_view name, std::string_view text) {
  indent();
  out_ += name;
  if (name.size() < 25) out_.append(25 - name.size(), ' ');
  out_ += ": ";
  out_ += text;
  out_ += '\n';
}

void Printer::line(std::string_view name, std::string_view text) { value_line(name, text); }

void Printer::struct_begin(std::string_view name, std::string_view type) {
  indent();
  out_ += name;
  out_ += ": struct ";
  out_ += type;
  out_ += '\n';
  ++depth_;
}

void Printer::union_begin(std::string_view name, std::string_view type, std::int64_t level) {
  indent();
  out_ += name;
  out_ += ": union ";
  out_ += type;
  out_ += "(case " + std::to_string(level) + ")\n";
  ++depth_;
}

void Printer::array_begin(std::string_view name, std::uint64_t count) {
  indent();
  out_ += name;
  out_ += ": ARRAY(" + std::to_string(count) + ")\n";
  ++depth_;
}

bool Printer::ptr(std::string_view name, bool present) {
  value_line(name, present ? "*" : "NULL");
  if (present) ++depth_;
  return present;
}

void Printer::field(std::string_view name, std::uint8_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%02x (%u)", v, v);
  value_line(name, b);
}
void Printer::field(std::string_view name, std::uint16_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%04x (%u)", v, v);
  value_line(name, b);
}
void Printer::field(std::string_view name, std::uint32_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%08" PRIx32 " (%" PRIu32 ")", v, v);
  value_line(name, b);
}
void Printer::field(std::string_view name, std::uint64_t v) {
  char b[48];
  std::snprintf(b, sizeof b, "0x%016" PRIx64 " (%" PRIu64 ")", v, v);
  value_line(name, b);
}
void Printer::field(std::string_view name, std::int8_t v) { value_line(name, std::to_string(v)); }
void Printer::field(std::string_view name, std::int16_t v) { value_line(name, std::to_string(v)); }
void Printer::field(std::string_view name, std::int32_t v) { value_line(name, std::to_string(v)); }
void Printer::field(std::string_view name, std::int64_t v) { value_line(name, std::to_string(v)); }
void Printer::field(std::string_view name, bool v) { value_line(name, v ? "True" : "False"); }
void Printer::field(std::string_view name, float v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.9g", static_cast<double>(v));
  value_line(name, b);
}
void Printer::field(std::string_view name, double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.17g", v);
  value_line(name, b);
}

void Printer::enum_value(std::string_view name, std::string_view value_name, std::int64_t v) {
  std::string t(value_name.empty() ? "UNKNOWN_ENUM_VALUE" : value_name);
  value_line(name, t + " (" + std::to_string(v) + ")");
}

void Printer::bitmap_begin(std::string_view name, std::uint64_t v, int bytes) {
  char b[64];
  std::snprintf(b, sizeof b, "0x%0*" PRIx64 " (%" PRIu64 ")", bytes * 2, v, v);
  value_line(name, b);
  ++depth_;
}

void Printer::bitmap_flag(std::string_view flag_name, std::uint64_t mask, std::uint64_t v) {
  indent();
  out_ += (v & mask) == mask && mask ? "1: " : "0: ";
  out_ += flag_name;
  out_ += '\n';
}

void Printer::string(std::string_view name, std::string_view text) {
  value_line(name, "'" + escape(text) + "'");
}
void Printer::string(std::string_view name, std::u16string_view units) {
  string(name, std::string_view(to_wtf8(units)));
}
void Printer::guid(std::string_view name, const Guid& g) { value_line(name, g.to_string()); }
void Printer::context_handle(std::string_view name, const ContextHandle& h) {
  struct_begin(name, "policy_handle");
  field("handle_type", h.attributes);
  guid("uuid", h.uuid);
  struct_end();
}
void Printer::field(std::string_view name, NtStatus v) { value_line(name, v.name()); }
void Printer::field(std::string_view name, WError v) { value_line(name, v.name()); }
void Printer::field(std::string_view name, HResult v) { value_line(name, v.name()); }
void Printer::field(std::string_view name, NtTime v) { value_line(name, v.to_string()); }
void Printer::blob(std::string_view name, const DataBlob& b) {
  std::string t = "DATA_BLOB length=" + std::to_string(b.data.size());
  char h[4];
  for (std::size_t i = 0; i < b.data.size(); ++i) {
    if (i % 16 == 0) t += i ? "\n" + std::string(static_cast<std::size_t>(depth_ * width_ + 27), ' ') : " ";
    std::snprintf(h, sizeof h, "%02x ", b.data[i]);
    t += h;
  }
  value_line(name, t);
}

}  // namespace nca::ndr
