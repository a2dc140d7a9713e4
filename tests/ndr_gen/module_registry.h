// The ncadump tables of the generated code under generated/ (nca_idl), by IDL file stem.
#pragma once

#include <string_view>

#include "ncadump/module.h"

extern "C" const ncadump::Module* ncadump_module_misc();
extern "C" const ncadump::Module* ncadump_module_rpcecho();
extern "C" const ncadump::Module* ncadump_module_mgmt();

namespace ndr_gen_test {

inline const ncadump::Entry* find_entry(std::string_view file, std::string_view name, bool function) {
  const ncadump::Module* mods[] = {ncadump_module_misc(), ncadump_module_rpcecho(),
                                   ncadump_module_mgmt()};
  for (const auto* m : mods) {
    if (m->file != file) continue;
    for (const auto& i : m->interfaces)
      for (const auto& e : function ? i.functions : i.types)
        if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace ndr_gen_test
