// The connection-oriented server engine. One ServerConnection per stream: a state machine fed
// whole fragments by a read loop, answering through a write queue; its negotiation, security
// filter and request reassembly are pieces of their own (server_negotiation.h,
// server_security.h, request_assembly.h). See server.h for the contract.
#include "nca/rpc/cn/server.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "connection_io.h"
#include "nca/rpc/mgmt_server.h"
#include "nca/rpc/stub_pool.h"
#include "fragments.h"
#include "nca/rpc/cn/pdu.h"
#include "request_assembly.h"
#include "server_negotiation.h"
#include "server_security.h"

namespace nca::rpc::cn {

namespace {

struct Group {
  AssociationId core_id = 0;
  size_t connections = 0;
};

constexpr uint16_t kMaxFragLimit = 65535;

uint16_t clamp_frag(uint32_t v) {
  return uint16_t(std::clamp<uint32_t>(v, kMinFragSize, kMaxFragLimit));
}

}  // namespace

class ServerConnection;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(net::Loop& l, ServerCore& c, ServerConfig cfg) : loop(l), core(c), config(std::move(cfg)) {
    config.max_frag = clamp_frag(config.max_frag);
    if (!config.groups) config.groups = std::make_shared<AssociationGroups>();
    stub_pool = std::make_shared<StubPool>(config.stub_pool_bytes);
  }

  net::Loop& loop;
  ServerCore& core;
  ServerConfig config;
  std::vector<std::unique_ptr<net::Listener>> listeners;
  std::map<uint64_t, std::shared_ptr<ServerConnection>> connections;
  uint64_t next_connection = 1;  // also counts the connections accepted (minus one)
  // The groups this Server has connections in: the shared id, this core's association.
  std::map<uint32_t, Group> groups;
  bool closed = false;
  std::unique_ptr<MgmtServer> mgmt;  // the built-in management interface, if served
  // Written reply stubs, kept as the next requests' reassembly buffers (stub_pool.h); shared
  // with the connections, which may outlive the Server while they finish closing.
  std::shared_ptr<StubPool> stub_pool;

  // Joins group `id` (0: a new one); nullopt if `id` is unknown everywhere.
  std::optional<uint32_t> join_group(uint32_t id) {
    if (id == 0) {
      id = config.groups->create();
    } else if (!config.groups->join(id)) {
      return std::nullopt;
    }
    auto [it, fresh] = groups.try_emplace(id);
    if (fresh) it->second.core_id = core.open_association();
    ++it->second.connections;
    return id;
  }
  void leave_group(uint32_t id) {
    auto it = groups.find(id);
    if (it == groups.end()) return;
    config.groups->leave(id);
    if (--it->second.connections == 0) {
      AssociationId core_id = it->second.core_id;
      groups.erase(it);
      core.close_association(core_id);
    }
  }
  ~Impl() {
    // Connections die with the server (their streams close); their groups' context handles run
    // down now, since no connection is left to release them.
    connections.clear();
    for (auto& [id, g] : groups) {
      for (size_t i = 0; i < g.connections; ++i) config.groups->leave(id);
      core.close_association(g.core_id);
    }
  }
  void remove_connection(uint64_t id) { connections.erase(id); }
  void accept(std::unique_ptr<net::Stream> stream, std::string transport, std::string secondary);
};

