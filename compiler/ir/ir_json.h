// The IR's JSON form (`ncaidl --dump-ir`): nlohmann's ordered_json, members in declaration order.
//
// The form is stable enough for golden tests: no source positions, no pointers, file paths as
// base names. Integers that fit int64 or uint64 are JSON numbers.
#pragma once

#include <nlohmann/json.hpp>

#include "ir/ir.h"

namespace nca::idl::ir {

nlohmann::ordered_json to_json(const Program& program);
nlohmann::ordered_json to_json(const Element& element);
nlohmann::ordered_json to_json(const Expr& expr);

}  // namespace nca::idl::ir
