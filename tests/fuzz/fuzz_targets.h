// Every pull entry point of the shipped IDL (through the ncadump tables of nca_idl), numbered,
// for the fuzz harness and its corpus writer.
//
// Input format of one fuzz case: byte 0-1 the target index (little-endian, modulo the count),
// byte 2 flags (bit 0 NDR64, bit 1 big-endian), then the NDR bytes.
#pragma once

#include <string>
#include <vector>

#include "ncadump/builtin_modules.h"
#include "ncadump/module.h"

namespace fuzz {

struct Target {
  const ncadump::Entry* entry;
  ncadump::Direction dir;
  std::string file, name, kind;  // kind: in, out, struct
};

inline const std::vector<Target>& targets() {
  static const std::vector<Target> all = [] {
    std::vector<Target> t;
    for (const auto* m : ncadump::builtin_modules())
      for (const auto& i : m->interfaces) {
        for (const auto& e : i.functions) {
          t.push_back({&e, ncadump::Direction::in, std::string(m->file), std::string(e.name), "in"});
          t.push_back({&e, ncadump::Direction::out, std::string(m->file), std::string(e.name), "out"});
        }
        for (const auto& e : i.types)
          t.push_back({&e, ncadump::Direction::in, std::string(m->file), std::string(e.name), "struct"});
      }
    return t;
  }();
  return all;
}

}  // namespace fuzz
