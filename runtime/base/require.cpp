#include "nca/base/require.h"

#include <cstdio>
#include <cstdlib>

namespace nca::base::detail {

std::string require_message(std::string_view condition, std::string_view file, int line,
                            std::string_view operands, std::string_view message) {
  std::string text;
  text.reserve(file.size() + condition.size() + operands.size() + message.size() + 48);
  text += file;
  text += ':';
  text += std::to_string(line);
  text += ": NCA_REQUIRE(";
  text += condition;
  text += ") failed";
  if (!operands.empty()) {
    text += " [";
    text += operands;
    text += ']';
  }
  if (!message.empty()) {
    text += ": ";
    text += message;
  }
  return text;
}

void require_failed(const char* condition, const char* file, int line, std::string_view operands,
                    std::string_view message) {
  std::string text = require_message(condition, file, line, operands, message);
  std::fprintf(stderr, "%s\n", text.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string describe_pointer(const void* p) {
  if (p == nullptr) return "nullptr";
  char buf[2 + 2 * sizeof(void*) + 1];
  std::snprintf(buf, sizeof buf, "%p", p);
  return buf;
}

std::string describe_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

}  // namespace nca::base::detail
