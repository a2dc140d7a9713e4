// The ncadump tables of the generated code under generated/ (nca_idl), by IDL file stem.
#pragma once

#include <string_view>

#include "ncadump/builtin_modules.h"
#include "ncadump/module.h"

namespace ndr_gen_test {

inline const ncadump::Entry* find_entry(std::string_view file, std::string_view name, bool function) {
  for (const auto* m : ncadump::builtin_modules()) {
    if (m->file != file) continue;
    for (const auto& i : m->interfaces)
      for (const auto& e : function ? i.functions : i.types)
        if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace ndr_gen_test
