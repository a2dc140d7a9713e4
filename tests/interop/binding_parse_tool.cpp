// Reads binding strings, one per line, from stdin and prints for each either
// "OK <to_string()>" or "ERR <column> <message>". Used by binding_vs_samba.py
// to compare our parser's verdicts with Samba's. With --listen it uses
// Binding::parse_listen (the servers' listen form) instead of Binding::parse.
#include "nca/rpc/binding.h"

#include <iostream>
#include <string>

int main(int argc, char** argv) {
  const bool listen = argc > 1 && std::string(argv[1]) == "--listen";
  std::string line;
  while (std::getline(std::cin, line)) {
    auto r = listen ? nca::rpc::Binding::parse_listen(line) : nca::rpc::Binding::parse(line);
    if (r) {
      std::cout << "OK " << r.value().to_string() << '\n';
    } else {
      std::cout << "ERR " << r.error().column << ' ' << r.error().message << '\n';
    }
  }
  return 0;
}
