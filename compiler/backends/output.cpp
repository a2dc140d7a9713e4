// Output: generated files collected in memory (see output.h).
#include "backends/output.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

namespace nca::idl::backends {

std::string& Output::file(const std::string& name) {
  for (File& f : files_)
    if (f.name == name) return f.content;
  files_.push_back({name, {}});
  return files_.back().content;
}

const std::string* Output::find(const std::string& name) const {
  for (const File& f : files_)
    if (f.name == name) return &f.content;
  return nullptr;
}

namespace {

bool safe_relative(const std::string& name) {
  if (name.empty() || name.front() == '/') return false;
  std::filesystem::path p(name);
  for (const auto& part : p)
    if (part == "..") return false;
  return true;
}

}  // namespace

std::optional<std::string> Output::write_to_directory(const std::string& dir) const {
  namespace fs = std::filesystem;
  for (const File& f : files_) {
    if (!safe_relative(f.name)) return "refusing to write '" + f.name + "' outside the output directory";
    fs::path path = fs::path(dir) / f.name;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return "cannot create directory '" + path.parent_path().string() + "': " + ec.message();
    {
      std::ifstream in(path, std::ios::binary);
      if (in) {
        std::ostringstream existing;
        existing << in.rdbuf();
        if (existing.str() == f.content) continue;
      }
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << f.content;
    if (!out.flush()) return "cannot write '" + path.string() + "'";
  }
  return std::nullopt;
}

void Output::write_to_stream(std::ostream& out) const {
  if (files_.size() == 1) {
    out << files_.front().content;
    return;
  }
  for (const File& f : files_) out << "// ---- " << f.name << " ----\n" << f.content;
}

}  // namespace nca::idl::backends
