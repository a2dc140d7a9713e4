// Writes the seed corpus of fuzz_pull: one file per Samba vector (tests/ndr_gen/samba_vectors.py)
// whose operation or type is a fuzz target, prefixed with the target index and flags.
//
//   fuzz_make_corpus VECTORS_FILE OUT_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "fuzz_targets.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fuzz_make_corpus VECTORS_FILE OUT_DIR\n");
    return 2;
  }
  std::filesystem::create_directories(argv[2]);
  std::ifstream in(argv[1]);
  std::string line;
  int written = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string label, file, entry, dir, syntax, order, hex, ctx;
    if (!(ls >> label >> file >> entry >> dir >> syntax >> order >> hex >> ctx)) continue;
    const auto& all = fuzz::targets();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].file != file || all[i].name != entry || all[i].kind != dir) continue;
      std::string bytes;
      bytes += static_cast<char>(i & 0xff);
      bytes += static_cast<char>(i >> 8);
      bytes += static_cast<char>((syntax == "ndr64" ? 1 : 0) | (order == "be" ? 2 : 0));
      for (std::size_t k = 0; hex != "-" && k + 1 < hex.size(); k += 2)
        bytes += static_cast<char>(std::stoi(hex.substr(k, 2), nullptr, 16));
      std::ofstream(std::string(argv[2]) + "/" + label, std::ios::binary) << bytes;
      ++written;
    }
  }
  std::printf("wrote %d seeds\n", written);
  return written > 0 ? 0 : 1;
}
