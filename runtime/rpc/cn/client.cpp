// The connection-oriented client engine; see client.h for the contract.
#include "nca/rpc/cn/client.h"
#include "nca/rpc/endpoint_resolver.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "client_negotiation.h"
#include "client_security.h"
#include "connection_io.h"
#include "fragments.h"
#include "nca/rpc/auth/binding_security.h"
#include "nca/rpc/cn/pdu.h"

namespace nca::rpc::cn {

namespace {

// binding: the bind is sent; authenticating: a security handshake's alter_context leg is.
enum class State { idle, connecting, binding, authenticating, ready, lost };

using detail::CtxState;

// A whole response: the stub in the byte order the server declared (drep of its fragments).
struct Reassembled {
  SyntaxId transfer;
  Bytes stub;
  bool little_endian = true;
};

struct Waiting {
  CallRequest request;
  UniqueFunction<void(Result<Reassembled>)> reply;
};

struct Active {
  CallId id = 0;
  uint16_t context_id = 0;
  SyntaxId transfer;
  bool started = false;  // got the first response fragment
  bool little_endian = true;  // the first fragment's byte order; the others must agree
  Bytes stub;
  UniqueFunction<void(Result<Reassembled>)> reply;
};

std::string nak_text(BindNakReason r) {
  switch (r) {
    case BindNakReason::not_specified: return "reason not specified";
    case BindNakReason::temporary_congestion: return "temporary congestion";
    case BindNakReason::local_limit_exceeded: return "local limit exceeded";
    case BindNakReason::protocol_version_not_supported: return "protocol version not supported";
    case BindNakReason::invalid_auth_type: return "authentication type not recognized";
    case BindNakReason::invalid_checksum: return "invalid checksum";
  }
  return "reason " + std::to_string(static_cast<uint16_t>(r));
}

}  // namespace

struct ClientHandle::Impl : std::enable_shared_from_this<ClientHandle::Impl>,
                           private detail::FragmentSink {
  using ReplyFn = UniqueFunction<void(Result<Reassembled>)>;

  Impl(LoopExecutor& ex, ClientConfig cfg)
      : executor(ex), config(std::move(cfg)), stub_pool(config.stub_pool_bytes), negotiation(config) {
    config.max_frag = std::max<uint16_t>(config.max_frag, kMinFragSize);
  }
  ~Impl() override { drop_connection(); }

  LoopExecutor& executor;
  ClientConfig config;
  // Written request stubs, kept as the buffers responses are reassembled into (stub_pool.h).
  StubPool stub_pool;
  std::optional<Binding> binding;       // where to (re)connect; none for a given stream
  std::unique_ptr<net::Stream> given;   // the stream handed in, until first used
  net::ConnectRequest connect_request;

  State state = State::idle;
  std::unique_ptr<net::Stream> stream;
  std::unique_ptr<detail::FragmentReader> reader;
  std::unique_ptr<detail::FragmentWriter> writer;
  uint64_t generation = 0;  // bumped per connection: stale callbacks compare it

  bool shutdown_requested = false;

  detail::ClientNegotiation negotiation;
  detail::ClientSecurity security;
  uint32_t next_call = 1;

  std::deque<Waiting> waiting;
  std::map<uint32_t, Active> active;  // by wire call_id
  std::map<CallId, uint32_t> wire_of;

  // ---- connection ---------------------------------------------------------------------------

  void connect() {
    state = State::connecting;
    uint64_t gen = ++generation;
    std::weak_ptr<Impl> weak = weak_from_this();
    // Security that cannot be given fails the calls before any byte is sent.
    if (Status st = security.check(); !st.ok()) {
      executor.post([weak, gen, st] {
        auto self = weak.lock();
        if (self && self->generation == gen) self->lose(st);
      });
      return;
    }
    auto on_connected = [weak, gen](net::Status st, std::unique_ptr<net::Stream> s) {
      auto self = weak.lock();
      if (!self || self->generation != gen) return;
      if (!st.ok() && self->resolved && !self->resolve_retried) return self->re_resolve();
      if (!st.ok()) return self->lose(Status::transport(uint32_t(-st.sys_code()), "connect: " + st.message()));
      self->resolve_retried = false;
      self->attach(std::move(s));
    };
    if (given) {
      auto s = std::move(given);
      executor.post([on_connected = std::move(on_connected), s = std::move(s)]() mutable {
        on_connected(net::Status(), std::move(s));
      });
      return;
    }
    if (!binding) {
      executor.post([weak, gen] {
        auto self = weak.lock();
        if (self && self->generation == gen)
          self->lose(Status::transport(0, "the connection was lost and cannot be re-established"));
      });
      return;
    }
    // A binding without an endpoint is resolved first (ClientConfig::resolver; issue 7).
    if (!resolved && EndpointResolver::needs_endpoint(*binding) && !waiting.empty()) return resolve(gen);
    net::Result<net::ConnectRequest> req = net::Status(net::Errc::invalid_argument);
    const Binding& b = resolved ? *resolved : *binding;
    if (b.protseq() == Protseq::kNcacnIpTcp) {
      std::string host = b.host().empty() || b.host() == "localhost" ? "127.0.0.1" : b.host();
      auto addr = net::Address::inet("ip", host, b.port().value_or(0));
      if (addr && b.port()) req = net::tcp_connect(executor.loop(), *addr, std::move(on_connected));
      else req = addr ? net::Status(net::Errc::invalid_argument, 0, "no port") : addr.status();
    } else if (b.protseq() == Protseq::kNcalrpc && b.endpoint()) {
      auto addr = net::Address::unix_path(config.ncalrpc_dir + "/" + *b.endpoint());
      if (addr) req = net::unix_connect(executor.loop(), *addr, std::move(on_connected));
      else req = addr.status();
    }
    if (!req) {
      std::string m = "cannot connect to " + b.to_string() + ": " + req.status().message();
      executor.post([weak, gen, m] {
        auto self = weak.lock();
        if (self && self->generation == gen) self->lose(Status::transport(0, m));
      });
      return;
    }
    connect_request = *req;
  }

  // ---- endpoint resolution (EndpointResolver; see endpoint_resolver.h) ----------------------
  std::optional<Binding> resolved;  // *binding with the endpoint the mapper gave
  bool resolve_retried = false;     // a failed connect to a cached endpoint resolves once more

  void resolve(uint64_t gen) {
    std::weak_ptr<Impl> weak = weak_from_this();
    if (!config.resolver) {
      // The engine knows no endpoint mapper: whoever made the handle gives the resolver.
      std::string m = binding->to_string() + " has no endpoint and ClientConfig::resolver is not set";
      executor.post([weak, gen, m] {
        auto self = weak.lock();
        if (self && self->generation == gen) self->lose(Status::transport(0, m));
      });
      return;
    }
    config.resolver->resolve(*binding, waiting.front().request.interface->id, [weak, gen](Result<Binding> r) {
      auto self = weak.lock();
      if (!self || self->generation != gen) return;
      if (!r) return self->lose(std::move(r).take_error());
      self->resolved = std::move(r).value();
      self->connect();
    });
  }
  void re_resolve() {
    config.resolver->invalidate(*binding);
    resolved.reset();
    resolve_retried = true;
    connect();
  }

  void attach(std::unique_ptr<net::Stream> s) {
    stream = std::move(s);
    reader = std::make_unique<detail::FragmentReader>(*stream, static_cast<detail::FragmentSink&>(*this));
    writer = std::make_unique<detail::FragmentWriter>(
        *stream, [this](net::Status st) { lose(Status::transport(uint32_t(-st.sys_code()), "write: " + st.message())); },
        &stub_pool);
    state = State::binding;
    shutdown_requested = false;
    if (net::Status st = reader->start(); !st.ok())
      return lose(Status::transport(uint32_t(-st.sys_code()), "read: " + st.message()));
    std::optional<Bytes> token;
    if (security.requested()) {
      auto first = security.start();
      if (!first) return lose(std::move(first).take_error());
      token = std::move(*first);
    }
    send_bind(PduType::bind, token ? &*token : nullptr);
  }

  // Closes the current connection (if any) without touching calls.
  void drop_connection() {
    connect_request.cancel();
    ++generation;
    writer.reset();
    if (reader) {
      // This may run inside the reader's on_fragment, whose fragment the caller still looks at:
      // the reader goes later, deaf from now on.
      reader->abandon();
      executor.loop().defer([r = std::move(reader)] {});
    }
    if (stream) {
      // Destroying the stream closes it; its outstanding callbacks see a stale generation.
      stream.reset();
    }
    negotiation.reset();
    security.reset();
    state = State::idle;
  }

  // The connection failed: every call in flight or waiting fails with `why`.
  void lose(Status why) {
    drop_connection();
    std::map<uint32_t, Active> calls = std::move(active);
    std::deque<Waiting> queued = std::move(waiting);
    active.clear();
    waiting.clear();
    wire_of.clear();
    for (auto& [wire, a] : calls) a.reply(why);
    for (auto& w : queued) w.reply(why);
  }

  // ---- negotiation (client_negotiation.h) and security (client_security.h) ----------------

  // A bind, or an alter_context for the waiting calls' next interface without contexts. The
  // bind carries the security handshake's first token when security was asked for.
  void send_bind(PduType type, const Bytes* token = nullptr) {
    std::vector<const InterfaceSpec*> interfaces;
    for (const Waiting& w : waiting) interfaces.push_back(w.request.interface);
    uint32_t group_id = config.assoc_group_id.value_or(
        binding && binding->assoc_group_id() ? *binding->assoc_group_id() : 0);
    BindBody body = negotiation.propose(type, interfaces, group_id);
    if (type == PduType::alter_context && body.contexts.empty()) return pump();
    Encoder enc;
    uint8_t flags = kPfcFirstFrag | kPfcLastFrag;
    if (type == PduType::bind && config.concurrent_multiplexing) flags |= kPfcConcMpx;
    if (type == PduType::bind && security.wants_header_signing()) flags |= kPfcSupportHeaderSign;
    encode_bind(enc, type, flags, next_call++, body);
    if (token) append_auth(enc, 0, security.filter().trailer(), *token);
    write(std::move(enc.out));
  }

  void on_bind_ack(const Pdu& pdu) {
    bool is_bind = pdu.header.type == PduType::bind_ack;
    bool expected = is_bind ? state == State::binding
                            : state == State::ready || state == State::authenticating;
    if (!expected || !negotiation.answered(pdu, is_bind))
      return protocol_failure("unexpected " + std::string(to_string(pdu.header.type)));
    if (security.requested() && (is_bind || state == State::authenticating)) {
      auto next = security.on_answer(pdu.auth, pdu.header.has(kPfcSupportHeaderSign));
      if (!next) return lose(std::move(next).take_error());
      auto& [step, token] = *next;
      if (step == detail::ClientSecurity::Next::alter_context) {
        // Another leg: the handshake's token in an alter_context, with a context the server
        // already decided on (it needs one).
        state = State::authenticating;
        Encoder enc;
        encode_bind(enc, PduType::alter_context, kPfcFirstFrag | kPfcLastFrag, next_call++,
                    negotiation.repropose(negotiation.group()));
        append_auth(enc, 0, security.filter().trailer(), token);
        return write(std::move(enc.out));
      }
      if (step == detail::ClientSecurity::Next::auth3) {
        Encoder enc;
        encode_empty(enc, PduType::auth3, kPfcFirstFrag | kPfcLastFrag, next_call++);
        append_auth(enc, 0, security.filter().trailer(), token);
        write(std::move(enc.out));
      }
    }
    if (is_bind || state == State::authenticating) state = State::ready;
    pump();
  }

  // Sends what can be sent; starts connection or negotiation as needed.
  void pump() {
    if (state == State::idle && !waiting.empty()) return connect();
    if (state != State::ready || negotiation.negotiating()) return;
    if (shutdown_requested) {
      // The server asked us to stop sending new calls here: once the last reply is in, a new
      // connection takes the waiting calls.
      if (active.empty()) {
        drop_connection();
        pump();
      }
      return;
    }
    bool need_alter = false;
    std::deque<Waiting> still;
    while (!waiting.empty()) {
      Waiting w = std::move(waiting.front());
      waiting.pop_front();
      Status error;
      const CtxState* ctx = negotiation.usable_context(*w.request.interface, &error);
      if (ctx) {
        send_request(std::move(w), *ctx);
      } else if (negotiation.has_contexts(w.request.interface->id)) {
        if (!error.ok()) w.reply(error);
        else still.push_back(std::move(w));
      } else {
        need_alter = true;
        still.push_back(std::move(w));
      }
      if (state != State::ready) break;  // a write failed and the connection is gone
    }
    for (auto& w : still) waiting.push_back(std::move(w));
    if (need_alter && state == State::ready) send_bind(PduType::alter_context);
  }

  // ---- calls ----------------------------------------------------------------------------------

  void send_request(Waiting w, const CtxState& ctx) {
    Result<Bytes> stub = w.request.marshal(ctx.transfer);
    if (!stub) return w.reply(std::move(stub).take_error());
    uint32_t wire = next_call++;
    if (next_call == 0) next_call = 1;
    std::optional<Uuid> object;
    if (!w.request.object.is_nil()) object = w.request.object;
    else if (binding && binding->object()) object = Uuid::parse(*binding->object());

    size_t head = kRequestHeaderSize + (object ? 16 : 0);
    uint16_t context_id = ctx.context_id, opnum = w.request.opnum;
    auto pdu = writer->make();
    auto write_head = [&](Encoder& enc, uint8_t flags, uint32_t alloc_hint, size_t n) {
      encode_request_head(enc, flags, wire, alloc_hint, context_id, opnum, object, n);
    };
    if (security.filter().protects_pdus()) {
      // Through the security filter: signed or sealed, each fragment whole.
      Status st = detail::fragment_protected(*pdu, std::move(*stub), negotiation.send_frag(),
                                             head, security.filter(), write_head);
      if (!st.ok()) return w.reply(Status::protocol(st.code, "protecting the request: " + st.message));
    } else {
      detail::fragment(*pdu, std::move(*stub), negotiation.send_frag(), head, write_head);
    }
    Active a;
    a.id = w.request.id;
    a.context_id = ctx.context_id;
    a.transfer = ctx.transfer;
    a.reply = std::move(w.reply);
    active.emplace(wire, std::move(a));
    wire_of[w.request.id] = wire;
    count_if(config.stats, &CallStats::calls_out);
    writer->send(std::move(pdu));
  }

  // A control PDU (bind, alter_context, co_cancel, orphaned).
  void write(std::vector<uint8_t> bytes) {
    auto pdu = writer->make();
    pdu->headers = std::move(bytes);
    pdu->frame_headers_only();
    writer->send(std::move(pdu));
  }

  void abandon(CallId id) {
    auto w = wire_of.find(id);
    if (w == wire_of.end()) {
      // Not sent yet: forget it (its reply function is dropped unrun; the call already ended).
      for (auto it = waiting.begin(); it != waiting.end(); ++it)
        if (it->request.id == id) {
          waiting.erase(it);
          break;
        }
      return;
    }
    uint32_t wire = w->second;
    wire_of.erase(w);
    active.erase(wire);
    if (state != State::ready && state != State::binding && state != State::authenticating) return;
    // C706: co_cancel forwards the cancel to the server (advisory). orphaned tells it we will
    // not read the reply; servers that did not accept "keep connection on orphan" may close the
    // connection on it (MS-RPCE 3.3.1.5.3), so it is sent only to those that did.
    Encoder enc;
    encode_empty(enc, PduType::co_cancel, kPfcFirstFrag | kPfcLastFrag, wire);
    if (negotiation.features() & kFeatureKeepConnectionOnOrphan)
      encode_empty(enc, PduType::orphaned, kPfcFirstFrag | kPfcLastFrag, wire);
    write(std::move(enc.out));
    if (shutdown_requested) pump();
  }

  // ---- input ----------------------------------------------------------------------------------

  // ---- FragmentSink: whole fragments from the reader --------------------------------------

  // Sizes are checked once decoded (what the server may send is known only after bind_ack).
  bool accept_header(const Header&) override { return true; }
  void on_refused(const Header& h) override {
    protocol_failure("bad fragment header from the server (frag_length " +
                     std::to_string(h.frag_length) + ")");
  }
  bool on_fragment(std::span<uint8_t> frag) override {
    uint64_t gen = generation;
    handle_fragment(frag);
    return generation == gen;
  }
  void on_read_end(net::Status s) override {
    std::string m = s == net::Errc::eof ? "the server closed the connection" : "read: " + s.message();
    lose(Status::transport(uint32_t(-s.sys_code()), m));
  }

  void protocol_failure(std::string why) {
    lose(Status::protocol(uint32_t(FaultCode::proto_error), std::move(why)));
  }

  void handle_fragment(std::span<uint8_t> frag) {
    auto decoded = decode(frag);
    if (!decoded) return protocol_failure("bad PDU from the server: " + decoded.error().message);
    const Pdu& pdu = *decoded;
    if (pdu.header.frag_length > negotiation.recv_frag())
      return protocol_failure("fragment larger than negotiated");
    switch (pdu.header.type) {
      case PduType::bind_ack:
      case PduType::alter_context_resp:
        return on_bind_ack(pdu);
      case PduType::bind_nak: {
        const auto& nak = std::get<BindNakBody>(pdu.body);
        return lose(Status::protocol(uint32_t(nak.reason), "bind refused: " + nak_text(nak.reason)));
      }
      case PduType::response:
        // Every response fragment of an authenticated association is checked (and unsealed in
        // place) before its stub is used; one that fails ends the connection and its calls.
        if (security.filter().authenticated()) {
          if (Status st = security.filter().unprotect(frag, pdu); !st.ok())
            return lose(Status::protocol(st.code, "response of call " +
                                                      std::to_string(pdu.header.call_id) +
                                                      " refused by the security filter: " +
                                                      st.message));
        }
        return on_response(pdu);
      case PduType::fault:
        return on_fault(pdu);
      case PduType::shutdown:
        shutdown_requested = true;
        return pump();
      default:
        return protocol_failure("unexpected " + std::string(to_string(pdu.header.type)) +
                                " from the server");
    }
  }

  void on_response(const Pdu& pdu) {
    const auto& body = std::get<ResponseBody>(pdu.body);
    auto it = active.find(pdu.header.call_id);
    // A reply to an abandoned call: dropped.
    if (it == active.end()) return;
    Active& a = it->second;
    // Windows and Samba answer with the low 8 bits of the context id (context 0xffff: 0xff).
    bool same_context = body.context_id == a.context_id || body.context_id == (a.context_id & 0xff);
    if (pdu.header.has(kPfcFirstFrag) == a.started || !same_context)
      return protocol_failure("response fragments out of order for call " +
                              std::to_string(pdu.header.call_id));
    if (!a.started) {
      a.started = true;
      a.little_endian = pdu.header.little_endian();
      a.stub = stub_pool.take(std::min<size_t>(body.alloc_hint, config.max_response_size));
    }
    if (pdu.header.little_endian() != a.little_endian)
      return protocol_failure("response fragments in different byte orders for call " +
                              std::to_string(pdu.header.call_id));
    if (a.stub.size() + body.stub.size() > config.max_response_size)
      return protocol_failure("response larger than max_response_size");
    a.stub.insert(a.stub.end(), body.stub.begin(), body.stub.end());
    if (!pdu.header.has(kPfcLastFrag)) return;
    Active done = std::move(a);
    active.erase(it);
    wire_of.erase(done.id);
    done.reply(Reassembled{done.transfer, std::move(done.stub), done.little_endian});
    if (shutdown_requested) pump();
  }

  void on_fault(const Pdu& pdu) {
    const auto& body = std::get<FaultBody>(pdu.body);
    auto it = active.find(pdu.header.call_id);
    if (it == active.end()) {
      // A fault for no call of ours (call_id 0, or a bind-level error): the server is about to
      // disconnect (Windows and Samba do after protocol errors).
      if (wire_of.empty() || pdu.header.call_id == 0 || negotiation.negotiating())
        return lose(Status::from_fault(decode_fault(body.status, body.stub, pdu.header.little_endian())));
      return;
    }
    Active done = std::move(it->second);
    active.erase(it);
    wire_of.erase(done.id);
    done.reply(Status::from_fault(decode_fault(body.status, body.stub, pdu.header.little_endian())));
    if (shutdown_requested) pump();
  }
};

ClientHandle::ClientHandle(LoopExecutor& executor, Binding binding, ClientConfig config)
    : MarshallingHandle(executor), impl_(std::make_shared<Impl>(executor, std::move(config))) {
  // ClientConfig::security, else what the binding's words ask for.
  auto security = impl_->config.security
                      ? Result<std::optional<auth::ClientSecurityRequest>>(impl_->config.security)
                      : auth::security_from_binding(binding);
  if (!impl_->config.security && security && *security) {
    (*security)->credentials = impl_->config.credentials;
    // As Samba's clients default it: the host service of the binding's target_hostname, else
    // of the host it connects to.
    const std::string& host = binding.target_hostname() ? *binding.target_hostname() : binding.host();
    if ((*security)->target_principal.empty() && !host.empty())
      (*security)->target_principal = "host/" + host;
  }
  impl_->security.configure(std::move(security), impl_->config.auth_providers);
  set_binding(binding);  // interceptors' CallInfo::binding; the `print` option
  impl_->binding = std::move(binding);
}

ClientHandle::ClientHandle(LoopExecutor& executor, std::unique_ptr<net::Stream> stream,
                           ClientConfig config)
    : MarshallingHandle(executor), impl_(std::make_shared<Impl>(executor, std::move(config))) {
  impl_->security.configure(impl_->config.security, impl_->config.auth_providers);
  impl_->given = std::move(stream);
}

ClientHandle::~ClientHandle() {
  // Replies held by the engine are dropped unrun; the base class ends the calls (cancelled).
  impl_->drop_connection();
}

void ClientHandle::transact(Request request, Reply reply) {
  Impl::ReplyFn fn = [reply = std::move(reply)](Result<Reassembled> r) mutable {
    if (!r) return reply(std::move(r).take_error());
    reply(Response{r->transfer, std::move(r->stub), r->little_endian});
  };
  impl_->waiting.push_back(Waiting{std::move(request), std::move(fn)});
  impl_->pump();
}

void ClientHandle::abandon(CallId id) { impl_->abandon(id); }

bool ClientHandle::bound() const { return impl_->state == State::ready; }
uint32_t ClientHandle::assoc_group_id() const { return impl_->negotiation.group(); }
uint16_t ClientHandle::max_xmit_frag() const { return bound() ? impl_->negotiation.send_frag() : 0; }
uint16_t ClientHandle::max_recv_frag() const { return bound() ? impl_->negotiation.recv_frag() : 0; }
uint16_t ClientHandle::features() const { return impl_->negotiation.features(); }
size_t ClientHandle::calls_in_flight() const { return impl_->active.size(); }

std::optional<SyntaxId> ClientHandle::transfer_syntax(const SyntaxId& iface) const {
  return impl_->negotiation.accepted_transfer(iface);
}

void ClientHandle::disconnect() { impl_->lose(Status::transport(0, "disconnected")); }

}  // namespace nca::rpc::cn
