// ncarpc.Server's C++ side: a ServerCore and a connection-oriented nca::rpc::cn::Server on the
// runtime thread, serving the generated service adapters registered with it (their Python
// implementations run with the GIL; `async def` handlers on the asyncio loop given here).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "nca/rpc/cn/server.h"
#include "nca/rpc/server.h"
#include "ncarpc_py/runtime_api.h"

namespace ncapy {

class PyServer final : public ServiceHost {
 public:
  // `asyncio_loop`: a running asyncio loop (on a thread of its own) for coroutine handlers.
  explicit PyServer(pybind11::object asyncio_loop);
  ~PyServer() override;

  // Registers a generated `<interface>_service` object; it is kept alive until close().
  void register_service(pybind11::object service);
  // Listens on a binding ("ncacn_ip_tcp:127.0.0.1[0]", "ncalrpc:[NAME]"); returns the binding
  // clients connect to (the port the kernel chose filled in).
  std::string listen(const std::string& binding);
  void close();

  // Shared with the local handles made on it, which must not outlive it.
  std::shared_ptr<nca::rpc::ServerCore> core() { return core_; }
  size_t connection_count();

  void post(std::function<void()> fn) override;
  void* asyncio_loop() override { return loop_.ptr(); }
  std::optional<pybind11::tuple> contexts_in(nca::rpc::ServerCall& call, pybind11::tuple ins,
                                             Received& received) override;
  pybind11::object contexts_out(nca::rpc::ServerCall& call, pybind11::object result,
                                const Received& received) override;

 private:
  pybind11::object loop_;
  std::shared_ptr<nca::rpc::ServerCore> core_;
  std::unique_ptr<nca::rpc::cn::Server> server_;
  std::vector<pybind11::object> services_;
  bool closed_ = false;
};

}  // namespace ncapy
