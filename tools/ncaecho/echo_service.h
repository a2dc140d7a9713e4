// ncaecho::EchoService: the rpcecho server behaviour of Samba's echo server, on the generated
// rpcecho::Service. Shared by ncaecho-server, ncaecho-client (in process), the stub tests and
// the benchmark (library target ncaecho_impl).
//
// TestSleep is asynchronous: it keeps its call and completes it from an executor timer, so other
// calls are served meanwhile and may complete before it.
#pragma once

#include <cstdint>
#include <memory>

#include "nca/rpc/executor.h"
#include "rpcecho_server.h"

namespace ncaecho {

class EchoService final : public rpcecho::Service {
 public:
  // `executor` runs TestSleep's timers; it must outlive the service.
  explicit EchoService(nca::rpc::Executor& executor) : executor_(executor) {}

  // How many TestSleep calls are waiting for their timer.
  uint32_t sleeping() const { return *sleeping_; }

  void echo_AddOne(nca::rpc::OpCall<rpcecho::echo_AddOne>& call, uint32_t& in_data,
                   uint32_t& out_data) override;
  void echo_EchoData(nca::rpc::OpCall<rpcecho::echo_EchoData>& call, uint32_t& len,
                     decltype(rpcecho::echo_EchoData::In::in_data)& in_data,
                     decltype(rpcecho::echo_EchoData::Out::out_data)& out_data) override;
  void echo_SinkData(nca::rpc::OpCall<rpcecho::echo_SinkData>& call, uint32_t& len,
                     decltype(rpcecho::echo_SinkData::In::data)& data) override;
  void echo_SourceData(nca::rpc::OpCall<rpcecho::echo_SourceData>& call, uint32_t& len,
                       decltype(rpcecho::echo_SourceData::Out::data)& data) override;
  void echo_TestCall(nca::rpc::OpCall<rpcecho::echo_TestCall>& call,
                     decltype(rpcecho::echo_TestCall::In::s1)& s1,
                     decltype(rpcecho::echo_TestCall::Out::s2)& s2) override;
  nca::ndr::NtStatus echo_TestCall2(nca::rpc::OpCall<rpcecho::echo_TestCall2>& call, uint16_t& level,
                                    decltype(rpcecho::echo_TestCall2::Out::info)& info) override;
  void echo_TestSleep_async(nca::rpc::OpCall<rpcecho::echo_TestSleep> call) override;
  void echo_TestSurrounding(nca::rpc::OpCall<rpcecho::echo_TestSurrounding>& call,
                            decltype(rpcecho::echo_TestSurrounding::Out::data)& data) override;
  uint16_t echo_TestDoublePointer(nca::rpc::OpCall<rpcecho::echo_TestDoublePointer>& call,
                                  decltype(rpcecho::echo_TestDoublePointer::In::data)& data) override;
  void echo_TestEnum(nca::rpc::OpCall<rpcecho::echo_TestEnum>& call,
                     decltype(rpcecho::echo_TestEnum::Out::foo1)& foo1,
                     decltype(rpcecho::echo_TestEnum::Out::foo2)& foo2,
                     decltype(rpcecho::echo_TestEnum::Out::foo3)& foo3) override;

 private:
  nca::rpc::Executor& executor_;
  // Shared with pending timers, so a timer that fires after the service is gone touches nothing
  // of it (its call then completes into a server that may be gone too: harmless, see server.h).
  std::shared_ptr<uint32_t> sleeping_ = std::make_shared<uint32_t>(0);
};

}  // namespace ncaecho
