// ncarpc.Connection: a binding handle for Python (the Channel of runtime_api.h) over a
// connection-oriented client handle (ncarpc.connect) or an in-process LocalHandle on a server
// (ncarpc.Server.local_handle). Several interfaces may share one: each client class made on it
// calls through the same handle (one association, one connection).
//
// Threading: the handle lives on the runtime thread; start() and close() may be called from any
// thread. Closing (or dropping the last reference) ends calls still in flight with Cancelled.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "nca/rpc/binding_handle.h"
#include "ncarpc_py/runtime_api.h"

namespace ncapy {

class Connection final : public Channel {
 public:
  // `make` builds the handle on the runtime thread.
  // `keep` (optional) is released on the runtime thread after the handle: what the handle uses
  // and must outlive it (the ServerCore of a local handle).
  Connection(std::function<std::unique_ptr<nca::rpc::BindingHandle>()> make,
             std::chrono::milliseconds default_timeout, std::string description,
             std::shared_ptr<void> keep = nullptr);
  ~Connection() override;

  void start(const nca::rpc::InterfaceSpec& iface, const nca::rpc::OperationSpec& op, void* args,
             std::chrono::milliseconds timeout, Done done) override;
  void close();
  bool closed() const;
  const std::string& description() const { return description_; }
  std::chrono::milliseconds default_timeout() const { return default_timeout_; }

 private:
  struct State {
    std::unique_ptr<nca::rpc::BindingHandle> handle;  // runtime thread only
    std::shared_ptr<void> keep;
    void release() {
      handle.reset();
      keep.reset();
    }
  };
  std::shared_ptr<State> state_;
  std::chrono::milliseconds default_timeout_;
  std::string description_;
  bool closed_ = false;
};

}  // namespace ncapy
