#include "nca/rpc/print_interceptor.h"

#include <iostream>
#include <string>

namespace nca::rpc {

PrintInterceptor::PrintInterceptor() : out_(&std::cerr) {}

namespace {
std::string_view name_of(const CallInfo& call) {
  return call.operation ? call.operation->name : std::string_view("(unknown operation)");
}
}  // namespace

std::unique_ptr<CallSpan> PrintInterceptor::before(const CallInfo& call) {
  if (call.args && call.operation && call.operation->print_in)
    *out_ << call.operation->print_in(call.args);
  else
    *out_ << name_of(call) << ": [in] not decoded (raw stub data, " << call.request_bytes
          << " bytes)\n";
  out_->flush();
  return nullptr;
}

void PrintInterceptor::after(const CallInfo& call, CallSpan*) {
  if (!call.status.ok())
    *out_ << name_of(call) << ": failed: " << to_string(call.status) << '\n';
  else if (call.args && call.operation && call.operation->print_out)
    *out_ << call.operation->print_out(call.args);
  else
    *out_ << name_of(call) << ": [out] not decoded (raw stub data, " << call.response_bytes
          << " bytes)\n";
  out_->flush();
}

}  // namespace nca::rpc
