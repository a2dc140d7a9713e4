// Owns the text of every preprocessed unit and turns byte offsets into what a person reads.
//
// Contract:
// - A unit is added once and never changes; its index is stable for the manager's lifetime, and
//   `text()` / `PresumedLoc::line_text` views stay valid until the manager is destroyed.
// - A preprocessed unit's text is the C preprocessor's output, line markers included
//   (`# 12 "dir/file.idl" 2`). The markers build the unit's line map: every offset maps back to
//   the original file and line. A raw unit (`add_raw_unit`) maps to itself.
// - The original files (`add_original`) are used only to show the line as the user wrote it under
//   a diagnostic, when it still matches the preprocessed text at the diagnostic's column.
// - Not thread-safe; the compiler is single-threaded.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "diag/source.h"

namespace nca::idl {

class SourceManager {
 public:
  // Adds the preprocessor's output for `file` (the file named on the command line or imported).
  uint32_t add_unit(std::string file, std::string text);
  // Adds a file's text without preprocessing (line markers are not interpreted).
  uint32_t add_raw_unit(std::string file, std::string text);
  // Remembers what a file contained before preprocessing (for showing source lines).
  void add_original(const std::string& file, std::string text);

  size_t unit_count() const { return units_.size(); }
  std::string_view text(uint32_t unit) const { return units_.at(unit).text; }
  const std::string& file(uint32_t unit) const { return units_.at(unit).file; }

  // The original file, line and column of `loc`, with the text of that line. For an invalid
  // location, everything is empty/zero.
  PresumedLoc presumed(SourceLoc loc) const;

  // The location of 1-based `line`/`column` in a raw unit (for diagnostics the preprocessor gave
  // as text). Clamped to the unit's size.
  SourceLoc raw_location(uint32_t unit, uint32_t line, uint32_t column) const;

 private:
  struct MapEntry {
    uint32_t pp_line;    // 0-based line of the unit's text
    uint32_t file;       // index into files_
    uint32_t orig_line;  // 1-based line in that file for pp_line
  };
  struct Unit {
    std::string file;
    std::string text;
    std::vector<uint32_t> line_starts;
    std::vector<MapEntry> map;  // sorted by pp_line; empty for a raw unit
  };

  uint32_t intern_file(const std::string& name);
  std::string_view original_line(const std::string& file, uint32_t line) const;

  std::deque<Unit> units_;  // deque: references stay valid as units are added
  std::vector<std::string> files_;
  std::map<std::string, uint32_t> file_index_;
  struct Original {
    std::string text;
    std::vector<uint32_t> line_starts;
  };
  std::map<std::string, Original> originals_;
};

}  // namespace nca::idl
