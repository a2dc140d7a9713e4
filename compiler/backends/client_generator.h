// The client stub generator ("client"): for foo.idl, foo_client.h (and the shared foo_rpc.h).
//
// Per interface X, `X::Client` wraps a BindingHandle and offers, for every operation Op:
//   Result  Op(ins...)                          synchronous: runs the caller's loop until done
//   CallId  Op_async(ins..., done)              asynchronous: `done(Result)` runs once, later
//   Awaitable Op_co(ins...)                     C++20: `Result r = co_await client.Op_co(...)`
// [in] values are taken by value (move them in), and Result is nca::rpc::Status (no [out]s),
// nca::rpc::Result<T> (one [out] or just a return value) or nca::rpc::Result<Op::Out> (several).
// Header-only: the calls are a few lines over BindingHandle::call.
#pragma once

#include "backends/generator.h"

namespace nca::idl::backends {

class ClientGenerator final : public Generator {
 public:
  std::string_view name() const override { return "client"; }
  bool generate(const ir::Program& program, const GeneratorOptions& options, Output& out,
                DiagnosticEngine& diags) const override;
};

}  // namespace nca::idl::backends
