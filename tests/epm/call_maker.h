// ServerCalls for the service tests: a ServerCore with one raw interface whose handler hands each
// dispatched call back to the test, on the association and transport the test names.
#pragma once

#include <string>

#include "nca/rpc/server.h"

namespace epmtest {

class CallMaker {
 public:
  CallMaker() { core.register_interface({&spec_, handlers_, &held_}); }

  nca::rpc::ServerCall call(nca::rpc::AssociationId association, std::string transport = "ncacn_ip_tcp") {
    nca::rpc::ServerRequest r;
    r.interface = spec_.id;
    r.caller = {std::move(transport), "", association};
    r.transfer = nca::rpc::kNdr20;
    core.dispatch(std::move(r), [this](nca::rpc::ServerReply) { ++replies; });
    return std::move(held_);
  }

  nca::rpc::ServerCore core;
  int replies = 0;

 private:
  static void keep(void* impl, nca::rpc::ServerCall call) { *static_cast<nca::rpc::ServerCall*>(impl) = std::move(call); }
  static constexpr nca::rpc::OperationSpec kOps[] = {nca::rpc::raw_operation("op", 0)};
  static constexpr nca::rpc::SyntaxId kSyntaxes[] = {nca::rpc::kNdr20};
  nca::rpc::InterfaceSpec spec_{"epmtest", {nca::rpc::Uuid::from_literal("a0a0a0a0-0000-4000-8000-000000000001"), 1, 0},
                                kSyntaxes, kOps, {}};
  nca::rpc::HandlerFn handlers_[1] = {keep};
  nca::rpc::ServerCall held_;
};

}  // namespace epmtest
