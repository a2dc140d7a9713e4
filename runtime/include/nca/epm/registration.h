// A server's registration with the endpoint mapper: the entries of the interfaces it serves at
// the bindings it listens on, inserted with ept_insert over a handle to the mapper that it keeps
// while it serves, and removed with ept_delete when it stops (RpcEpRegister / RpcEpUnregister).
//
// Liveness: our mapper (EpmapperServer, ncaepmd) owns every insert by the association it arrived
// on, so the handle's open connection is what keeps the entries there; a server that dies without
// deregistering loses them when the kernel closes its socket. Inserts do not replace
// (RpcEpRegisterNoReplace): several instances may serve one interface side by side.
//
// The registration knows no protocol engine: it is handed the handle to the mapper (a
// cn::ClientHandle to mapper_binding(), mapper_resolver.h, today).
//
// Threading: the executor's thread, the handle's. The executor outlives the registration.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nca/epm/database.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/binding_handle.h"
#include "nca/rpc/executor.h"

namespace nca::epm {

// The entries of `interface` (NDR20) at each of `listening` (bindings as clients reach them,
// with their endpoints): one per binding with a tower form, nil object, `annotation`. IPv6
// bindings are skipped: towers have no IPv6 floor (C706, Windows).
std::vector<Entry> server_entries(std::span<const rpc::Binding> listening, const rpc::SyntaxId& interface,
                                  const std::string& annotation);

class Registration {
 public:
  // `mapper`: a handle to the endpoint mapper on `executor`; `options`: per call (timeout).
  Registration(rpc::Executor& executor, std::unique_ptr<rpc::BindingHandle> mapper, std::vector<Entry> entries,
               rpc::CallOptions options = {});
  // Releases the handle if it is still held, without ept_delete: the mapper drops the entries
  // when it sees the association close.
  ~Registration();
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

  // ept_insert of the entries. `done` runs once, later: ok, or the failure (the call's Status,
  // or kind protocol with the mapper's status word as its code).
  void insert(rpc::UniqueFunction<void(rpc::Status)> done);
  // ept_delete of the entries, then the handle is released (from a posted task, never inside its
  // own completion) and the connection closes. `done` as for insert(), after the release is
  // posted. Without a handle (removed before) `done` gets ok.
  void remove(rpc::UniqueFunction<void(rpc::Status)> done);

  const std::vector<Entry>& entries() const { return entries_; }
  // Whether the handle to the mapper is still held.
  bool holds_handle() const { return mapper_ != nullptr; }

 private:
  rpc::Executor& executor_;
  std::shared_ptr<rpc::BindingHandle> mapper_;
  std::vector<Entry> entries_;
  rpc::CallOptions options_;
};

}  // namespace nca::epm
