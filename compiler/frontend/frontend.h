// The front end's entry point: preprocess, parse and load a set of IDL files with their imports.
//
// Contract: every file is read once, however often it is imported; import cycles are diagnosed;
// files come out in dependency order (an imported file before its importer). Errors go to the
// DiagnosticEngine; the returned program holds whatever parsed, so later stages can still report
// (they check `diags.had_errors()` to avoid cascades).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "frontend/ast.h"

namespace nca::idl {

class SourceManager;
class DiagnosticEngine;

struct FrontendOptions {
  std::vector<std::string> include_dirs;  // -I, searched for imports and #include, in order
  std::vector<std::string> defines;       // -D NAME[=VALUE]
  std::string cpp_command = "cpp";        // the system C preprocessor (run as `cpp -xc -std=c99`)
  size_t max_file_bytes = 64u << 20;      // larger inputs are refused with an error
};

struct LoadedFile {
  std::unique_ptr<const ast::File> ast;
  std::vector<size_t> imports;  // indices into ParsedProgram::files, in the order written
  bool is_root = false;         // named on the command line
};

struct ParsedProgram {
  std::vector<LoadedFile> files;          // dependency order: imports before importers
  std::vector<std::string> dependencies;  // every file read, #includes too (for --depfile)
  // A file named on the command line could not be read, or the preprocessor could not be run:
  // a usage/I-O failure (exit status 2) rather than an error in the IDL.
  bool io_error = false;
};

ParsedProgram load_program(const std::vector<std::string>& paths, const FrontendOptions& options,
                           SourceManager& sources, DiagnosticEngine& diags);

}  // namespace nca::idl
