// Runs the system C preprocessor over one IDL file, as pidl, widl and MIDL do.
#pragma once

#include <string>
#include <vector>

#include "frontend/frontend.h"

namespace nca::idl::detail {

struct PreprocessResult {
  bool started = false;   // the preprocessor could be run at all
  int exit_status = -1;   // its exit status (0: success)
  bool truncated = false; // output exceeded the limit and was cut off (the run counts as failed)
  std::string output;     // the preprocessed text, line markers included
  std::string errors;     // what it wrote to stderr
  std::string spawn_error;
};

// The argument vector: `cpp -xc -std=c99 -D__NCAIDL__ -D__midl=501 -I... -D... FILE`. `-std=c99` rather than
// GNU mode so that `linux`, `unix` and `i386` stay names instead of becoming `1`.
std::vector<std::string> preprocessor_command(const std::string& path, const FrontendOptions& options);

// Runs it without a shell (posix_spawnp, pipes for stdout and stderr, read together so neither can
// fill up and block the child). Output beyond `max_output` bytes is refused. Blocks until the
// child exits.
PreprocessResult run_preprocessor(const std::string& path, const FrontendOptions& options, size_t max_output);

// Every file named by a line marker in `output` (the input and what it #included), in first-seen
// order, without the preprocessor's pseudo-files (`<built-in>`, `<command-line>`).
std::vector<std::string> files_in_markers(const std::string& output);

}  // namespace nca::idl::detail
