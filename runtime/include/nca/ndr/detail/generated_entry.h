// The glue between generated NDR code and nca::rpc's marshalling entries (Interface::Operation's
// push/pull functions): transfer syntax selection and NDR status to rpc::Status. Included by
// generated `_ndr.cpp` files only; they link nca_ndr and nca_rpc (GENERATED_CODE.md).
#pragma once

#include <cstdint>

#include "nca/ndr/ndr.h"
#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

namespace nca::ndr::gen {

// The NDR syntax of a negotiated transfer syntax; false for one this code does not speak.
inline bool syntax_of(const rpc::SyntaxId& ts, Syntax& out) {
  if (ts == rpc::kNdr20) {
    out = Syntax::ndr20;
    return true;
  }
  if (ts == rpc::kNdr64) {
    out = Syntax::ndr64;
    return true;
  }
  return false;
}

inline rpc::Status bad_syntax() {
  return rpc::Status::ndr(0xffff, "transfer syntax not supported by this stub");
}

inline rpc::Status status(const Status& s) {
  if (s.ok()) return {};
  return rpc::Status::ndr(static_cast<std::uint32_t>(s.code), s.to_string());
}

// Appends what `p` wrote to `out`, or reports why it failed.
inline rpc::Status finish(const Push& p, rpc::Bytes& out) {
  if (!p.ok()) return status(p.status());
  auto b = p.bytes();
  out.insert(out.end(), b.begin(), b.end());
  return {};
}

}  // namespace nca::ndr::gen
