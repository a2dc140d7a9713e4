// What ncadump knows about an interface: a table the DumpGenerator emits per IDL file
// (foo_dump.cpp, GENERATED_CODE.md), type-erased so that one ncadump serves every interface and
// can load more from a shared object at run time.
//
// Contract: tables are constant data with static storage; the function pointers are plain
// functions of the generated code. `create` returns a default value that `destroy` frees. For a
// function entry, Direction::in/out selects the shape; pulling `out` may read the `in` values
// (sizes, switches) that an earlier pull of `in` into the same value left there. For a type
// entry the Direction is ignored (both NDR passes of the type at the current offset).
#pragma once

#include <span>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace nca::ndr {
class Push;
class Pull;
class Printer;
}  // namespace nca::ndr

namespace ncadump {

enum class Direction { in, out };

struct Entry {
  std::string_view name;
  void* (*create)();
  void (*destroy)(void* value);
  bool (*pull)(nca::ndr::Pull& p, Direction d, void* value);
  void (*push)(nca::ndr::Push& p, Direction d, const void* value);
  void (*print)(nca::ndr::Printer& pr, Direction d, const void* value);
  void (*to_json)(nlohmann::json& j, Direction d, const void* value);
  void (*from_json)(const nlohmann::json& j, Direction d, void* value);
};

struct Interface {
  std::string_view name;
  std::string_view uuid;  // empty for a types-only interface
  std::span<const Entry> functions;  // in opnum order
  std::span<const Entry> types;      // structures, by IDL name
};

struct Module {
  std::string_view file;  // the IDL file's stem
  std::span<const Interface> interfaces;
};

// Each generated foo_dump.cpp defines `extern "C" const ncadump::Module* ncadump_module_foo()`
// (C linkage, so `ncadump --load LIB.so[:foo]` finds it with dlsym).
using ModuleFn = const Module* (*)();

}  // namespace ncadump
