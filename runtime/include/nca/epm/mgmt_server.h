// MgmtServer: the management interface (idl/mgmt.idl) served through the generated mgmt stubs
// over a MgmtService, registered on a ServerCore. The cn engine's Server creates one for its
// core unless ServerConfig::management_interface is off, so every server offers mgmt without
// user code. inq_stats is a raw operation (4- and 8-byte requests, see mgmt.h); the interface is
// offered with NDR20 only.
//
// inq_stats reports the ServerCore's rpc::CallStats: calls received (dispatched), calls the
// process initiated through client handles given those stats, and the PDUs the engines serving
// the core received and sent.
//
// Threading: the ServerCore's thread. Lifetime: the ServerCore outlives the server; destruction
// unregisters mgmt.
#pragma once

#include <memory>

#include "nca/epm/mgmt.h"
#include "nca/rpc/server.h"

namespace nca::epm {

class MgmtServer {
 public:
  MgmtServer(rpc::ServerCore& core, MgmtService::Options options = {});
  ~MgmtServer();
  MgmtServer(const MgmtServer&) = delete;
  MgmtServer& operator=(const MgmtServer&) = delete;

  // False if the core already served mgmt (nothing was registered).
  bool registered() const;
  MgmtService& service();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace nca::epm
