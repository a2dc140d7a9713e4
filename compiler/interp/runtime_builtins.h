// Runtime-marshalled pidl built-ins (ir::WireKind::runtime) in the interpreter: the same
// nca::ndr::samba::push_NAME / pull_NAME calls generated code makes, with the values converted
// to and from JSON as generated to_json/from_json convert the builtin's C++ type (a plain
// nlohmann conversion: DomSid through nca::ndr::samba::to_json/from_json, strings as JSON
// strings, string_array as an array of strings, the integers as numbers).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ir/ir.h"
#include "nca/ndr/pull.h"
#include "nca/ndr/push.h"

namespace nca::interp::detail {

// Pushes v as builtin b with libndr flags `flags`. False when the runtime has no such builtin
// (the caller refuses it); throws nlohmann::json::exception or std::invalid_argument (a message
// without the path) when v does not convert to the builtin's C++ type.
bool push_runtime_builtin(ndr::Push& p, const idl::ir::Builtin& b, const nlohmann::json& v, std::uint32_t flags);
// Pulls builtin b into v (left unchanged after a pull error recorded in p). False when the
// runtime has no such builtin.
bool pull_runtime_builtin(ndr::Pull& p, const idl::ir::Builtin& b, nlohmann::json& v, std::uint32_t flags);

// The JSON of the builtin's C++ type default-constructed (an all-zero SID, "", [], 0): what
// `ncacall describe` shows as its example. Null JSON when the runtime has no such builtin.
nlohmann::json runtime_builtin_example(const idl::ir::Builtin& b);

}  // namespace nca::interp::detail
