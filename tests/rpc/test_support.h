// Small helpers shared by the rpc tests.
#pragma once

#include "nca/rpc/binding_handle.h"
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

}  // namespace testsupport
