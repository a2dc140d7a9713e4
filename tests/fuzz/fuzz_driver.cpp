// A stand-in for libFuzzer's main when the compiler has no -fsanitize=fuzzer (g++): runs every
// file of the corpus directories given, then N deterministic mutations of each (bit flips,
// truncations, 0xff runs that make huge counts), through LLVMFuzzerTestOneInput.
//
//   fuzz_pull_driver [-runs=N] DIR...
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  long runs = 20000;
  std::vector<std::vector<std::uint8_t>> corpus;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "-runs=", 6) == 0) {
      runs = std::atol(argv[i] + 6);
      continue;
    }
    if (argv[i][0] == '-') continue;  // other libFuzzer flags
    for (const auto& f : std::filesystem::directory_iterator(argv[i])) {
      std::ifstream in(f.path(), std::ios::binary);
      corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "fuzz driver: empty corpus\n");
    return 1;
  }
  for (const auto& c : corpus) LLVMFuzzerTestOneInput(c.data(), c.size());
  std::mt19937 rng(12345);
  for (long r = 0; r < runs; ++r) {
    std::vector<std::uint8_t> c = corpus[rng() % corpus.size()];
    int edits = 1 + rng() % 4;
    for (int e = 0; e < edits && c.size() > 3; ++e) {
      std::size_t at = 3 + rng() % (c.size() - 3);
      switch (rng() % 4) {
        case 0: c[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
        case 1: c.resize(at); break;
        case 2:
          for (std::size_t k = at; k < c.size() && k < at + 4; ++k) c[k] = 0xff;
          break;
        default: c[at] = static_cast<std::uint8_t>(rng()); break;
      }
    }
    LLVMFuzzerTestOneInput(c.data(), c.size());
  }
  std::printf("fuzz driver: %zu corpus inputs, %ld mutations, no crash\n", corpus.size(), runs);
  return 0;
}
