// ncaidl: the command line. Parses options into values, runs the stages, sets the exit status:
// 0 success, 1 errors in the IDL, 2 usage or I/O problems.
#include <algorithm>
#include <fstream>
#include <map>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "diag/diagnostics.h"
#include "diag/source_manager.h"
#include "frontend/frontend.h"
#include "frontend/ast_dump.h"
#include "backends/ir_json_generator.h"
#include "backends/summary_generator.h"
#include "backends/client_generator.h"
#include "backends/python_generator.h"
#include "backends/cpp_generators.h"
#include "backends/server_generator.h"
#include "backends/template_generator.h"
#include "backends/wireshark_generator.h"
#include "sema/analyze.h"

#ifndef NCA_VERSION
#define NCA_VERSION "0.0.0"
#endif

namespace {

using namespace nca::idl;

constexpr int kExitOk = 0;
constexpr int kExitIdlErrors = 1;
constexpr int kExitUsage = 2;

const char kUsage[] = R"(usage: ncaidl [options] FILE.idl...

Compiles MIDL, DCE 1.1 and pidl IDL files.

options:
  -I DIR                 search DIR for imported and #included files
  -D NAME[=VALUE]        define a preprocessor macro
  -o, --output-dir DIR   write generated files to DIR (default: .)
  --gen LIST             generators to run into the output directory, comma-separated:
                         types, ndr, dump, client, server, template, or all;
                         wireshark (a Lua dissector per interface, not part of all)
                         python (a pybind11 module; needs types,ndr,server too)
                         (default with -o: types,ndr)
  --param NAME=VALUE     a generator setting (namespace=a::b)
  --stdout               print generated files on standard output instead of writing them
  --dump-ir              print the checked model as JSON on standard output
  --summary              print one line per interface, type and operation understood
  --dump-ast             print the syntax tree of the files named (a debugging aid)
  --depfile FILE         write a make-style dependency file (every imported and included file)
  --depfile-target NAME  the target named in the depfile (default: FILE itself)
  --cpp COMMAND          the C preprocessor to run (default: cpp)
  -Werror                treat warnings as errors
  -Wno-ID                silence warnings with id ID
  --color, --no-color    colour diagnostics (default: when standard error is a terminal)
  --version              print the version and exit
  --help                 print this help and exit

exit status: 0 success, 1 errors in the IDL, 2 usage or I/O errors
)";

struct Options {
  FrontendOptions frontend;
  std::vector<std::string> inputs;
  std::string output_dir = ".";
  std::string depfile;
  std::string depfile_target;
  bool dump_ir = false;
  bool output_dir_given = false;
  bool to_stdout = false;
  std::string gen;
  std::map<std::string, std::string> params;
  bool summary = false;
  bool dump_ast = false;
  bool werror = false;
  std::vector<std::string> disabled_warnings;
  std::optional<bool> color;
  bool help = false;
  bool version = false;
};

