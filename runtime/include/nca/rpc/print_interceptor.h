// PrintInterceptor: what Samba's `print` binding option does: each call's decoded [in]
// arguments before it starts and its [out] arguments (or its failure) when it ends, printed by
// the generated printers (OperationSpec::print_in/print_out, ndr_print's layout). A binding
// string with `print` (ncacn_ip_tcp:host[5000,print]) puts one on the client handle
// (MarshallingHandle::set_binding); a server adds one with ServerCore::add_interceptor.
#pragma once

#include <iosfwd>
#include <memory>

#include "nca/rpc/interceptor.h"

namespace nca::rpc {

class PrintInterceptor final : public CallInterceptor {
 public:
  // Writes to `out` (default: standard error), which must outlive the interceptor.
  PrintInterceptor();
  explicit PrintInterceptor(std::ostream& out) : out_(&out) {}

  std::unique_ptr<CallSpan> before(const CallInfo& call) override;
  void after(const CallInfo& call, CallSpan* span) override;

 private:
  std::ostream* out_;
};

}  // namespace nca::rpc
