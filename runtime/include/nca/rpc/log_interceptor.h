// LogInterceptor: one line per call when it ends, as key=value words a person can read and a
// script can split:
//
//   rpc side=client binding=ncacn_ip_tcp:127.0.0.1[5000] interface=rpcecho opnum=0
//       op=echo_AddOne status=ok duration_us=182 request_bytes=4 response_bytes=4
//
// (one line; wrapped here). `status` is "ok" or the failure as to_string(Status) prints it, in
// double quotes when it has spaces. An unknown interface prints its UUID and version.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "nca/rpc/function.h"
#include "nca/rpc/interceptor.h"

namespace nca::rpc {

class LogInterceptor final : public CallInterceptor {
 public:
  using Sink = UniqueFunction<void(std::string_view line)>;
  // Each line (without its newline) goes to `sink`; by default to standard error.
  LogInterceptor();
  explicit LogInterceptor(Sink sink) : sink_(std::move(sink)) {}

  std::unique_ptr<CallSpan> before(const CallInfo& call) override;
  void after(const CallInfo& call, CallSpan* span) override;

  // The line after() writes for `call`.
  static std::string format(const CallInfo& call);

 private:
  Sink sink_;
};

}  // namespace nca::rpc