// One connection: framing and limits (through FragmentReader/FragmentWriter), the negotiation
// state (ServerNegotiation), the security filter every call fragment passes (ServerSecurity),
// request reassembly (RequestAssembly), and dispatch to the core. The wire answers it gives are
// those server.h lists.
class ServerConnection : public std::enable_shared_from_this<ServerConnection>,
                         private detail::FragmentSink {
 public:
  ServerConnection(Server::Impl& server, uint64_t id, std::unique_ptr<net::Stream> stream,
                   std::string transport, std::string secondary)
      : server_(server.weak_from_this()),
        config_(server.config),
        core_(server.core),
        id_(id),
        stub_pool_(server.stub_pool),
        stream_(std::move(stream)),
        reader_(std::make_unique<detail::FragmentReader>(*stream_, static_cast<detail::FragmentSink&>(*this))),
        writer_(std::make_unique<detail::FragmentWriter>(
            *stream_, [this](net::Status) { close_after_writes(); }, stub_pool_.get())),
        transport_(std::move(transport)),
        secondary_(std::move(secondary)),
        negotiation_(config_, core_),
        security_(config_.auth_providers),
        assembly_(config_, *stub_pool_) {
    const net::Address& peer = stream_->remote_address();
    peer_ = peer.empty() ? std::string() : peer.to_string();
  }

  ~ServerConnection() override {
    // Reader and writer must go before the stream they use.
    reader_.reset();
    writer_.reset();
  }

  void start() {
    if (!reader_->start().ok()) close_after_writes();
  }

  size_t queued_write_bytes() const { return writer_ ? writer_->queued_bytes() : 0; }

  // Disconnects now: pending writes are cancelled. Used by Server::close.
  void shutdown_now() {
    if (closed_) return;
    closing_ = true;
    finish_close();
  }

 private:
  // ---- reading: whole fragments from the FragmentReader -----------------------------------

  // A fragment header is checked before anything else is read or allocated: a wrong version or
  // an oversized frag_length is refused at once, even when the body never comes.
  // The limit stays our own max_frag after the bind, whatever was negotiated, as Windows does
  // (Samba's raw_protocol test_neg_xmit_*: a 5840-byte fragment is taken after 2048 was agreed,
  // a 5841-byte one is a protocol error).
  bool accept_header(const Header& h) override {
    return h.rpc_vers == 5 && h.rpc_vers_minor <= 1 && h.frag_length >= kHeaderSize &&
           h.frag_length <= config_.max_frag;
  }

  void on_refused(const Header& h) override {
    if (!closing_) refuse_header(h);
  }

  bool on_fragment(std::span<uint8_t> frag) override {
    if (closing_) return false;
    CallStats::count(core_.stats().pkts_in);
    handle_fragment(frag);
    if (closing_) return false;
    if (writer_->queued_bytes() > config_.max_write_queue) {
      // A client that does not read its replies: read no more requests until what is queued
      // has gone to the transport (back-pressure; the client's own writes then block).
      reading_paused_ = true;
      writer_->after_written([weak = weak_from_this()] {
        auto self = weak.lock();
        if (!self || !self->reading_paused_) return;
        self->reading_paused_ = false;
        if (!self->closing_ && !self->reader_->start().ok()) self->close_after_writes();
      });
      return false;
    }
    return true;
  }

  // eof/truncated: the client went away (Samba, too, just drops such connections).
  void on_read_end(net::Status) override { close_after_writes(); }

  void refuse_header(const Header& h) {
    if (h.type == PduType::bind && h.rpc_vers != 5)
      return bind_nak(h.call_id, BindNakReason::protocol_version_not_supported);
    if (h.rpc_vers == 5 && h.frag_length > config_.max_frag) {
      // Too long a fragment: fault without did_not_execute, as Windows (test_neg_xmit_*).
      send_fault(h.call_id, 0, static_cast<uint32_t>(FaultCode::proto_error), false);
      return close_after_writes();
    }
    protocol_error(h.call_id);
  }

  // ---- output -------------------------------------------------------------------------------

  void send(std::vector<uint8_t> bytes) {
    if (closed_) return;
    auto pdu = writer_->make();
    pdu->headers = std::move(bytes);
    pdu->frame_headers_only();
    CallStats::count(core_.stats().pkts_out);
    writer_->send(std::move(pdu));
  }

  // Faults go without a verifier, as Samba sends them.
  void send_fault(uint32_t call_id, uint16_t context_id, uint32_t status, bool did_not_execute,
                  ByteView body = {}) {
    Encoder enc;
    encode_fault(enc, did_not_execute ? kPfcDidNotExecute : 0, call_id, context_id, status, body);
    send(std::move(enc.out));
  }

  // A protocol error: fault nca_s_proto_error, then disconnect once it is written.
  void protocol_error(uint32_t call_id) {
    send_fault(call_id, 0, static_cast<uint32_t>(FaultCode::proto_error), true);
    close_after_writes();
  }

  void bind_nak(uint32_t call_id, BindNakReason reason) {
    Encoder enc;
    BindNakBody body;
    body.reason = reason;
    body.versions.emplace_back(5, 0);
    encode_bind_nak(enc, call_id, body);
    send(std::move(enc.out));
    close_after_writes();
  }

  void close_after_writes() {
    if (closing_) return;
    closing_ = true;
    writer_->after_written([weak = weak_from_this()] {
      if (auto self = weak.lock()) self->finish_close();
    });
  }

  void finish_close() {
    if (closed_) return;
    closed_ = true;
    closing_ = true;
    assembly_.clear();
    in_flight_.clear();
    std::weak_ptr<ServerConnection> weak = weak_from_this();
    net::Status st = stream_->disconnect([weak](net::Status) {
      if (auto self = weak.lock()) self->release();
    });
    if (!st.ok()) release();
  }

  // Leaves the association group and lets the server forget this connection (which may
  // destroy it: nothing may touch `this` afterwards).
  void release() {
    auto server = server_.lock();
    if (!server) return;
    if (group_) {
      server->leave_group(*group_);
      group_.reset();
    }
    server->remove_connection(id_);
  }

  // ---- input --------------------------------------------------------------------------------

  void handle_fragment(std::span<uint8_t> frag) {
    // accept_header() checked version and frag_length already.
    auto decoded = decode(frag);
    if (!decoded) {
      // A bind whose auth_length points outside it: bind_nak protocol_version_not_supported, as
      // Windows and Samba answer a bind that fails their header checks (raw_protocol's
      // test_invalid_auth_noctx); any other undecodable PDU is a protocol error.
      auto h = peek_header(frag);
      if (h && h->type == PduType::bind && h->auth_length != 0 &&
          size_t(kHeaderSize) + kAuthTrailerSize + h->auth_length > frag.size())
        return bind_nak(h->call_id, BindNakReason::protocol_version_not_supported);
      return protocol_error(decoded.error().call_id);
    }
    Pdu& pdu = *decoded;

    switch (pdu.header.type) {
      case PduType::bind:
        return on_bind(pdu);
      case PduType::alter_context:
        return on_alter_context(pdu);
      case PduType::request:
        return on_request(frag, pdu);
      case PduType::co_cancel: {
        // Cancels are advisory (C706): the handler hears of it (ServerCall::on_cancel) and
        // decides; the reply, when it comes, is still sent.
        if (!negotiation_.is_bound()) return protocol_error(pdu.header.call_id);
        cancel_call(pdu.header.call_id);
        return;
      }
      case PduType::orphaned:
        // The client will not read the reply of a running call: the handler is told, the reply
        // dropped. A call still being reassembled goes on as after a co_cancel (advisory): its
        // remaining fragments are taken and it is answered, as Windows and Samba do
        // (raw_protocol's test_orphaned_request_after_first_last); an orphaned for no call is
        // ignored.
        if (!negotiation_.is_bound()) return protocol_error(pdu.header.call_id);
        if (in_flight_.count(pdu.header.call_id)) orphaned_.insert(pdu.header.call_id);
        cancel_call(pdu.header.call_id);
        return;
      case PduType::auth3:
        // The last leg of a handshake the bind started; anything else (no handshake running,
        // a trailer of another context, no trailer) is a protocol error. auth3 has no answer.
        if (!negotiation_.is_bound() || !security_.on_auth3(pdu.auth))
          return protocol_error(pdu.header.call_id);
        return;
      default:
        // response, fault, bind_ack, bind_nak, alter_context_resp, shutdown: server-to-client
        return protocol_error(pdu.header.call_id);
    }
  }

  void cancel_call(uint32_t call_id) {
    assembly_.cancel(call_id);
    if (auto it = in_flight_.find(call_id); it != in_flight_.end()) {
      // The handler's callback may complete the call at once (on_reply erases the entry).
      auto cancel = it->second;
      cancel->request();
    }
  }

  void on_bind(const Pdu& pdu) {
    uint32_t call_id = pdu.header.call_id;
    // A second bind on a bound connection, and a bind offering no context: bind_nak
    // not_specified, as Windows and Samba answer (raw_protocol's test_no_auth_valid_valid_request
    // and test_no_auth_no_ctx).
    if (negotiation_.is_bound()) return bind_nak(call_id, BindNakReason::not_specified);
    const auto& body = std::get<BindBody>(pdu.body);
    if (body.contexts.empty()) return bind_nak(call_id, BindNakReason::not_specified);
    std::optional<Bytes> token;
    if (pdu.auth) {
      auto answer = security_.on_bind(*pdu.auth, pdu.header.has(kPfcSupportHeaderSign));
      if (auto* r = std::get_if<detail::ServerSecurity::Refuse>(&answer))
        return bind_nak(call_id, r->nak);
      token = std::move(std::get<detail::ServerSecurity::Token>(answer).token);
    }
    BindAckBody ack;
    switch (negotiation_.negotiate(body.contexts, true, ack.results)) {
      case Negotiation::ok:
        break;
      case Negotiation::over_limit:
        // MS-RPCE 3.3.3.5.5: a context beyond the limit refuses the negotiation.
        return bind_nak(call_id, BindNakReason::local_limit_exceeded);
      default:  // raw_protocol's test_no_auth_presentation_ctx_invalid2, _bind_time_twice
        return bind_nak(call_id, BindNakReason::not_specified);
    }
    auto server = server_.lock();
    if (!server) return;
    auto group = server->join_group(body.assoc_group_id);
    if (!group) return bind_nak(call_id, BindNakReason::not_specified);
    group_ = group;
    negotiation_.bound(body, pdu.header.has(kPfcConcMpx));

    ack.max_xmit_frag = negotiation_.max_xmit();
    ack.max_recv_frag = negotiation_.max_recv();
    ack.assoc_group_id = *group_;
    ack.secondary_address = secondary_;
    Encoder enc;
    // CONC_MPX and SUPPORT_HEADER_SIGN (the bind's meaning of 0x04) are echoed when asked for,
    // as Windows does (raw_protocol's test_no_auth_request_bind_pfc_*).
    uint8_t flags = kPfcFirstFrag | kPfcLastFrag |
                    (pdu.header.flags & (kPfcConcMpx | kPfcSupportHeaderSign));
    encode_bind_ack(enc, PduType::bind_ack, flags, call_id, ack);
    if (token) append_auth(enc, 0, security_.filter().trailer(), *token);
    send(std::move(enc.out));
  }

  void on_alter_context(const Pdu& pdu) {
    uint32_t call_id = pdu.header.call_id;
    if (!negotiation_.is_bound()) return protocol_error(call_id);
    auto answer = security_.on_alter_context(pdu.auth);
    // A refused leg: fault (did_not_execute, context 0), then disconnect, as Samba 4.17.
    if (auto* refuse = std::get_if<detail::ServerSecurity::Refuse>(&answer)) {
      send_fault(call_id, 0, refuse->fault, true);
      return close_after_writes();
    }
    std::optional<Bytes> token = std::move(std::get<detail::ServerSecurity::Token>(answer).token);
    const auto& body = std::get<BindBody>(pdu.body);
    BindAckBody ack;
    // No context at all, a context without transfer syntaxes, one changing an accepted context:
    // fault nca_s_proto_error (did_not_execute, context 0), then disconnect, as Windows and
    // Samba (raw_protocol's test_alter_no_auth_no_ctx, test_no_auth_presentation_ctx_invalid3).
    Negotiation n = body.contexts.empty() ? Negotiation::protocol_error
                                          : negotiation_.negotiate(body.contexts, false, ack.results);
    if (n == Negotiation::over_limit) return bind_nak(call_id, BindNakReason::local_limit_exceeded);
    if (n != Negotiation::ok) return protocol_error(call_id);
    ack.max_xmit_frag = negotiation_.max_xmit();
    ack.max_recv_frag = negotiation_.max_recv();
    ack.assoc_group_id = *group_;
    Encoder enc;
    uint8_t flags = kPfcFirstFrag | kPfcLastFrag | (pdu.header.flags & kPfcSupportHeaderSign);
    encode_bind_ack(enc, PduType::alter_context_resp, flags, call_id, ack);
    if (token) append_auth(enc, 0, security_.filter().trailer(), *token);
    send(std::move(enc.out));
  }

  void on_request(std::span<uint8_t> frag, const Pdu& pdu) {
    const Header& h = pdu.header;
    if (!negotiation_.is_bound()) return protocol_error(h.call_id);
    const auto& body = std::get<RequestBody>(pdu.body);
    // Every fragment is checked (and unsealed in place) before reassembly sees its stub.
    // A refusal is a fault (access_denied, or sec_pkg_error from a provider that cannot protect
    // at the association's level), then disconnect, as Samba 4.17 answers a trailer on an
    // unauthenticated association and a fragment that fails verification (its context, no
    // did_not_execute).
    if (Status st = security_.filter().unprotect(frag, pdu); !st.ok()) {
      send_fault(h.call_id, body.context_id, st.code, false);
      return close_after_writes();
    }

    using K = detail::RequestAssembly::Verdict::Kind;
    auto v = assembly_.take(h, body, in_flight_.size(), in_flight_.count(h.call_id) != 0,
                            negotiation_.conc_mpx(), negotiation_.context(body.context_id) != nullptr);
    switch (v.kind) {
      case K::more:
        return;
      case K::complete:
        return dispatch(h.call_id, std::move(v.call));
      case K::protocol_error:
        return protocol_error(h.call_id);
      case K::fault_close:
        send_fault(v.fault_call_id, v.fault_context, static_cast<uint32_t>(FaultCode::proto_error),
                   false);
        return close_after_writes();
      case K::too_busy:
        return send_fault(h.call_id, body.context_id,
                          static_cast<uint32_t>(FaultCode::server_too_busy), true);
    }
  }

  void dispatch(uint32_t call_id, detail::Incoming in) {
    const auto* ctx = negotiation_.context(in.context_id);
    if (!ctx) {
      // Context 0 in the fault: the request's context id names nothing (Windows, Samba;
      // raw_protocol's test_no_auth_presentation_ctx_invalid1, test_assoc_group_ok1).
      send_fault(call_id, 0, static_cast<uint32_t>(FaultCode::unk_if), true);
      return;
    }
    auto server = server_.lock();
    if (!server) return;
    ServerRequest req;
    req.interface = ctx->abstract;
    req.opnum = in.opnum;
    if (in.object) req.object = *in.object;
    req.caller.transport = transport_;
    req.caller.peer = peer_;
    req.caller.association = server->groups.at(*group_).core_id;
    req.caller.little_endian = in.little_endian;
    security_.describe(req.caller);
    req.transfer = ctx->transfer;
    req.stub = std::move(in.stub);
    // A large call's response is usually large too: it is marshalled into recycled memory.
    if (req.stub.size() >= StubPool::kMinKept) req.reply_buffer = stub_pool_->take(req.stub.size());
    req.cancel = std::make_shared<CallCancel>();
    if (in.cancelled) req.cancel->request();
    in_flight_.emplace(call_id, req.cancel);
    uint16_t context_id = in.context_id;
    std::weak_ptr<ServerConnection> weak = weak_from_this();
    core_.dispatch(std::move(req), [weak, call_id, context_id](ServerReply reply) {
      if (auto self = weak.lock()) self->on_reply(call_id, context_id, std::move(reply));
    });
  }

  void on_reply(uint32_t call_id, uint16_t context_id, ServerReply reply) {
    stub_pool_->give(std::move(reply.spent));
    if (closed_ || !in_flight_.erase(call_id)) return;
    if (orphaned_.erase(call_id)) return;
    if (reply.fault) {
      const Fault& f = *reply.fault;
      // These two are decided before any handler runs.
      bool not_executed = f.is(FaultCode::op_rng_error) || f.is(FaultCode::unk_if);
      Bytes body = encode_fault_body(f);
      send_fault(call_id, context_id, f.code, not_executed, body);
      return;
    }
    send_response(call_id, context_id, std::move(reply.stub));
  }

  // Headers and stub go out in one gathered write, without copying the stub (protected:
  // through the security filter, each fragment whole). A response carries the low 8 bits of
  // the request's context id, as Windows and Samba 4.17 answer (a request on context 0xffff is
  // answered on 0xff: raw_protocol's test_orphaned_*; faults keep all 16).
  void send_response(uint32_t call_id, uint16_t context_id, Bytes stub) {
    if (closed_) return;
    auto pdu = writer_->make();
    auto head = [&](Encoder& enc, uint8_t flags, uint32_t alloc_hint, size_t n) {
      encode_response_head(enc, flags, call_id, alloc_hint, context_id & 0xff, n);
    };
    if (security_.filter().protects_pdus()) {
      Status st = detail::fragment_protected(*pdu, std::move(stub), negotiation_.max_xmit(),
                                             kResponseHeaderSize, security_.filter(), head);
      // A provider that cannot protect a response leaves the call unanswerable.
      if (!st.ok()) return protocol_error(call_id);
    } else {
      detail::fragment(*pdu, std::move(stub), negotiation_.max_xmit(), kResponseHeaderSize, head);
    }
    CallStats::count(core_.stats().pkts_out, pdu->fragments);
    writer_->send(std::move(pdu));
  }

  using Negotiation = detail::ServerNegotiation::Outcome;

  std::weak_ptr<Server::Impl> server_;
  const ServerConfig& config_;
  ServerCore& core_;
  uint64_t id_;
  std::shared_ptr<StubPool> stub_pool_;  // before the writer, which gives to it
  std::unique_ptr<net::Stream> stream_;
  std::unique_ptr<detail::FragmentReader> reader_;
  std::unique_ptr<detail::FragmentWriter> writer_;
  std::string transport_;
  std::string secondary_;
  std::string peer_;

  bool closing_ = false;  // no more input is processed
  bool closed_ = false;   // disconnect started
  bool reading_paused_ = false;  // the write queue is over max_write_queue
  std::optional<uint32_t> group_;
  detail::ServerNegotiation negotiation_;
  detail::ServerSecurity security_;
  detail::RequestAssembly assembly_;
  std::map<uint32_t, std::shared_ptr<CallCancel>> in_flight_;  // dispatched, not yet answered
  std::set<uint32_t> orphaned_;
};

