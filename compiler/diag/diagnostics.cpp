#include "diag/diagnostics.h"

#include <algorithm>
#include <ostream>

#include "diag/source_manager.h"

namespace nca::idl {
namespace {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::note: return "note";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "error";
}

const char* severity_color(Severity s) {
  switch (s) {
    case Severity::note: return "\x1b[1;30m";
    case Severity::warning: return "\x1b[1;35m";
    case Severity::error: return "\x1b[1;31m";
  }
  return "";
}

}  // namespace

DiagnosticEngine::DiagnosticEngine(const SourceManager& sources, std::ostream& out)
    : sources_(sources), out_(out) {}

void DiagnosticEngine::report(Diagnostic d) {
  Severity shown = d.severity;
  if (d.severity == Severity::warning) {
    if (!d.id.empty() && std::find(disabled_.begin(), disabled_.end(), d.id) != disabled_.end())
      return;
    if (werror_) shown = Severity::error;
  }
  if (shown == Severity::error) ++errors_;
  else if (shown == Severity::warning) ++warnings_;
  print(d, shown);
  for (const Diagnostic& n : d.notes) print(n, Severity::note);
  reported_.push_back(std::move(d));
}

void DiagnosticEngine::error(SourceRange r, std::string message, std::string id) {
  report(Diagnostic{Severity::error, r, std::move(message), std::move(id), {}});
}

void DiagnosticEngine::warning(SourceRange r, std::string message, std::string id) {
  report(Diagnostic{Severity::warning, r, std::move(message), std::move(id), {}});
}

void DiagnosticEngine::print(const Diagnostic& d, Severity shown) const {
  PresumedLoc p = sources_.presumed(d.range.begin);
  const char* bold = color_ ? "\x1b[1m" : "";
  const char* reset = color_ ? "\x1b[0m" : "";
  if (p.file.empty()) out_ << bold << "ncaidl:" << reset << ' ';
  else out_ << bold << p.file << ':' << p.line << ':' << p.column << ':' << reset << ' ';
  out_ << (color_ ? severity_color(shown) : "") << severity_name(shown) << ':' << reset << ' '
       << bold << d.message;
  if (shown != d.severity && !d.id.empty()) out_ << " [-Werror," << d.id << ']';
  else if (d.severity == Severity::warning && !d.id.empty()) out_ << " [-W" << d.id << ']';
  out_ << reset << '\n';
  if (p.file.empty() || p.column == 0) return;
  // The source line, then a caret under the start and `~` under the rest of the range (on this
  // line only). Tabs are copied into the padding so the caret lines up in any tab width.
  std::string_view line = p.line_text;
  out_ << line << '\n';
  std::string marker;
  size_t col = p.column - 1;
  for (size_t i = 0; i < col; ++i) marker += (i < line.size() && line[i] == '\t') ? '\t' : ' ';
  marker += '^';
  size_t end = std::min<size_t>(col + std::max<uint32_t>(d.range.length, 1), line.size());
  for (size_t i = col + 1; i < end; ++i) marker += '~';
  out_ << (color_ ? "\x1b[1;32m" : "") << marker << reset << '\n';
}

}  // namespace nca::idl