// Returns an error message for bad usage, or nothing.
std::optional<std::string> parse_args(int argc, char** argv, Options& o) {
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const std::string& opt, std::string& out) -> std::optional<std::string> {
      // `-I DIR`, `-IDIR`, `--opt VALUE`, `--opt=VALUE`
      if (a.size() > opt.size() && a.compare(0, opt.size(), opt) == 0) {
        size_t skip = opt.size() + (a[opt.size()] == '=' && opt.size() > 2 ? 1 : 0);
        out = a.substr(skip);
        return std::nullopt;
      }
      if (i + 1 >= argc) return "option '" + opt + "' needs a value";
      out = argv[++i];
      return std::nullopt;
    };
    auto is = [&](const std::string& opt) {
      return a == opt || (a.compare(0, opt.size(), opt) == 0 && a.size() > opt.size() &&
                          (opt.size() == 2 || a[opt.size()] == '='));
    };
    std::string v;
    std::optional<std::string> err;
    if (options_done || a.empty() || a[0] != '-' || a == "-") {
      o.inputs.push_back(a);
    } else if (a == "--") {
      options_done = true;
    } else if (a == "--help" || a == "-h") {
      o.help = true;
    } else if (a == "--version") {
      o.version = true;
    } else if (a == "--dump-ir") {
      o.dump_ir = true;
    } else if (a == "--stdout") {
      o.to_stdout = true;
    } else if (is("--gen")) {
      if ((err = value("--gen", v))) return err;
      o.gen = v;
    } else if (is("--param")) {
      if ((err = value("--param", v))) return err;
      auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0) return "option '--param' needs NAME=VALUE";
      o.params[v.substr(0, eq)] = v.substr(eq + 1);
    } else if (a == "--dump-ast") {
      o.dump_ast = true;
    } else if (a == "--summary") {
      o.summary = true;
    } else if (a == "-Werror") {
      o.werror = true;
    } else if (a.rfind("-Wno-", 0) == 0 && a.size() > 5) {
      o.disabled_warnings.push_back(a.substr(5));
    } else if (a == "--color" || a == "-fcolor-diagnostics") {
      o.color = true;
    } else if (a == "--no-color" || a == "-fno-color-diagnostics") {
      o.color = false;
    } else if (is("-I")) {
      if ((err = value("-I", v))) return err;
      o.frontend.include_dirs.push_back(v);
    } else if (is("-D")) {
      if ((err = value("-D", v))) return err;
      if (v.empty() || v[0] == '=') return "option '-D' needs a macro name";
      o.frontend.defines.push_back(v);
    } else if (a == "-o" || (a.rfind("-o", 0) == 0 && a.size() > 2 && a[2] != '-')) {
      if ((err = value("-o", v))) return err;
      o.output_dir = v;
      o.output_dir_given = true;
    } else if (is("--output-dir")) {
      if ((err = value("--output-dir", v))) return err;
      o.output_dir = v;
      o.output_dir_given = true;
    } else if (is("--depfile-target")) {
      if ((err = value("--depfile-target", v))) return err;
      o.depfile_target = v;
    } else if (is("--depfile")) {
      if ((err = value("--depfile", v))) return err;
      o.depfile = v;
    } else if (is("--cpp")) {
      if ((err = value("--cpp", v))) return err;
      o.frontend.cpp_command = v;
    } else {
      return "unknown option '" + a + "'";
    }
  }
  return std::nullopt;
}

// Make's syntax: spaces and '#' escaped with a backslash, '$' doubled.
std::string make_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '#' || c == '\\') out += '\\';
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