void Server::Impl::accept(std::unique_ptr<net::Stream> stream, std::string transport,
                          std::string secondary) {
  if (closed || connections.size() >= config.max_connections) {
    // Refused: closing the stream (by destroying it) is all the answer a client gets.
    return;
  }
  uint64_t id = next_connection++;
  auto conn = std::make_shared<ServerConnection>(*this, id, std::move(stream), std::move(transport),
                                                 std::move(secondary));
  connections.emplace(id, conn);
  conn->start();
}

AssociationGroups::AssociationGroups() {
  std::random_device rd;
  // Association group ids are visible to every client; starting at a random point makes them
  // less guessable across restarts (they are not a security boundary).
  next_ = (rd() & 0x00ffffff) | 0x01000000;
}

uint32_t AssociationGroups::create() {
  std::lock_guard lock(mutex_);
  uint32_t id;
  do id = next_++; while (id == 0 || members_.count(id));
  members_[id] = 1;
  return id;
}

bool AssociationGroups::join(uint32_t id) {
  std::lock_guard lock(mutex_);
  auto it = members_.find(id);
  if (it == members_.end()) return false;
  ++it->second;
  return true;
}

void AssociationGroups::leave(uint32_t id) {
  std::lock_guard lock(mutex_);
  auto it = members_.find(id);
  if (it != members_.end() && --it->second == 0) members_.erase(it);
}

