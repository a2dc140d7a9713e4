// Source positions for the compiler.
//
// Every token position is a byte offset into one *preprocessed unit* (the text the C preprocessor
// produced for one input file). Offsets become `file:line:col` only when a diagnostic is printed:
// the unit's line map (built from the preprocessor's `# LINE "FILE"` markers) turns a preprocessed
// line back into the original file and line, so diagnostics always name what the user wrote.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nca::idl {

// A position: unit index (into SourceManager) and byte offset into that unit's text.
struct SourceLoc {
  uint32_t unit = UINT32_MAX;  // UINT32_MAX: no position (built-in or command line)
  uint32_t offset = 0;
  bool valid() const { return unit != UINT32_MAX; }
};

// A half-open byte range [begin, begin + length) within one unit.
struct SourceRange {
  SourceLoc begin;
  uint32_t length = 0;
};

// What a SourceLoc means to a person: the original file and line (after line-marker mapping),
// a 1-based column, and the text of that line for the caret display.
struct PresumedLoc {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string_view line_text;
};

}  // namespace nca::idl
