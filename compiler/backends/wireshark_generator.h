// WiresharkGenerator ("wireshark"): one Lua dissector per interface of the root files,
// `IFACE.lua`, that tshark/Wireshark 4.0 load with `-X lua_script:IFACE.lua` (no Wireshark
// rebuild). The file is the interface's operations and types as Lua tables, then a fixed NDR walk
// (wireshark_runtime.cpp) registered as a post-dissector: Wireshark 4.0's Lua API has no way to
// register on the DCE/RPC interface UUID ("dcerpc.uuid" has GUID keys, which DissectorTable:add
// does not take), so the walk follows binds to learn which context ids carry the interface and
// in which transfer syntax, and dissects the stub data of their requests and responses.
//
// Contract: every field of every stub is shown with its IDL name (a string field
// `IFACE.NAME`, filterable: `rpcecho.in_data == "41"`; `ncaidl_IFACE.NAME` when Wireshark has a
// protocol called IFACE already, as it has `mgmt`). Constructs the walk does not handle yet
// (pidl relative pointers, subcontexts, pipes, pidl strings and DATA_BLOBs, COM interface
// pointers, C-side expressions) are written as "unsupported" levels: dissecting a stub that
// reaches one shows an `IFACE.error` item naming it instead of guessing.
#pragma once

#include "backends/generator.h"

namespace nca::idl::backends {

class WiresharkGenerator final : public Generator {
 public:
  std::string_view name() const override { return "wireshark"; }
  bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                DiagnosticEngine& diags) const override;
};

// The NDR walk appended to every generated dissector (wireshark_runtime.cpp).
const char* wireshark_lua_runtime();

}  // namespace nca::idl::backends
