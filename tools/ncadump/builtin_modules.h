// The ncadump tables linked into ncadump: one per IDL file under idl/ that generated/ builds
// (the list is written by tools/ncadump/CMakeLists.txt from NCA_IDL_FILES).
#pragma once

#include <vector>

#include "ncadump/module.h"

namespace ncadump {
std::vector<const Module*> builtin_modules();
}  // namespace ncadump
