#include "diag/source_manager.h"

#include <algorithm>

namespace nca::idl {
namespace {

std::vector<uint32_t> line_starts_of(std::string_view text) {
  std::vector<uint32_t> starts{0};
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts.push_back(static_cast<uint32_t>(i + 1));
  return starts;
}

std::string_view line_at(std::string_view text, const std::vector<uint32_t>& starts, size_t line) {
  if (line >= starts.size()) return {};
  size_t begin = starts[line];
  size_t end = line + 1 < starts.size() ? starts[line + 1] - 1 : text.size();
  if (end > begin && text[end - 1] == '\r') --end;
  return text.substr(begin, end - begin);
}

// Parses a line marker `# 12 "file" 1 3` (or `#line 12 "file"`). Returns false if `line` is not one.
bool parse_marker(std::string_view line, uint32_t& number, std::string& file) {
  size_t i = 0;
  auto skip_space = [&] { while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i; };
  skip_space();
  if (i >= line.size() || line[i] != '#') return false;
  ++i;
  skip_space();
  if (line.substr(i, 4) == "line") { i += 4; skip_space(); }
  if (i >= line.size() || line[i] < '0' || line[i] > '9') return false;
  uint64_t n = 0;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') {
    n = n * 10 + static_cast<uint64_t>(line[i] - '0');
    if (n > UINT32_MAX) return false;
    ++i;
  }
  number = static_cast<uint32_t>(n);
  skip_space();
  if (i >= line.size() || line[i] != '"') return true;  // keeps the current file
  ++i;
  file.clear();
  while (i < line.size() && line[i] != '"') {
    // cpp escapes backslashes and quotes in file names.
    if (line[i] == '\\' && i + 1 < line.size()) ++i;
    file += line[i++];
  }
  return true;
}

// The preprocessor collapses runs of blanks, turns comments into a space and indents with spaces,
// so a column in its output is not the column the user sees. Walks both lines together, skipping
// blanks and comments in either, to find the original column of preprocessed column `pp_col`
// (0-based). Fails (returns npos) where the texts differ otherwise, e.g. after a macro expansion.
size_t align_column(std::string_view pp, std::string_view orig, size_t pp_col) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; };
  size_t i = 0, j = 0;
  bool in_string = false;
  while (true) {
    if (!in_string) {
      while (i < pp.size() && i < pp_col && blank(pp[i])) ++i;
      while (j < orig.size()) {
        if (blank(orig[j])) { ++j; continue; }
        if (orig.substr(j, 2) == "/*") {
          size_t end = orig.find("*/", j + 2);
          if (end == std::string_view::npos) return std::string_view::npos;
          j = end + 2;
          continue;
        }
        break;
      }
    }
    if (i == pp_col) return j;
    if (i >= pp.size() || j >= orig.size() || pp[i] != orig[j]) return std::string_view::npos;
    if (pp[i] == '"' && (i == 0 || pp[i - 1] != '\\')) in_string = !in_string;
    ++i;
    ++j;
  }
}

}  // namespace

uint32_t SourceManager::intern_file(const std::string& name) {
  auto [it, inserted] = file_index_.emplace(name, static_cast<uint32_t>(files_.size()));
  if (inserted) files_.push_back(name);
  return it->second;
}

uint32_t SourceManager::add_unit(std::string file, std::string text) {
  Unit& u = units_.emplace_back();
  u.file = std::move(file);
  u.text = std::move(text);
  u.line_starts = line_starts_of(u.text);
  u.map.push_back({0, intern_file(u.file), 1});
  std::string marker_file = u.file;
  for (size_t line = 0; line < u.line_starts.size(); ++line) {
    size_t start = u.line_starts[line];
    if (start >= u.text.size() || u.text[start] != '#') continue;
    uint32_t number = 0;
    if (!parse_marker(line_at(u.text, u.line_starts, line), number, marker_file)) continue;
    u.map.push_back({static_cast<uint32_t>(line + 1), intern_file(marker_file), number});
  }
  return static_cast<uint32_t>(units_.size() - 1);
}

uint32_t SourceManager::add_raw_unit(std::string file, std::string text) {
  Unit& u = units_.emplace_back();
  u.file = std::move(file);
  u.text = std::move(text);
  u.line_starts = line_starts_of(u.text);
  return static_cast<uint32_t>(units_.size() - 1);
}

void SourceManager::add_original(const std::string& file, std::string text) {
  Original o;
  o.text = std::move(text);
  o.line_starts = line_starts_of(o.text);
  originals_[file] = std::move(o);
}

std::string_view SourceManager::original_line(const std::string& file, uint32_t line) const {
  auto it = originals_.find(file);
  if (it == originals_.end() || line == 0) return {};
  return line_at(it->second.text, it->second.line_starts, line - 1);
}

PresumedLoc SourceManager::presumed(SourceLoc loc) const {
  PresumedLoc p;
  if (!loc.valid() || loc.unit >= units_.size()) return p;
  const Unit& u = units_[loc.unit];
  uint32_t offset = std::min<uint32_t>(loc.offset, static_cast<uint32_t>(u.text.size()));
  auto it = std::upper_bound(u.line_starts.begin(), u.line_starts.end(), offset);
  size_t line = static_cast<size_t>(it - u.line_starts.begin()) - 1;
  p.column = offset - u.line_starts[line] + 1;
  p.line_text = line_at(u.text, u.line_starts, line);
  if (u.map.empty()) {
    p.file = u.file;
    p.line = static_cast<uint32_t>(line + 1);
    return p;
  }
  auto m = std::upper_bound(u.map.begin(), u.map.end(), line,
                            [](size_t l, const MapEntry& e) { return l < e.pp_line; });
  const MapEntry& e = *(m - 1);
  p.file = files_[e.file];
  p.line = e.orig_line + static_cast<uint32_t>(line - e.pp_line);
  // Show the line as written, with the caret where the user sees the token, when the two texts
  // can be lined up; otherwise the preprocessed line and column are still consistent.
  std::string_view orig = original_line(p.file, p.line);
  if (!orig.empty()) {
    size_t col = align_column(p.line_text, orig, p.column - 1);
    if (col != std::string_view::npos) {
      p.line_text = orig;
      p.column = static_cast<uint32_t>(col + 1);
    }
  }
  return p;
}

SourceLoc SourceManager::raw_location(uint32_t unit, uint32_t line, uint32_t column) const {
  const Unit& u = units_.at(unit);
  SourceLoc loc{unit, static_cast<uint32_t>(u.text.size())};
  if (line == 0 || line > u.line_starts.size()) return loc;
  uint32_t start = u.line_starts[line - 1];
  std::string_view text = line_at(u.text, u.line_starts, line - 1);
  loc.offset = start + std::min<uint32_t>(column ? column - 1 : 0, static_cast<uint32_t>(text.size()));
  return loc;
}

}  // namespace nca::idl