bool write_depfile(const Options& o, const ParsedProgram& program) {
  std::ofstream out(o.depfile, std::ios::trunc);
  if (!out) return false;
  out << make_escape(o.depfile_target.empty() ? o.depfile : o.depfile_target) << ':';
  for (const auto& d : program.dependencies) out << " \\\n  " << make_escape(d);
  out << '\n';
  // A phony rule per dependency, so a deleted import does not break the build (like gcc -MP).
  for (const auto& d : program.dependencies) out << '\n' << make_escape(d) << ":\n";
  return static_cast<bool>(out.flush());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (auto err = parse_args(argc, argv, o)) {
    std::cerr << "ncaidl: error: " << *err << "\n(run 'ncaidl --help' for the options)\n";
    return kExitUsage;
  }
  if (o.help) {
    std::cout << kUsage;
    return kExitOk;
  }
  if (o.version) {
    std::cout << "ncaidl " << NCA_VERSION << '\n';
    return kExitOk;
  }
  if (o.inputs.empty()) {
    std::cerr << "ncaidl: error: no input files\n(run 'ncaidl --help' for the options)\n";
    return kExitUsage;
  }

  SourceManager sources;
  DiagnosticEngine diags(sources, std::cerr);
  diags.set_warnings_as_errors(o.werror);
  diags.set_color(o.color.value_or(::isatty(STDERR_FILENO) != 0));
  for (auto& id : o.disabled_warnings) diags.disable_warning(id);

  ParsedProgram program = load_program(o.inputs, o.frontend, sources, diags);

  if (!o.depfile.empty() && !write_depfile(o, program)) {
    std::cerr << "ncaidl: error: cannot write depfile '" << o.depfile << "'\n";
    return kExitUsage;
  }
  if (program.io_error) return kExitUsage;

  if (o.dump_ast)
    for (const auto& f : program.files)
      if (f.is_root && f.ast) dump_ast(*f.ast, sources, std::cout);

  // Semantic analysis runs on every program that parsed, so its errors show without options;
  // --dump-ast alone is the front end's debugging aid and stops before it.
  std::shared_ptr<const ir::Program> ir;
  const bool ast_only = o.dump_ast && !o.dump_ir && !o.summary;
  if (!diags.had_errors() && !ast_only) ir = analyze(program, diags);
  if (ir && !diags.had_errors() && (o.dump_ir || o.summary)) {
    backends::GeneratorOptions gen;
    std::string stem = o.inputs.front();
    stem = stem.substr(stem.find_last_of('/') + 1);
    gen.base_name = stem.substr(0, stem.rfind('.'));
    backends::Output out;
    if (o.dump_ir) backends::IrJsonGenerator().generate(*ir, gen, out, diags);
    if (o.summary) backends::SummaryGenerator().generate(*ir, gen, out, diags);
    out.write_to_stream(std::cout);
  }
  // The C++ generators: run when asked for (--gen), or by default when -o names a directory.
  std::string gen_list = o.gen;
  if (gen_list.empty() && o.output_dir_given) gen_list = "types,ndr";
  if (ir && !diags.had_errors() && !gen_list.empty()) {
    backends::GeneratorOptions gen;
    std::string stem = o.inputs.front();
    stem = stem.substr(stem.find_last_of('/') + 1);
    gen.base_name = stem.substr(0, stem.rfind('.'));
    gen.params = o.params;
    std::vector<std::unique_ptr<backends::Generator>> gens;
    size_t start = 0;
    while (start <= gen_list.size()) {
      size_t comma = gen_list.find(',', start);
      std::string g = gen_list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      start = comma == std::string::npos ? gen_list.size() + 1 : comma + 1;
      if (g == "types" || g == "all") gens.push_back(std::make_unique<backends::TypesGenerator>());
      if (g == "ndr" || g == "all") gens.push_back(std::make_unique<backends::NdrGenerator>());
      if (g == "dump" || g == "all") gens.push_back(std::make_unique<backends::DumpGenerator>());
      if (g == "client" || g == "all") gens.push_back(std::make_unique<backends::ClientGenerator>());
      if (g == "server" || g == "all") gens.push_back(std::make_unique<backends::ServerGenerator>());
      if (g == "template" || g == "all") gens.push_back(std::make_unique<backends::TemplateGenerator>());
      if (g == "wireshark") gens.push_back(std::make_unique<backends::WiresharkGenerator>());
      if (g == "python") gens.push_back(std::make_unique<backends::PythonGenerator>());
      static constexpr std::string_view kKnown[] = {"types",  "ndr",       "dump",   "client", "server",
                                                    "template", "wireshark", "python", "all"};
      if (!g.empty() && std::find(std::begin(kKnown), std::end(kKnown), g) == std::end(kKnown)) {
        std::cerr << "ncaidl: error: unknown generator '" << g
                  << "' (types, ndr, dump, client, server, template, wireshark, python, all)\n";
        return kExitUsage;
      }
    }
    backends::Output out;
    for (const auto& g : gens) g->generate(*ir, gen, out, diags);
    if (!diags.had_errors()) {
      if (o.to_stdout) {
        out.write_to_stream(std::cout);
      } else if (auto err = out.write_to_directory(o.output_dir)) {
        std::cerr << "ncaidl: error: " << *err << '\n';
        return kExitUsage;
      }
    }
  }

  return diags.had_errors() ? kExitIdlErrors : kExitOk;
}
