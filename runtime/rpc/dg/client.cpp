// The datagram client handle: ClientEngine (the protocol) wired to a socket, the executor's
// timers and the endpoint resolver.
#include "nca/rpc/dg/client.h"

#include <deque>
#include <map>

#include "client_engine.h"
#include "nca/rpc/dg/pdu.h"

namespace nca::rpc::dg {

namespace {
constexpr uint32_t kSecurityWords =
    static_cast<uint32_t>(BindingFlag::kSign) | static_cast<uint32_t>(BindingFlag::kSeal) |
    static_cast<uint32_t>(BindingFlag::kConnect) | static_cast<uint32_t>(BindingFlag::kPacket) |
    static_cast<uint32_t>(BindingFlag::kSpnego) | static_cast<uint32_t>(BindingFlag::kNtlm) |
    static_cast<uint32_t>(BindingFlag::kKrb5) | static_cast<uint32_t>(BindingFlag::kSchannel);
}  // namespace

struct ClientHandle::Impl : std::enable_shared_from_this<Impl> {
  LoopExecutor& executor;
  ClientConfig config;
  std::optional<Binding> binding;
  std::unique_ptr<net::Datagram> socket;
  std::unique_ptr<net::SendQueue> queue;
  detail::ClientEngine engine;
  enum class State { idle, resolving, open, failed } state = State::idle;
  Status failure;
  struct Waiting {
    CallRequest request;
    MarshallingHandle::Reply reply;
  };
  std::deque<Waiting> waiting;
  std::map<CallId, uint64_t> engine_id;  // running calls
  Executor::TimerId timer = 0;
  Executor::Duration timer_at{0};
  bool resolve_retried = false;

  Impl(LoopExecutor& ex, ClientConfig cfg)
      : executor(ex),
        config(std::move(cfg)),
        engine(ex, engine_config(config), [this](Bytes d) { send(std::move(d)); }) {}

  ~Impl() {
    if (timer) executor.cancel_timer(timer);
    queue.reset();
    if (socket) socket->disconnect([](net::Status) {});
  }

  static detail::ClientEngineConfig engine_config(const ClientConfig& c) {
    detail::ClientEngineConfig e;
    e.fragment_size = std::max<size_t>(c.max_frag, kHeaderSize + 8) - kHeaderSize;
    e.window = c.window;
    e.max_response = c.max_response_size;
    e.initial_rto = c.initial_rto;
    e.max_rto = c.max_rto;
    e.comm_timeout = c.comm_timeout;
    return e;
  }

  void send(Bytes d) {
    if (!queue) return;
    count_if(config.stats, &CallStats::pkts_out);
    // A lost datagram is what the protocol is made for: send errors (ECONNREFUSED from an
    // earlier ICMP, ENOBUFS) are treated as losses.
    // TODO(perf): one copy into the queue's buffer type per datagram.
    queue->sendto(net::Bytes::copy_of(d), net::Address{}, [](net::Status) {});
  }

  // ---- opening the socket --------------------------------------------------------------------

  void open() {
    if (socket) return attach();
    if (!binding) return fail(Status::transport(0, "the datagram socket is gone"));
    if (binding->flags() & kSecurityWords)
      return fail(Status::protocol(static_cast<uint32_t>(FaultCode::unsupported_authn_level),
                                   binding->to_string() +
                                       ": authentication over ncadg_ip_udp is not implemented"));
    if (binding->protseq() != Protseq::kNcadgIpUdp)
      return fail(Status::transport(0, binding->to_string() + ": the datagram engine serves ncadg_ip_udp"));
    if (!binding->port()) return resolve();
    std::string host = binding->host().empty() || binding->host() == "localhost" ? "127.0.0.1" : binding->host();
    auto remote = net::Address::inet("ip", host, *binding->port());
    if (!remote) return fail(Status::transport(0, "bad address " + host + ": " + remote.status().message()));
    auto local = net::Address::inet(remote->family() == net::AddressFamily::ipv6 ? "ipv6" : "ipv4",
                                    remote->family() == net::AddressFamily::ipv6 ? "::" : "0.0.0.0", 0);
    auto s = net::udp_open(executor.loop(), *local, *remote);
    if (!s) return fail(Status::transport(uint32_t(-s.status().sys_code()), "udp socket: " + s.status().message()));
    socket = std::move(*s);
    attach();
  }

  void resolve() {
    if (!config.resolver)
      return fail(Status::transport(0, binding->to_string() + " has no endpoint and ClientConfig::resolver is not set"));
    state = State::resolving;
    std::weak_ptr<Impl> weak = weak_from_this();
    config.resolver->resolve(*binding, waiting.front().request.interface->id, [weak](Result<Binding> r) {
      auto self = weak.lock();
      if (!self || self->state != State::resolving) return;
      if (!r) return self->fail(std::move(r).take_error());
      self->binding = std::move(r).value();
      self->state = State::idle;
      self->open();
    });
  }

