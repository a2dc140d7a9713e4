// MgmtServer: the management interface (idl/mgmt.idl) served through the generated mgmt stubs
// over a MgmtService, registered on a ServerCore. It needs nothing but the core, so any protocol
// engine serves mgmt by creating one for the core it dispatches to: the cn engine's Server does
// unless ServerConfig::management_interface is off, and a server of any other engine (or a test
// on a bare core) may do the same. inq_stats is a raw operation (4- and 8-byte requests, see
// mgmt.h); the interface is offered with NDR20 only.
//
// inq_stats reports the ServerCore's CallStats: calls received (dispatched), calls the
// process initiated through client handles given those stats, and the PDUs the engines serving
// the core received and sent.
//
// Library: nca_rpc_mgmt (it links the generated mgmt stubs, which nca_rpc itself does not).
// Threading: the ServerCore's thread. Lifetime: the ServerCore outlives the server; destruction
// unregisters mgmt.
#pragma once

#include <memory>

#include "nca/rpc/mgmt.h"
#include "nca/rpc/server.h"

namespace nca::rpc {

class MgmtServer {
 public:
  explicit MgmtServer(ServerCore& core, MgmtService::Options options = {});
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

}  // namespace nca::rpc
