// Where generators write: a set of named text files collected in memory.
//
// One object serves every destination: `ncaidl -o DIR` writes the files to a directory, `--stdout`
// and `--dump-ir` print them, and golden tests compare them with checked-in files, so generators
// never touch the file system themselves.
//
// Contract: file names are relative paths with '/' separators, no `..` and not absolute (a
// generator bug otherwise, reported by write_to_directory). Not thread-safe; one generator run
// at a time.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace nca::idl::backends {

class Output {
 public:
  struct File {
    std::string name;
    std::string content;
  };

  // The content of file `name`, created empty on first use; appending to it builds the file.
  // The reference stays valid until the next call to file().
  std::string& file(const std::string& name);

  // Every file, in the order they were first opened.
  const std::vector<File>& files() const { return files_; }
  const std::string* find(const std::string& name) const;

  // Writes each file under `dir` (created if missing). A file whose content on disk is already
  // identical is left untouched so that build systems do not rebuild needlessly.
  // Returns an error message, or nothing on success.
  std::optional<std::string> write_to_directory(const std::string& dir) const;

  // Prints the files to `out`: a single file as is; several, each after a `// ---- NAME ----` line.
  void write_to_stream(std::ostream& out) const;

 private:
  std::vector<File> files_;
};

}  // namespace nca::idl::backends
