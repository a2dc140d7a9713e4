#include "backends/code_writer.h"

namespace nca::idl::backends {

void CodeWriter::emit(std::string_view tmpl, Vars vars) {
  size_t i = 0;
  while (i < tmpl.size()) {
    char c = tmpl[i];
    if (c == '\n') {
      out_ += '\n';
      at_line_start_ = true;
      ++i;
      continue;
    }
    // Indentation is written lazily, so empty lines stay empty.
    if (at_line_start_) {
      out_.append(static_cast<size_t>(level_ > 0 ? level_ * 2 : 0), ' ');
      at_line_start_ = false;
    }
    if (c != '$') {
      out_ += c;
      ++i;
      continue;
    }
    size_t end = tmpl.find('$', i + 1);
    if (end == std::string_view::npos) {
      out_ += tmpl.substr(i);
      break;
    }
    std::string_view name = tmpl.substr(i + 1, end - i - 1);
    if (name.empty()) {
      out_ += '$';
    } else {
      bool found = false;
      for (const auto& [k, v] : vars) {
        if (k == name) {
          // A multi-line value keeps the current indentation on its continuation lines.
          for (char vc : v) {
            out_ += vc;
            if (vc == '\n') out_.append(static_cast<size_t>(level_ > 0 ? level_ * 2 : 0), ' ');
          }
          found = true;
          break;
        }
      }
      if (!found) {
        out_ += '$';
        out_ += name;
        out_ += "$?";
      }
    }
    i = end + 1;
  }
}

}  // namespace nca::idl::backends