size_t AssociationGroups::size() const {
  std::lock_guard lock(mutex_);
  return members_.size();
}

Server::Server(net::Loop& loop, ServerCore& core, ServerConfig config)
    : impl_(std::make_shared<Impl>(loop, core, std::move(config))) {
  // The built-in management interface (issue 7); see ServerConfig::management_interface.
  if (impl_->config.management_interface) {
    MgmtService::Options mgmt;
    mgmt.allow_stop = impl_->config.allow_remote_stop;
    // Deferred: the stop call's own reply goes out first. The Server is alive while its Impl is.
    mgmt.stop = [this, weak = std::weak_ptr<Impl>(impl_), &loop] {
      loop.defer([this, weak] { if (weak.lock()) close(); });
    };
    impl_->mgmt = std::make_unique<MgmtServer>(core, std::move(mgmt));
  }
}

Server::~Server() { close(); }

net::Result<net::Address> Server::listen(const Binding& binding) {
  switch (binding.protseq()) {
    case Protseq::kNcacnIpTcp: {
      std::string host = binding.host();
      std::string family = host.find(':') != std::string::npos ? "ipv6" : "ipv4";
      auto addr = net::Address::inet(family, host, binding.port().value_or(0));
      if (!addr) return addr.status();
      return listen_tcp(*addr);
    }
    case Protseq::kNcalrpc: {
      if (!binding.endpoint() || binding.endpoint()->empty())
        return net::Status(net::Errc::invalid_argument, 0, "ncalrpc needs an endpoint name");
      auto addr = net::Address::unix_path(impl_->config.ncalrpc_dir + "/" + *binding.endpoint());
      if (!addr) return addr.status();
      return listen_unix(*addr);
    }
    default:
      return net::Status(net::Errc::invalid_argument, 0, "unsupported protocol sequence");
  }
}

