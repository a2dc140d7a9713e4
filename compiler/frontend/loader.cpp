// load_program: preprocess, parse and follow imports, each file once, cycles diagnosed.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "diag/diagnostics.h"
#include "diag/source_manager.h"
#include "frontend/frontend.h"
#include "frontend/parser.h"
#include "frontend/preprocess.h"

namespace nca::idl {
namespace {

namespace fs = std::filesystem;

class Loader {
 public:
  Loader(const FrontendOptions& options, SourceManager& sources, DiagnosticEngine& diags)
      : options_(options), sources_(sources), diags_(diags) {}

  void load_root(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      diags_.error({}, "cannot open '" + path + "': " + (fs::exists(path, ec) ? "not a regular file" : "no such file"),
                   "io");
      program_.io_error = true;
      return;
    }
    auto index = load(path, {}, true);
    if (index) program_.files[*index].is_root = true;
  }

  ParsedProgram take() { return std::move(program_); }

 private:
  struct Active {
    std::string key;
    std::string path;
    SourceRange imported_at;  // where its importer named it (invalid for a root)
  };

  static std::string key_of(const std::string& path) {
    std::error_code ec;
    fs::path p = fs::weakly_canonical(path, ec);
    return ec ? path : p.string();
  }

  void add_dependency(const std::string& file) {
    if (dep_seen_.insert(key_of(file)).second) program_.dependencies.push_back(file);
  }

  bool read_file(const std::string& path, std::string& text, std::string& why) {
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) { why = "no such file"; return false; }
    if (static_cast<size_t>(st.st_size) > options_.max_file_bytes) {
      why = "file too large (" + std::to_string(st.st_size) + " bytes, the limit is " +
            std::to_string(options_.max_file_bytes) + ")";
      return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) { why = "cannot read it"; return false; }
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    return true;
  }

  // The unit that shows a file as it is on disk, for the preprocessor's own messages.
  uint32_t raw_unit(const std::string& file) {
    auto it = raw_units_.find(file);
    if (it != raw_units_.end()) return it->second;
    std::string text, why;
    read_file(file, text, why);
    uint32_t unit = sources_.add_raw_unit(file, std::move(text));
    raw_units_[file] = unit;
    return unit;
  }

  // Turns `file:line:col: error: message` lines from cpp into diagnostics at those positions.
  void report_preprocessor_messages(const std::string& errors, bool failed, SourceRange fallback) {
    static const std::regex kLine(R"(^(.+?):(\d+):(?:(\d+):)? (fatal error|error|warning): (.*)$)");
    std::istringstream in(errors);
    std::string line;
    bool any_error = false;
    while (std::getline(in, line)) {
      std::smatch m;
      if (!std::regex_match(line, m, kLine)) continue;
      std::string file = m[1];
      uint32_t ln = static_cast<uint32_t>(std::stoul(m[2].str().substr(0, 9)));
      uint32_t col = m[3].matched ? static_cast<uint32_t>(std::stoul(m[3].str().substr(0, 9))) : 1;
      bool is_error = m[4] != "warning";
      // The lexer reports unterminated literals itself, as errors, at the same place.
      if (!is_error && m[5].str().rfind("missing terminating", 0) == 0) continue;
      SourceRange r{};
      if (file.empty() || file[0] != '<') r = SourceRange{sources_.raw_location(raw_unit(file), ln, col), 0};
      if (is_error) {
        any_error = true;
        diags_.error(r, m[5], "preprocessor");
      } else {
        diags_.warning(r, m[5], "preprocessor");
      }
    }
    if (failed && !any_error) {
      std::string first = errors.substr(0, errors.find('\n'));
      diags_.error(fallback, "the preprocessor failed" + (first.empty() ? std::string() : ": " + first), "preprocessor");
    }
  }

  std::optional<std::string> resolve_import(const std::string& name, const std::string& importer) {
    std::error_code ec;
    if (fs::path(name).is_absolute()) return fs::is_regular_file(name, ec) ? std::optional(name) : std::nullopt;
    std::vector<fs::path> dirs{fs::path(importer).parent_path()};
    for (const auto& d : options_.include_dirs) dirs.emplace_back(d);
    for (const auto& d : dirs) {
      fs::path candidate = d.empty() ? fs::path(name) : d / name;
      if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal().string();
    }
    return std::nullopt;
  }

