// EpmapperServer: the endpoint mapper served through the generated epmapper stubs
// (idl/epmapper.idl) over an EndpointDatabase, registered on a ServerCore. ncaepmd is this plus
// a cn::Server; tests build it over any ServerCore.
//
// Liveness contract (how the mapper learns that a registrant is gone): with
// `own_by_association` (the default) every ept_insert is owned by the association it arrived
// on, and the entries are removed when that association closes — the last connection of its
// association group ends, whether by ept_delete + disconnect, by exit, or because the kernel
// closed the socket of a killed process. A registrant therefore keeps its connection to the
// mapper open for as long as it serves (ncaecho-server --epm does). Entries whose registrant is
// gone are never handed out by ept_lookup or ept_map, even through cursors opened before.
// Without `own_by_association`, EpmService's own rule applies (ncalrpc callers own, network
// inserts are unowned and stay until ept_delete).
//
// Threading: the ServerCore's thread. Lifetime: the ServerCore and the database outlive the
// server; destruction unregisters the interface.
#pragma once

#include <memory>

#include "nca/epm/database.h"
#include "nca/epm/service.h"
#include "nca/rpc/server.h"

namespace nca::epm {

class EpmapperServer {
 public:
  struct Options {
    EpmService::Options service;
    // Filled into ept_map's towers (the address clients reached the mapper at, when servers
    // registered 0.0.0.0, and the NetBIOS name).
    MapContext map_context;
    bool own_by_association = true;
  };

  EpmapperServer(rpc::ServerCore& core, EndpointDatabase& db) : EpmapperServer(core, db, Options{}) {}
  EpmapperServer(rpc::ServerCore& core, EndpointDatabase& db, Options options);
  ~EpmapperServer();
  EpmapperServer(const EpmapperServer&) = delete;
  EpmapperServer& operator=(const EpmapperServer&) = delete;

  // False if the core already served an epmapper interface (nothing was registered).
  bool registered() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace nca::epm
