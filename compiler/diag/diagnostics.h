// Diagnostics in the style of Clang: `file:line:col: error|warning|note: message`, the source line,
// a caret with `~~~` under the range, then attached notes.
//
// Contract: library code reports and carries on (many errors per run, no cascades: a later pass
// asks `had_errors()` before working on a broken model); `main` decides the exit status.
// Messages are short, lowercase, without a final period, with names in single quotes.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "diag/source.h"

namespace nca::idl {

class SourceManager;

enum class Severity { note, warning, error };

struct Diagnostic {
  Severity severity = Severity::error;
  SourceRange range;
  std::string message;
  std::string id;                 // stable name, e.g. "unknown-attribute" (warnings: -Wno-<id>)
  std::vector<Diagnostic> notes;  // e.g. "previously defined here"
};

class DiagnosticEngine {
 public:
  // `sources` must outlive the engine. Diagnostics are printed to `out` as they are reported.
  DiagnosticEngine(const SourceManager& sources, std::ostream& out);

  void report(Diagnostic d);
  void error(SourceRange r, std::string message, std::string id = "");
  void warning(SourceRange r, std::string message, std::string id);

  void set_warnings_as_errors(bool on) { werror_ = on; }
  // `-Wno-<id>`: warnings with this id are dropped (neither printed, counted nor recorded).
  void disable_warning(std::string id) { disabled_.push_back(std::move(id)); }
  void set_color(bool on) { color_ = on; }

  size_t error_count() const { return errors_; }
  size_t warning_count() const { return warnings_; }
  bool had_errors() const { return errors_ != 0; }

  // Everything reported so far, in order (for tests).
  const std::vector<Diagnostic>& reported() const { return reported_; }

 private:
  void print(const Diagnostic& d, Severity shown) const;

  const SourceManager& sources_;
  std::ostream& out_;
  bool werror_ = false;
  bool color_ = false;
  size_t errors_ = 0;
  size_t warnings_ = 0;
  std::vector<Diagnostic> reported_;
  std::vector<std::string> disabled_;
};

}  // namespace nca::idl