  void report_cycle(const std::string& key, SourceRange at) {
    size_t start = 0;
    while (start < active_.size() && active_[start].key != key) ++start;
    Diagnostic d;
    d.severity = Severity::error;
    d.range = at;
    d.id = "import-cycle";
    d.message = "import cycle: '" + active_[start].path + "' imports itself";
    for (size_t i = start + 1; i < active_.size(); ++i)
      d.notes.push_back(Diagnostic{Severity::note, active_[i].imported_at,
                                   "'" + active_[i].path + "' imported by '" + active_[i - 1].path + "' here", "", {}});
    diags_.report(std::move(d));
  }

  void collect_imports(const std::vector<ast::DeclPtr>& decls, std::vector<const ast::ImportDecl*>& out) {
    for (const auto& d : decls) {
      if (auto* imp = d->as<ast::ImportDecl>()) out.push_back(imp);
      else if (d->kind == ast::DeclKind::interface || d->kind == ast::DeclKind::library ||
               d->kind == ast::DeclKind::module)
        collect_imports(static_cast<const ast::ScopeDecl&>(*d).body, out);
    }
  }

  std::optional<size_t> load(const std::string& path, SourceRange imported_at, bool root) {
    std::string key = key_of(path);
    if (auto it = loaded_.find(key); it != loaded_.end()) return it->second;
    for (const auto& a : active_)
      if (a.key == key) {
        report_cycle(key, imported_at);
        return std::nullopt;
      }

    std::string original, why;
    if (!read_file(path, original, why)) {
      diags_.error(imported_at, "cannot read '" + path + "': " + why, "io");
      if (root) program_.io_error = true;
      return std::nullopt;
    }
    add_dependency(path);
    sources_.add_original(path, std::move(original));

    detail::PreprocessResult pp = detail::run_preprocessor(path, options_, options_.max_file_bytes * 4);
    if (!pp.started) {
      diags_.error(imported_at, "cannot run the C preprocessor '" + options_.cpp_command + "': " + pp.spawn_error,
                   "io");
      program_.io_error = true;
      return std::nullopt;
    }
    for (const auto& f : detail::files_in_markers(pp.output)) add_dependency(f);
    if (pp.truncated) {
      diags_.error(imported_at, "preprocessed '" + path + "' is larger than " +
                                    std::to_string(options_.max_file_bytes * 4) + " bytes", "preprocessor");
      return std::nullopt;
    }
    report_preprocessor_messages(pp.errors, pp.exit_status != 0, imported_at);
    if (pp.exit_status != 0) return std::nullopt;

    uint32_t unit = sources_.add_unit(path, std::move(pp.output));
    std::unique_ptr<ast::File> file = detail::parse_unit(sources_, unit, path, diags_);

    active_.push_back({key, path, imported_at});
    std::vector<size_t> imports;
    std::vector<const ast::ImportDecl*> import_decls;
    collect_imports(file->decls, import_decls);
    for (const auto* imp : import_decls) {
      for (const auto& item : imp->files) {
        auto resolved = resolve_import(item.path, path);
        if (!resolved) {
          diags_.error(item.range, "cannot find imported file '" + item.path + "'", "import-not-found");
          continue;
        }
        if (auto idx = load(*resolved, item.range, false)) imports.push_back(*idx);
      }
    }
    active_.pop_back();

    size_t index = program_.files.size();
    program_.files.push_back(LoadedFile{std::move(file), std::move(imports), false});
    loaded_[key] = index;
    return index;
  }

  const FrontendOptions& options_;
  SourceManager& sources_;
  DiagnosticEngine& diags_;
  ParsedProgram program_;
  std::map<std::string, size_t> loaded_;
  std::vector<Active> active_;
  std::set<std::string> dep_seen_;
  std::map<std::string, uint32_t> raw_units_;
};

}  // namespace

ParsedProgram load_program(const std::vector<std::string>& paths, const FrontendOptions& options,
                           SourceManager& sources, DiagnosticEngine& diags) {
  Loader loader(options, sources, diags);
  for (const auto& p : paths) loader.load_root(p);
  return loader.take();
}

}  // namespace nca::idl
