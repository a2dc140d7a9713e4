// Front-end throughput on a large generated IDL file, in MB/s of IDL text.
//
//   compiler_parse_bench [MEGABYTES] [ROUNDS]      (default 8 MB, 3 rounds; best round reported)
//
// Baseline, measured in the same run: the C preprocessor alone over the same file (every
// front-end run pays for it). Reported: preprocessing, the whole front end (preprocess + lex +
// parse + AST), parsing alone (the difference), and the ratio front end / preprocessor.
// Semantic analysis adds its check time here once it exists.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "diag/diagnostics.h"
#include "diag/source_manager.h"
#include "frontend/frontend.h"
#include "frontend/preprocess.h"

using namespace nca::idl;
using Clock = std::chrono::steady_clock;

namespace {

// A file in the shape of real RPC interfaces: structs with attributes, unions, enums, operations.
std::string generate(size_t bytes) {
  std::ostringstream out;
  out << "[uuid(12345678-1234-1234-1234-123456789abc), version(1.0), pointer_default(unique)]\n"
         "interface bench\n{\n";
  for (size_t i = 0; static_cast<size_t>(out.tellp()) < bytes; ++i) {
    out << "  typedef [public] struct {\n"
           "    uint32 count" << i << ";\n"
           "    [size_is(count" << i << "), length_is(count" << i << " / 2)] uint8 *data;\n"
           "    [string, charset(UTF16)] uint16 *name;\n"
           "    hyper stamps[4];\n"
           "  } rec" << i << ";\n"
           "  typedef [v1_enum] enum { E" << i << "_A = 1, E" << i << "_B = (1 << 3) | 2 } en" << i << ";\n"
           "  typedef [switch_type(uint16)] union {\n"
           "    [case(1)] rec" << i << " r;\n"
           "    [case(2)] uint32 v;\n"
           "    [default];\n"
           "  } un" << i << ";\n"
           "  NTSTATUS op" << i << "([in] uint16 level, [in, switch_is(level)] un" << i << " *u,\n"
           "                  [in, out, ref] uint32 *count, [out, size_is(*count)] rec" << i << " **recs);\n";
  }
  out << "}\n";
  return out.str();
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  size_t mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 8;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  if (mb == 0 || rounds <= 0) {
    std::fprintf(stderr, "usage: compiler_parse_bench [MEGABYTES] [ROUNDS]\n");
    return 2;
  }
  std::string text = generate(mb << 20);
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("ncaidl_bench_" + std::to_string(::getpid()) + ".idl");
  std::ofstream(path) << text;
  double size_mb = static_cast<double>(text.size()) / (1 << 20);

  double best_cpp = 1e9, best_full = 1e9;
  size_t decls = 0;
  for (int r = 0; r < rounds; ++r) {
    FrontendOptions options;
    auto t0 = Clock::now();
    auto pp = detail::run_preprocessor(path.string(), options, options.max_file_bytes * 4);
    best_cpp = std::min(best_cpp, seconds_since(t0));
    if (pp.exit_status != 0) {
      std::fprintf(stderr, "preprocessor failed: %s\n", pp.errors.c_str());
      return 1;
    }

    SourceManager sources;
    std::ostringstream sink;
    DiagnosticEngine diags(sources, sink);
    auto t1 = Clock::now();
    ParsedProgram program = load_program({path.string()}, options, sources, diags);
    best_full = std::min(best_full, seconds_since(t1));
    if (diags.had_errors()) {
      std::fprintf(stderr, "the generated file did not compile:\n%s", sink.str().c_str());
      return 1;
    }
    decls = program.files.at(0).ast->decls.size();
  }
  std::filesystem::remove(path);

  double parse = std::max(best_full - best_cpp, 1e-9);
  std::printf("input: %.1f MB generated IDL (%zu top-level declarations), best of %d rounds\n", size_mb, decls, rounds);
  std::printf("preprocess only (baseline): %8.2f MB/s  (%.3f s)\n", size_mb / best_cpp, best_cpp);
  std::printf("front end, whole:           %8.2f MB/s  (%.3f s)\n", size_mb / best_full, best_full);
  std::printf("lex + parse + AST alone:    %8.2f MB/s  (%.3f s)\n", size_mb / parse, parse);
  std::printf("ratio front end / preprocess: %.2fx\n", best_full / best_cpp);
  return 0;
}
