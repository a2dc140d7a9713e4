// Reads binding strings, one per line, from stdin and prints for each either
// "OK <to_string()>" or "ERR <column> <message>". Used by binding_vs_samba.py
// to compare our parser's verdicts with Samba's.
#include "nca/rpc/binding.h"

#include <iostream>
#include <string>

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    auto r = nca::rpc::Binding::parse(line);
    if (r) {
      std::cout << "OK " << r.value().to_string() << '\n';
    } else {
      std::cout << "ERR " << r.error().column << ' ' << r.error().message << '\n';
    }
  }
  return 0;
}
