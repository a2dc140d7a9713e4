#include "server.h"

#include "context_objects.h"
#include "nca/rpc/binding.h"
#include "ncarpc_py/bindings.h"
#include "runtime_thread.h"

namespace ncapy {

namespace py = pybind11;

PyServer::PyServer(py::object asyncio_loop) : loop_(std::move(asyncio_loop)) {
  RuntimeThread& rt = RuntimeThread::get();
  rt.run([&] {
    core_ = std::make_shared<nca::rpc::ServerCore>();
    server_ = std::make_unique<nca::rpc::cn::Server>(rt.loop(), *core_);
  });
}

PyServer::~PyServer() {
  if (!closed_) {
    // The services (Python objects) must go with the GIL, the engine on its thread.
    auto core = std::move(core_);
    auto server = std::shared_ptr<nca::rpc::cn::Server>(std::move(server_));
    RuntimeThread::get().post([core, server]() mutable {
      server->close();
      server.reset();
      core.reset();
    });
  }
}

void PyServer::register_service(py::object service) {
  auto& reg = service.cast<Registrable&>();
  if (closed_) raise("Error", "the server is closed");
  reg.host = this;
  bool ok = false;
  RuntimeThread::get().run([&] { ok = core_->register_interface(reg.server_interface()); });
  if (!ok) raise("Error", "an interface with this UUID and major version is already registered");
  services_.push_back(std::move(service));
}

std::string PyServer::listen(const std::string& text) {
  if (closed_) raise("Error", "the server is closed");
  auto parsed = nca::rpc::Binding::parse_listen(text);
  if (!parsed) throw py::value_error("binding '" + text + "': " + parsed.error().to_string());
  nca::rpc::Binding b = parsed.value();
  std::optional<nca::net::Address> bound;
  std::string error;
  RuntimeThread::get().run([&] {
    auto r = server_->listen(b);
    if (r) bound = r.value();
    else error = r.status().message();
  });
  if (!bound) raise("TransportError", "listen on '" + text + "': " + error);
  if (b.protseq() == nca::rpc::Protseq::kNcalrpc) return "ncalrpc:[" + b.endpoint().value_or("") + "]";
  std::string host = bound->ip();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "ncacn_ip_tcp:" + host + "[" + std::to_string(bound->port()) + "]";
}

void PyServer::close() {
  if (closed_) return;
  closed_ = true;
  // The core stays until the last local handle on it is gone (Connection keeps it), so the
  // services, which go now, are unregistered from it first: later calls get nca_s_unk_if.
  std::vector<nca::rpc::SyntaxId> ids;
  for (auto& svc : services_) ids.push_back(svc.cast<Registrable&>().server_interface().spec->id);
  RuntimeThread::get().run([&] {
    for (const auto& id : ids) core_->unregister_interface(id);
    server_->close();
    server_.reset();
    core_.reset();
  });
  for (auto& s : services_) s.cast<Registrable&>().host = nullptr;
  services_.clear();
}

size_t PyServer::connection_count() {
  size_t n = 0;
  if (!closed_) RuntimeThread::get().run([&] { n = server_->connection_count(); });
  return n;
}

std::optional<py::tuple> PyServer::contexts_in(nca::rpc::ServerCall& call, py::tuple ins,
                                               Received& received) {
  return python_contexts_in(call, std::move(ins), received);
}

py::object PyServer::contexts_out(nca::rpc::ServerCall& call, py::object result,
                                  const Received& received) {
  return python_contexts_out(call, std::move(result), received);
}

void PyServer::post(std::function<void()> fn) { RuntimeThread::get().post(std::move(fn)); }

}  // namespace ncapy
