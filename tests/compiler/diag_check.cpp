// ncaidl_diag_check FILE.idl [-I DIR]...: compiles FILE.idl's front end and compares the
// diagnostics with the expectations written in the IDL itself, next to the offending line:
//
//   long x  // expected-error {{expected ';' after member}}
//   // expected-error@+1 {{...}}      the next line;  @-2: two lines up
//   // expected-note@* {{...}}        anywhere (diagnostics without a position too)
//
// Expectations are read from every file the compilation read (imports and #includes), so a
// diagnostic in an imported file is expected in that file. Each expectation must match one
// diagnostic (same file and line, same severity, message containing the text) and every
// diagnostic must be expected. Exit status 0 when everything matches, 1 otherwise.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include "diag/diagnostics.h"
#include "diag/source_manager.h"
#include "frontend/frontend.h"

using namespace nca::idl;
namespace fs = std::filesystem;

namespace {

struct Expectation {
  std::string file;  // canonical; empty for `@*`
  uint32_t line = 0;
  Severity severity;
  std::string text;
  bool matched = false;
};

std::string canonical(const std::string& p) {
  std::error_code ec;
  auto c = fs::weakly_canonical(p, ec);
  return ec ? p : c.string();
}

const char* name_of(Severity s) {
  return s == Severity::error ? "error" : s == Severity::warning ? "warning" : "note";
}

void read_expectations(const std::string& file, std::vector<Expectation>& out) {
  static const std::regex kExpect(R"(expected-(error|warning|note)(@([+-]?\d+|\*))?\s*\{\{(.*?)\}\})");
  std::ifstream in(file);
  std::string line;
  uint32_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    for (std::sregex_iterator it(line.begin(), line.end(), kExpect), end; it != end; ++it) {
      const std::smatch& m = *it;
      Expectation e;
      e.severity = m[1] == "error" ? Severity::error : m[1] == "warning" ? Severity::warning : Severity::note;
      e.text = m[4];
      e.file = canonical(file);
      e.line = n;
      if (m[3].matched) {
        std::string where = m[3];
        if (where == "*") e.file.clear();
        else if (where[0] == '+' || where[0] == '-') e.line = static_cast<uint32_t>(static_cast<int>(n) + std::stoi(where));
        else e.line = static_cast<uint32_t>(std::stoul(where));
      }
      out.push_back(std::move(e));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  FrontendOptions options;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-I" && i + 1 < argc) options.include_dirs.push_back(argv[++i]);
    else inputs.push_back(a);
  }
  if (inputs.empty()) {
    std::cerr << "usage: ncaidl_diag_check FILE.idl... [-I DIR]\n";
    return 2;
  }
  SourceManager sources;
  std::ostringstream printed;
  DiagnosticEngine diags(sources, printed);
  ParsedProgram program = load_program(inputs, options, sources, diags);

  std::vector<Expectation> expected;
  std::vector<std::string> files = program.dependencies;
  for (const auto& in : inputs) files.push_back(in);
  std::set<std::string> seen;
  for (const auto& f : files)
    if (f.find("/usr/include/") != 0 && seen.insert(canonical(f)).second) read_expectations(f, expected);

  // Flatten notes after their diagnostic.
  std::vector<const Diagnostic*> reported;
  for (const auto& d : diags.reported()) {
    reported.push_back(&d);
    for (const auto& n : d.notes) reported.push_back(&n);
  }

  int failures = 0;
  for (const Diagnostic* d : reported) {
    PresumedLoc p = sources.presumed(d->range.begin);
    std::string file = p.file.empty() ? "" : canonical(p.file);
    bool found = false;
    for (auto& e : expected) {
      if (e.matched || e.severity != d->severity || d->message.find(e.text) == std::string::npos) continue;
      if (!e.file.empty() && (e.file != file || e.line != p.line)) continue;
      e.matched = found = true;
      break;
    }
    if (!found) {
      std::cerr << "unexpected " << name_of(d->severity) << " at " << (p.file.empty() ? "<no location>" : p.file) << ':'
                << p.line << ": " << d->message << '\n';
      ++failures;
    }
  }
  for (const auto& e : expected) {
    if (e.matched) continue;
    std::cerr << "expected " << name_of(e.severity) << " not reported at " << (e.file.empty() ? "*" : e.file) << ':'
              << e.line << ": {{" << e.text << "}}\n";
    ++failures;
  }
  if (failures) {
    std::cerr << "--- what the compiler printed ---\n" << printed.str();
    return 1;
  }
  std::cout << "ok: " << expected.size() << " expected diagnostics matched\n";
  return 0;
}
