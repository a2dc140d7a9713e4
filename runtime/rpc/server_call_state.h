// What a ServerCall owns. Private to nca::rpc.
#pragma once

#include "nca/rpc/server.h"

namespace nca::rpc::detail {

struct ServerCallState {
  ServerCore* server = nullptr;
  const InterfaceSpec* interface = nullptr;
  const OperationSpec* operation = nullptr;
  uint16_t opnum = 0;
  Uuid object;
  CallerContext caller;
  std::optional<SyntaxId> transfer;  // nullopt: a local call, the reply hands `args` back
  ArgsBox args;
  ReplySink reply;
  std::shared_ptr<CallCancel> cancel;  // never null
  Bytes reply_buffer;  // ServerRequest::reply_buffer, until the [out]s are marshalled into it
  Bytes spent;         // the request's stub memory once unmarshalled (ServerReply::spent)
};

}  // namespace nca::rpc::detail
