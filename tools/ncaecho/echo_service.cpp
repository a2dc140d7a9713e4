// The rpcecho behaviour (see echo_service.h). The values are those Samba's echo server answers
// with, so a client sees the same results from either server.
#include "echo_service.h"

#include <chrono>
#include <utility>

#include "pointers.h"

namespace ncaecho {

using nca::rpc::OpCall;

void EchoService::echo_AddOne(OpCall<rpcecho::echo_AddOne>&, uint32_t& in_data, uint32_t& out_data) {
  out_data = in_data + 1;  // wraps at 2^32, as uint32 arithmetic does on every server
}

void EchoService::echo_EchoData(OpCall<rpcecho::echo_EchoData>&, uint32_t&,
                                decltype(rpcecho::echo_EchoData::In::in_data)& in_data,
                                decltype(rpcecho::echo_EchoData::Out::out_data)& out_data) {
  // The [in] buffer is the server's own copy (or, through the local handle, moved from the
  // caller): moving it out costs nothing.
  out_data = std::move(in_data);
}

void EchoService::echo_SinkData(OpCall<rpcecho::echo_SinkData>&, uint32_t&,
                                decltype(rpcecho::echo_SinkData::In::data)&) {}

void EchoService::echo_SourceData(OpCall<rpcecho::echo_SourceData>&, uint32_t& len,
                                  decltype(rpcecho::echo_SourceData::Out::data)& data) {
  auto& bytes = filled(data);
  bytes.resize(len);
  for (uint32_t i = 0; i < len; ++i) bytes[i] = static_cast<uint8_t>(i & 0xff);
}

void EchoService::echo_TestCall(OpCall<rpcecho::echo_TestCall>&, decltype(rpcecho::echo_TestCall::In::s1)& s1,
                                decltype(rpcecho::echo_TestCall::Out::s2)& s2) {
  if (const auto* text = innermost(s1)) filled(s2) = *text;
}

nca::ndr::NtStatus EchoService::echo_TestCall2(OpCall<rpcecho::echo_TestCall2>& call, uint16_t& level,
                                               decltype(rpcecho::echo_TestCall2::Out::info)& info) {
  auto& u = filled(info);
  switch (level) {
    case 1: u.set_info1().v = 10; break;
    case 2: u.set_info2().v = 20; break;
    case 3: u.set_info3().v = 30; break;
    case 4: u.set_info4().v = 40; break;
    case 5: {
      auto& i = u.set_info5();
      i.v1 = 50;
      i.v2 = 60;
      break;
    }
    case 6: {
      auto& i = u.set_info6();
      i.v1 = 70;
      i.info1.v = 80;
      break;
    }
    case 7: {
      auto& i = u.set_info7();
      i.v1 = 80;
      i.info4.v = 90;
      break;
    }
    default:
      // Samba answers NT_STATUS_INVALID_LEVEL with an empty union, which its own stubs then fail
      // to marshal. A level without an arm is refused here, so that the local handle (which does
      // not marshal) and the marshalling handles give the client the same answer.
      call.fault(nca::rpc::Fault(nca::rpc::FaultCode::fault_invalid_tag, "echo_TestCall2: no arm for this level"));
      return nca::ndr::NtStatus{0xc0000148};  // NT_STATUS_INVALID_LEVEL, not sent
  }
  return nca::ndr::status::kOk;
}

void EchoService::echo_TestSleep_async(OpCall<rpcecho::echo_TestSleep> call) {
  uint32_t seconds = call.args().in.seconds;
  ++*sleeping_;
  executor_.start_timer(std::chrono::seconds(seconds),
                        [call = std::move(call), seconds, sleeping = sleeping_]() mutable {
                          --*sleeping;
                          call.args().out.result = seconds;
                          call.complete();
                        });
}

void EchoService::echo_TestEnum(OpCall<rpcecho::echo_TestEnum>&, decltype(rpcecho::echo_TestEnum::Out::foo1)&,
                                decltype(rpcecho::echo_TestEnum::Out::foo2)&,
                                decltype(rpcecho::echo_TestEnum::Out::foo3)&) {
  // The three values travel back as they came (the stub moved them to the [out] side).
}

void EchoService::echo_TestSurrounding(OpCall<rpcecho::echo_TestSurrounding>&,
                                       decltype(rpcecho::echo_TestSurrounding::Out::data)& data) {
  auto& d = filled(data);
  d.x *= 2;
  d.surrounding.assign(d.x, 0);
}

uint16_t EchoService::echo_TestDoublePointer(OpCall<rpcecho::echo_TestDoublePointer>&,
                                             decltype(rpcecho::echo_TestDoublePointer::In::data)& data) {
  const auto* value = innermost(data);
  return value ? *value : 0;
}

}  // namespace ncaecho
