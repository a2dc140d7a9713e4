// The datagram server: one ServerEngine (the protocol) per socket, wired to the socket, the
// loop's timers and the conversation-manager callback (ConvCaller).
#include "nca/rpc/dg/server.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "conv.h"
#include "nca/rpc/loop_executor.h"
#include "nca/rpc/mgmt_server.h"
#include "server_engine.h"

namespace nca::rpc::dg {

namespace {
constexpr Executor::Duration kTick{1000};
}

struct Endpoint {
  std::unique_ptr<net::Datagram> socket;
  std::unique_ptr<net::SendQueue> queue;
  std::unique_ptr<detail::ConvCaller> conv;
  std::unique_ptr<detail::ServerEngine> engine;
  Executor::TimerId conv_timer = 0;
};

struct Server::Impl : std::enable_shared_from_this<Impl> {
  net::Loop& loop;
  ServerCore& core;
  ServerConfig config;
  LoopExecutor executor;
  std::unique_ptr<MgmtServer> mgmt;
  std::vector<std::unique_ptr<Endpoint>> endpoints;
  Executor::TimerId tick = 0;
  bool closed = false;

  Impl(net::Loop& l, ServerCore& c, ServerConfig cfg) : loop(l), core(c), config(std::move(cfg)), executor(l) {
    if (config.boot_time == 0)
      config.boot_time = uint32_t(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
  }

  detail::ServerEngineConfig engine_config() const {
    detail::ServerEngineConfig e;
    e.boot_time = config.boot_time;
    e.fragment_size = std::max<size_t>(config.max_frag, kHeaderSize + 8) - kHeaderSize;
    e.window = config.window;
    e.max_activities = config.max_activities;
    e.max_request_size = config.max_request_size;
    e.max_reassembly_total = config.max_reassembly_total;
    e.max_reply_cache_total = config.max_reply_cache_total;
    e.activity_idle = config.activity_idle;
    e.reassembly_idle = config.reassembly_idle;
    return e;
  }

  void serve(std::unique_ptr<net::Datagram> socket) {
    auto ep = std::make_unique<Endpoint>();
    Endpoint* e = ep.get();
    ep->socket = std::move(socket);
    ep->queue = std::make_unique<net::SendQueue>(*ep->socket);
    auto send = [this, e](Bytes d, const net::Address& to) {
      if (closed) return;
      // A failed send is a loss, which the protocol recovers from. TODO(perf): one copy.
      e->queue->sendto(net::Bytes::copy_of(d), to, [](net::Status) {});
    };
    detail::ClientCallParams timing;
    timing.initial_rto = Executor::Duration(300);
    timing.max_rto = Executor::Duration(2000);
    timing.comm_timeout = Executor::Duration(10000);
    ep->conv = std::make_unique<detail::ConvCaller>(executor, config.boot_time, timing, send);
    detail::ServerEngineConfig ec = engine_config();
    ec.transport = ep->socket->local_address().is_unix() ? "ncadg_unix_dgram" : "ncadg_ip_udp";
    if (config.conv_callback) {
      std::weak_ptr<Impl> weak = weak_from_this();
      ec.callback = [weak, e](const net::Address& peer, const Uuid& activity,
                              std::function<void(std::optional<uint32_t>)> answer) {
        auto self = weak.lock();
        if (!self) return;
        e->conv->ask(peer, activity, std::move(answer));
        self->rearm_conv(*e);
      };
    }
    ep->engine = std::make_unique<detail::ServerEngine>(core, executor, std::move(ec), send);
    endpoints.push_back(std::move(ep));
    receive(*e);
    if (!tick) start_tick();
  }

  void receive(Endpoint& e) {
    std::weak_ptr<Impl> weak = weak_from_this();
    Endpoint* ep = &e;
    (void)e.socket->recvfrom([weak, ep](net::Status st, net::ConstBuffer data, const net::Address& from) {
      auto self = weak.lock();
      if (!self || self->closed || st.code() == net::Errc::cancelled) return;
      if (st.ok()) {
        // The conv callback's answers come to the same socket, on activities of our own (only
        // looked for while a callback is out: the common case decodes once, in the engine).
        bool taken = false;
        if (ep->conv->pending() > 0 && data.size() > 1 && data[1] != uint8_t(PduType::request)) {
          auto pdu = decode(data);
          taken = pdu.ok() && ep->conv->on_pdu(pdu.value(), from);
        }
        if (!taken) ep->engine->on_datagram(data, from);
        self->rearm_conv(*ep);
      }
      if (!self->closed) self->receive(*ep);
    });
  }

  void rearm_conv(Endpoint& e) {
    if (e.conv_timer) executor.cancel_timer(e.conv_timer);
    e.conv_timer = 0;
    auto d = e.conv->next_deadline();
    if (!d) return;
    auto now = executor.now();
    std::weak_ptr<Impl> weak = weak_from_this();
    Endpoint* ep = &e;
    e.conv_timer = executor.start_timer(*d > now ? *d - now : Executor::Duration(0), [weak, ep] {
      auto self = weak.lock();
      if (!self || self->closed) return;
      ep->conv_timer = 0;
      ep->conv->on_timer();
      self->rearm_conv(*ep);
    });
  }

  void start_tick() {
    std::weak_ptr<Impl> weak = weak_from_this();
    tick = executor.start_timer(kTick, [weak] {
      auto self = weak.lock();
      if (!self || self->closed) return;
      for (auto& e : self->endpoints) e->engine->on_timer();
      self->start_tick();
    });
  }

  void close() {
    if (closed) return;
    closed = true;
    if (tick) executor.cancel_timer(tick);
    for (auto& e : endpoints) {
      if (e->conv_timer) executor.cancel_timer(e->conv_timer);
      e->engine.reset();
      e->conv.reset();
      e->queue.reset();
      e->socket->disconnect([](net::Status) {});
    }
    mgmt.reset();
  }
};

Server::Server(net::Loop& loop, ServerCore& core, ServerConfig config)
    : impl_(std::make_shared<Impl>(loop, core, std::move(config))) {
  if (impl_->config.management_interface) {
    MgmtService::Options mgmt;
    mgmt.allow_stop = impl_->config.allow_remote_stop;
    // Deferred: the stop call's own reply goes out first.
    mgmt.stop = [weak = std::weak_ptr<Impl>(impl_), &loop] {
      loop.defer([weak] {
        if (auto self = weak.lock()) self->close();
      });
    };
    impl_->mgmt = std::make_unique<MgmtServer>(core, std::move(mgmt));
  }
}

Server::~Server() { close(); }

net::Result<net::Address> Server::listen(const Binding& binding) {
  if (binding.protseq() != Protseq::kNcadgIpUdp) return net::Status(net::Errc::invalid_argument);
  std::string host = binding.host();
  std::string family = host.find(':') != std::string::npos ? "ipv6" : "ipv4";
  if (host.empty()) host = "0.0.0.0";
  auto addr = net::Address::inet(family, host, binding.port().value_or(0));
  if (!addr) return addr.status();
  auto s = net::udp_open(impl_->loop, *addr);
  if (!s) return s.status();
  net::Address bound = (*s)->local_address();
  impl_->serve(std::move(*s));
  return bound;
}

void Server::serve(std::unique_ptr<net::Datagram> socket) { impl_->serve(std::move(socket)); }
void Server::close() { impl_->close(); }
uint32_t Server::boot_time() const { return impl_->config.boot_time; }

ServerStats Server::stats() const {
  ServerStats s;
  for (auto& e : impl_->endpoints) {
    if (!e->engine) continue;
    const auto& es = e->engine->stats();
    s.executed += es.executed;
    s.duplicates += es.duplicates;
    s.rejected += es.rejected;
    s.decode_errors += es.decode_errors;
  }
  return s;
}

}  // namespace nca::rpc::dg
