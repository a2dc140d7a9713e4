#include "nca/rpc/cn/server_pool.h"

#include <algorithm>
#include <future>
#include <mutex>

namespace nca::rpc::cn {

namespace {

using Bound = net::Result<std::vector<net::Address>>;

}  // namespace

struct ServerPool::Impl {
  struct Worker {
    size_t index = 0;
    std::thread thread;
    std::mutex mutex;
    // Set by the worker while its loop takes posts (guarded by mutex).
    net::Loop* loop = nullptr;
    Thread* t = nullptr;
    bool close_requested = false;
    bool close_posted = false;
    std::promise<Bound> ready;
    net::Status close_status;  // the loop's close(), written by the thread before it ends
  };

  ServerPoolConfig config;
  Setup setup;
  std::vector<std::unique_ptr<Worker>> workers;
  bool started = false;

  // Under w.mutex: asks the worker's loop to close its Server and let its loop end.
  static void post_close_locked(Worker& w) {
    if (!w.close_requested || w.close_posted || !w.loop) return;
    w.close_posted = true;
    net::Loop* loop = w.loop;
    Thread* t = w.t;
    loop->post([loop, t] {
      if (t->server) t->server->close();
      loop->keep_alive(false);
    });
  }

  void run(Worker& w, std::vector<Binding> bindings) {
    net::Loop loop;
    auto executor = std::make_unique<LoopExecutor>(loop);
    auto core = std::make_unique<ServerCore>();
    Thread t{w.index, loop, *executor, *core, nullptr, nullptr};
    std::unique_ptr<Server> server;
    bool ok = false;
    try {
      ok = setup(t);
    } catch (...) {
      ok = false;
    }
    if (!ok) {
      w.ready.set_value(net::Status(net::Errc::invalid_argument, 0, "ServerPool setup failed"));
    } else {
      server = std::make_unique<Server>(loop, *core, config.server);
      t.server = server.get();
      std::vector<net::Address> bound;
      net::Status failed;
      for (const auto& b : bindings) {
        // ncalrpc: thread 0 only (see server_pool.h).
        if (w.index > 0 && b.protseq() == Protseq::kNcalrpc) {
          bound.emplace_back();
          continue;
        }
        auto r = server->listen(b);
        if (!r) {
          failed = r.status();
          break;
        }
        bound.push_back(*r);
      }
      if (!failed.ok()) {
        w.ready.set_value(failed);
      } else {
        {
          std::lock_guard lock(w.mutex);
          w.loop = &loop;
          w.t = &t;
          post_close_locked(w);
        }
        loop.keep_alive(true);
        w.ready.set_value(std::move(bound));
        loop.run();  // until close(): the Server closed, nothing left active
        // Posts accepted before this point still see an intact Thread: run them, FIFO, before a
        // last one that lets the loop end.
        {
          std::lock_guard lock(w.mutex);
          w.loop = nullptr;
          w.t = nullptr;
        }
        loop.keep_alive(true);
        loop.post([&loop] { loop.keep_alive(false); });
        loop.run();
      }
    }
    // Teardown, in the order server_pool.h promises, each step's closes finished by the loop.
    if (server) server->close();
    server.reset();
    t.server = nullptr;
    loop.run();
    core.reset();
    t.state.reset();
    loop.run();
    executor.reset();
    w.close_status = loop.close();
  }
};

ServerPool::ServerPool(ServerPoolConfig config, Setup setup) : impl_(std::make_unique<Impl>()) {
  if (config.threads == 0) config.threads = std::max(1u, std::thread::hardware_concurrency());
  if (!config.server.groups) config.server.groups = std::make_shared<AssociationGroups>();
  config.server.reuse_port = config.threads > 1;
  impl_->config = std::move(config);
  impl_->setup = std::move(setup);
  // Made now and never resized, so that close() and post() may run on other threads at any time.
  for (size_t i = 0; i < impl_->config.threads; ++i) {
    impl_->workers.push_back(std::make_unique<Impl::Worker>());
    impl_->workers.back()->index = i;
  }
}

ServerPool::~ServerPool() {
  close();
  (void)join();
}

net::Result<std::vector<net::Address>> ServerPool::start(const std::vector<Binding>& bindings) {
  if (impl_->started) return net::Status(net::Errc::busy, 0, "ServerPool already started");
  impl_->started = true;
  auto spawn = [this](size_t i, std::vector<Binding> b) {
    Impl::Worker* raw = impl_->workers[i].get();
    raw->thread = std::thread([this, raw, b = std::move(b)]() mutable { impl_->run(*raw, std::move(b)); });
    return raw->ready.get_future();
  };
  auto fail = [this](net::Status s) {
    close();
    (void)join();
    return s;
  };

  // Thread 0 first: it picks the ports the others then share.
  Bound first = spawn(0, bindings).get();
  if (!first) return fail(first.status());
  std::vector<Binding> shared = bindings;
  for (size_t i = 0; i < shared.size(); ++i) {
    if (shared[i].protseq() == Protseq::kNcacnIpTcp && (*first)[i].is_inet())
      shared[i].set_endpoint(std::to_string((*first)[i].port()));
  }
  std::vector<std::future<Bound>> others;
  for (size_t i = 1; i < impl_->config.threads; ++i) others.push_back(spawn(i, shared));
  net::Status failed;
  for (auto& f : others) {
    Bound r = f.get();
    if (!r && failed.ok()) failed = r.status();
  }
  if (!failed.ok()) return fail(failed);
  return first;
}

void ServerPool::close() {
  for (auto& w : impl_->workers) {
    std::lock_guard lock(w->mutex);
    w->close_requested = true;
    Impl::post_close_locked(*w);
  }
}

net::Status ServerPool::join() {
  net::Status first;
  for (auto& w : impl_->workers) {
    if (w->thread.joinable()) w->thread.join();
    if (first.ok()) first = w->close_status;
  }
  return first;
}

void ServerPool::post(size_t i, std::function<void(Thread&)> fn) {
  if (i >= impl_->workers.size()) return;
  auto& w = *impl_->workers[i];
  std::lock_guard lock(w.mutex);
  if (!w.loop) return;
  Thread* t = w.t;
  w.loop->post([t, fn = std::move(fn)] { fn(*t); });
}

size_t ServerPool::size() const { return impl_->config.threads; }

}  // namespace nca::rpc::cn
