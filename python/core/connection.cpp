#include "connection.h"

#include <utility>

#include "runtime_thread.h"

namespace ncapy {

Connection::Connection(std::function<std::unique_ptr<nca::rpc::BindingHandle>()> make,
                       std::chrono::milliseconds default_timeout, std::string description,
                       std::shared_ptr<void> keep)
    : state_(std::make_shared<State>()),
      default_timeout_(default_timeout),
      description_(std::move(description)) {
  state_->keep = std::move(keep);
  RuntimeThread::get().run([&] { state_->handle = make(); });
}

Connection::~Connection() {
  // Never wait here: the last reference may go on the runtime thread itself (a completion) or
  // during interpreter shutdown. The handle is destroyed on its own thread.
  RuntimeThread::get().post([state = state_] { state->release(); });
}

void Connection::start(const nca::rpc::InterfaceSpec& iface, const nca::rpc::OperationSpec& op,
                       void* args, std::chrono::milliseconds timeout, Done done) {
  if (timeout.count() == 0) timeout = default_timeout_;
  RuntimeThread::get().post([state = state_, &iface, &op, args, timeout, done = std::move(done)] {
    if (!state->handle) return done(nca::rpc::Status::cancelled("the binding handle is closed"));
    nca::rpc::CallOptions options;
    options.timeout = timeout;
    state->handle->call(iface, op, args, options, [done](nca::rpc::Status st) { done(std::move(st)); });
  });
}

void Connection::close() {
  closed_ = true;
  RuntimeThread::get().run([&] { state_->release(); });
}

bool Connection::closed() const { return closed_; }

}  // namespace ncapy