  void attach() {
    queue = std::make_unique<net::SendQueue>(*socket);
    state = State::open;
    receive();
    while (!waiting.empty()) {
      Waiting w = std::move(waiting.front());
      waiting.pop_front();
      start(std::move(w.request), std::move(w.reply));
    }
  }

  void fail(Status why) {
    state = State::failed;
    failure = why;
    std::deque<Waiting> w = std::move(waiting);
    for (auto& x : w) x.reply(why);
  }

  void receive() {
    std::weak_ptr<Impl> weak = weak_from_this();
    net::Status st = socket->recvfrom([weak](net::Status st, net::ConstBuffer data, const net::Address&) {
      auto self = weak.lock();
      if (!self) return;
      if (st.code() == net::Errc::cancelled) return;
      // Errors on a connected UDP socket (an ICMP port unreachable) are losses too; keep reading.
      if (st.ok()) {
        count_if(self->config.stats, &CallStats::pkts_in);
        self->engine.on_datagram(data);
      }
      if (!self->socket) return;
      self->rearm();
      self->receive();
    });
    (void)st;
  }

  // ---- calls ----------------------------------------------------------------------------------

  void transact(CallRequest request, MarshallingHandle::Reply reply) {
    if (state == State::failed) {
      // A failure to open (or resolve) is retried by the next call: the server may be back.
      state = State::idle;
      resolve_retried = false;
    }
    if (state != State::open) {
      waiting.push_back({std::move(request), std::move(reply)});
      if (state == State::idle) open();
      return;
    }
    start(std::move(request), std::move(reply));
  }

  void start(CallRequest request, MarshallingHandle::Reply reply) {
    auto stub = request.marshal(kNdr20);
    if (!stub) return reply(std::move(stub).take_error());
    const OperationSpec* op =
        request.opnum < request.interface->operations.size() ? &request.interface->operations[request.opnum] : nullptr;
    detail::ClientCallSpec spec;
    spec.interface = request.interface->id;
    spec.opnum = request.opnum;
    spec.object = request.object;
    if (spec.object.is_nil() && binding && binding->object())
      if (auto u = Uuid::parse(*binding->object())) spec.object = *u;
    if (op && op->idempotent) spec.flags1 |= kFlagIdempotent;
    if (op && op->maybe) spec.flags1 |= kFlagMaybe | kFlagIdempotent;
    spec.stub = std::move(*stub);
    count_if(config.stats, &CallStats::calls_out);
    const CallId id = request.id;
    std::weak_ptr<Impl> weak = weak_from_this();
    auto shared_reply = std::make_shared<MarshallingHandle::Reply>(std::move(reply));
    engine_id[id] = 0;  // erased by the completion, which for a [maybe] call runs inside start()
    uint64_t eid = engine.start(std::move(spec), [weak, id, shared_reply](detail::ClientOutcome o) {
      if (auto self = weak.lock()) self->engine_id.erase(id);
      if (!o.status.ok()) return (*shared_reply)(std::move(o.status));
      (*shared_reply)(MarshallingHandle::Response{kNdr20, std::move(o.stub), o.little_endian});
    });
    if (auto it = engine_id.find(id); it != engine_id.end()) it->second = eid;
    rearm();
  }

  void abandon(CallId id) {
    auto it = engine_id.find(id);
    if (it != engine_id.end()) {
      engine.abandon(it->second);
      engine_id.erase(it);
      rearm();
      return;
    }
    for (auto w = waiting.begin(); w != waiting.end(); ++w)
      if (w->request.id == id) {
        waiting.erase(w);
        return;
      }
  }

  // One executor timer, at the engine's next deadline.
  void rearm() {
    auto d = engine.next_deadline();
    if (timer && (!d || *d != timer_at)) {
      executor.cancel_timer(timer);
      timer = 0;
    }
    if (!d || timer) return;
    timer_at = *d;
    auto now = executor.now();
    std::weak_ptr<Impl> weak = weak_from_this();
    timer = executor.start_timer(*d > now ? *d - now : Executor::Duration(0), [weak] {
      auto self = weak.lock();
      if (!self) return;
      self->timer = 0;
      self->engine.on_timer();
      self->rearm();
    });
  }
};

ClientHandle::ClientHandle(LoopExecutor& executor, Binding binding, ClientConfig config)
    : MarshallingHandle(executor), impl_(std::make_shared<Impl>(executor, std::move(config))) {
  impl_->binding = std::move(binding);
}

ClientHandle::ClientHandle(LoopExecutor& executor, std::unique_ptr<net::Datagram> socket, ClientConfig config)
    : MarshallingHandle(executor), impl_(std::make_shared<Impl>(executor, std::move(config))) {
  impl_->socket = std::move(socket);
}

ClientHandle::~ClientHandle() = default;

size_t ClientHandle::activities() const { return impl_->engine.activities(); }
size_t ClientHandle::calls_in_flight() const { return impl_->engine.calls(); }

void ClientHandle::transact(Request request, Reply reply) { impl_->transact(std::move(request), std::move(reply)); }
void ClientHandle::abandon(CallId id) { impl_->abandon(id); }

}  // namespace nca::rpc::dg
