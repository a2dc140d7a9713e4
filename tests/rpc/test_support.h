// Small helpers shared by the rpc tests.
#pragma once

#include "nca/rpc/binding_handle.h"
#include "nca/rpc/server.h"
#include "test_interface.h"

namespace testsupport {

using namespace nca::rpc;

// Records how a call ended and how many times its completion ran.
struct Outcome {
  int runs = 0;
  Status status;
  BindingHandle::Done done() {
    return [this](Status s) {
      ++runs;
      status = std::move(s);
    };
  }
};

inline Bytes u32(uint32_t v) {
  Bytes b;
  testecho::ndr::put_u32(b, v);
  return b;
}

// A one-operation interface of raw stub data with a handler of the test's own.
struct RawInterface {
  static constexpr OperationSpec kOps[] = {raw_operation("raw_op", 0)};
  static constexpr SyntaxId kSyntaxes[] = {kNdr20};
  InterfaceSpec spec;
  HandlerFn handlers[1];
  RawInterface(Uuid id, HandlerFn handler) : spec{"raw", {id, 1, 0}, kSyntaxes, kOps, {}}, handlers{handler} {}
  ServerInterface registration(void* impl = nullptr) const { return {&spec, handlers, impl}; }
};

// A handler that keeps its call in the ServerCall its `impl` points to, for the test to finish.
inline void keep_call(void* impl, ServerCall call) { *static_cast<ServerCall*>(impl) = std::move(call); }

}  // namespace testsupport