net::Result<net::Address> Server::listen_tcp(const net::Address& local) {
  std::weak_ptr<Impl> weak = impl_;
  auto port = std::make_shared<std::string>();
  net::ListenOptions options;
  options.reuse_port = impl_->config.reuse_port;
  auto l = net::tcp_listen(impl_->loop, local,
                           [weak, port](net::Status st, std::unique_ptr<net::Stream> s) {
                             auto impl = weak.lock();
                             if (impl && st.ok() && s) impl->accept(std::move(s), "ncacn_ip_tcp", *port);
                           },
                           options);
  if (!l) return l.status();
  net::Address bound = (*l)->local_address();
  *port = std::to_string(bound.port());
  impl_->listeners.push_back(std::move(*l));
  return bound;
}

net::Result<net::Address> Server::listen_unix(const net::Address& path) {
  std::weak_ptr<Impl> weak = impl_;
  std::string name = path.path().substr(path.path().rfind('/') + 1);
  auto l = net::unix_listen(impl_->loop, path,
                            [weak, name](net::Status st, std::unique_ptr<net::Stream> s) {
                              auto impl = weak.lock();
                              if (impl && st.ok() && s) impl->accept(std::move(s), "ncalrpc", name);
                            });
  if (!l) return l.status();
  net::Address bound = (*l)->local_address();
  impl_->listeners.push_back(std::move(*l));
  return bound;
}

void Server::serve(std::unique_ptr<net::Stream> stream, std::string transport,
                   std::string secondary_address) {
  impl_->accept(std::move(stream), std::move(transport), std::move(secondary_address));
}

void Server::close() {
  if (!impl_) return;
  impl_->closed = true;
  impl_->listeners.clear();
  // shutdown_now may erase from the map (through release); iterate over a copy.
  std::vector<std::shared_ptr<ServerConnection>> conns;
  for (auto& [id, c] : impl_->connections) conns.push_back(c);
  for (auto& c : conns) c->shutdown_now();
}

size_t Server::connection_count() const { return impl_->connections.size(); }
uint64_t Server::connections_accepted() const { return impl_->next_connection - 1; }
size_t Server::queued_write_bytes() const {
  size_t n = 0;
  for (auto& [id, c] : impl_->connections) n += c->queued_write_bytes();
  return n;
}
size_t Server::association_group_count() const { return impl_->groups.size(); }
const ServerConfig& Server::config() const { return impl_->config; }

}  // namespace nca::rpc::cn
