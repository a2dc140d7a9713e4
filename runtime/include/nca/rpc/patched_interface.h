// PatchedInterface: a generated interface served with some operations replaced by raw ones (stub
// data in, stub data out), for operations whose peers disagree on the request's shape: mgmt
// inq_stats (4 or 8 bytes, rpc/mgmt_server) and epmapper ept_inq_object (C706's empty request or
// Samba's 16-byte one, nca::epm). The raw handlers get the generated Service as `impl`, like the
// generated stubs, and read and write the call's RawArgs (raw_args below).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "nca/rpc/interface.h"
#include "nca/rpc/server.h"

namespace nca::rpc {

class PatchedInterface {
 public:
  // Copies the generated spec and dispatch table; `raw` lists (opnum, handler) to replace. The
  // raw codecs are NDR20, so the interface is offered with NDR20 only.
  struct RawOp {
    uint16_t opnum;
    std::string_view name;
    HandlerFn handler;
  };
  PatchedInterface(const InterfaceSpec& base, std::span<const HandlerFn> handlers, std::span<const RawOp> raw);
  PatchedInterface(const PatchedInterface&) = delete;
  PatchedInterface& operator=(const PatchedInterface&) = delete;

  ServerInterface server_interface(void* impl) const { return {&spec_, handlers_, impl}; }
  const InterfaceSpec& spec() const { return spec_; }

 private:
  std::vector<OperationSpec> operations_;
  std::vector<HandlerFn> handlers_;
  InterfaceSpec spec_;
};

// The RawArgs of a raw operation's call.
inline RawArgs& raw_args(ServerCall& call) { return *static_cast<RawArgs*>(call.args()); }

}  // namespace nca::rpc
