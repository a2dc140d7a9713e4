// The connection-oriented server engine. One ServerConnection per stream: a state machine fed
// whole fragments by a read loop, answering through a write queue. See server.h for the contract.
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

namespace nca::rpc::cn {

namespace {

struct Group {
  AssociationId core_id = 0;
  size_t connections = 0;
};

struct Context {
  SyntaxId abstract;
  SyntaxId transfer;
};

// A request being reassembled.
struct Incoming {
  uint16_t context_id = 0;
  uint16_t opnum = 0;
  std::optional<Uuid> object;
  bool little_endian = true;
  bool cancelled = false;  // a co_cancel or orphaned came while it was reassembled
  std::vector<uint8_t> stub;
};

constexpr uint16_t kMaxFragLimit = 65535;

uint16_t clamp_frag(uint32_t v) {
  return uint16_t(std::clamp<uint32_t>(v, kMinFragSize, kMaxFragLimit));
}

// The fragment size a bind settles on, the same both ways, as Windows answers (Samba's
// raw_protocol tests, written against Windows: a client's 0 gives 2048, 3199 gives 3192; MS-RPCE
// 3.3.1.5.2): the smaller of the client's two sizes, raised to 2048, lowered to ours, then
// rounded down to a multiple of 8. `ours` is at least C706's 1432, itself a multiple of 8.
uint16_t negotiated_frag(uint16_t client_xmit, uint16_t client_recv, uint16_t ours) {
  uint32_t v = std::max<uint32_t>(std::min(client_xmit, client_recv), 2048);
  return uint16_t(std::min<uint32_t>(v, ours) & ~uint32_t(7));
}

// What a bind carrying an auth trailer is refused with, there being no security provider: an
// auth level outside connect..privacy (2-6) is not_specified whatever the type, any type at a
// valid level invalid_auth_type (auth type none included). Checked against samba-dcerpcd 4.17,
// whose answers for types it has no provider for are these (raw_protocol's test_auth_none_*_bind).
BindNakReason bind_auth_refusal(const AuthTrailer& a) {
  bool valid_level = a.auth_level >= 2 && a.auth_level <= 6;
  return valid_level ? BindNakReason::invalid_auth_type : BindNakReason::not_specified;
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
        secondary_(std::move(secondary)) {
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

  bool on_fragment(ByteView frag) override {
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
    assembling_.clear();
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

  void handle_fragment(ByteView frag) {
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
        return on_request(pdu);
      case PduType::co_cancel: {
        // Cancels are advisory (C706): the handler hears of it (ServerCall::on_cancel) and
        // decides; the reply, when it comes, is still sent.
        if (!bound_) return protocol_error(pdu.header.call_id);
        cancel_call(pdu.header.call_id);
        return;
      }
      case PduType::orphaned:
        // The client will not read the reply of a running call: the handler is told, the reply
        // dropped. A call still being reassembled goes on as after a co_cancel (advisory): its
        // remaining fragments are taken and it is answered, as Windows and Samba do
        // (raw_protocol's test_orphaned_request_after_first_last); an orphaned for no call is
        // ignored.
        if (!bound_) return protocol_error(pdu.header.call_id);
        if (in_flight_.count(pdu.header.call_id)) orphaned_.insert(pdu.header.call_id);
        cancel_call(pdu.header.call_id);
        return;
      case PduType::auth3:
        // Without a security provider there is no third leg to take; a client that sends one
        // did not get an auth trailer accepted in its bind.
        return protocol_error(pdu.header.call_id);
      default:
        // response, fault, bind_ack, bind_nak, alter_context_resp, shutdown: server-to-client
        return protocol_error(pdu.header.call_id);
    }
  }

  void cancel_call(uint32_t call_id) {
    if (auto it = assembling_.find(call_id); it != assembling_.end()) it->second.cancelled = true;
    if (auto it = in_flight_.find(call_id); it != in_flight_.end()) {
      // The handler's callback may complete the call at once (on_reply erases the entry).
      auto cancel = it->second;
      cancel->request();
    }
  }

  // How a bind or alter_context's list of presentation contexts ends.
  enum class Negotiation {
    ok,               // answer with the results
    protocol_error,   // a context without transfer syntaxes, or changing an accepted one
    second_features,  // a second bind-time feature context in one bind
    over_limit,       // a new context beyond max_contexts
  };

  // Answers a bind's or alter_context's contexts, as Windows does (Samba's raw_protocol tests,
  // checked against samba-dcerpcd 4.17): at most one presentation context per PDU is accepted,
  // the first (in the client's order) whose abstract syntax we serve with a transfer syntax in
  // common, whether it is new or one accepted before; every later one is rejected with
  // proposed_transfer_syntaxes_not_supported (an existing context so rejected stays usable).
  // A context with no transfer syntax, or one that names an accepted context id with another
  // abstract or transfer syntax (C706: a context keeps its syntaxes for the association's life),
  // fails the whole PDU. Only a bind may carry the bind-time feature context (MS-RPCE
  // 3.3.1.5.3), at most one.
  Negotiation negotiate(const std::vector<PresentationContext>& offered, bool is_bind,
                        std::vector<ContextResultEntry>& results) {
    bool accepted_one = false;
    bool features_seen = false;
    for (const PresentationContext& pc : offered) {
      if (pc.transfer_syntaxes.empty()) return Negotiation::protocol_error;
      ContextResultEntry& e = results.emplace_back();
      e.result = ContextResult::provider_rejection;
      if (is_bind) {
        if (auto offer = bind_time_features(pc.transfer_syntaxes.front())) {
          if (features_seen) return Negotiation::second_features;
          features_seen = true;
          e.result = ContextResult::negotiate_ack;
          e.reason = uint16_t(*offer & config_.features);
          features_ = e.reason;
          continue;
        }
      }
      const ServerInterface* iface = core_.find_interface(pc.abstract_syntax);
      if (!iface) {
        e.reason = uint16_t(ProviderReason::abstract_syntax_not_supported);
        continue;
      }
      e.reason = uint16_t(ProviderReason::proposed_transfer_syntaxes_not_supported);
      const auto& ours = iface->spec->transfer_syntaxes;
      auto ts = std::find_first_of(pc.transfer_syntaxes.begin(), pc.transfer_syntaxes.end(),
                                   ours.begin(), ours.end());
      if (ts == pc.transfer_syntaxes.end()) continue;
      auto existing = contexts_.find(pc.context_id);
      if (existing != contexts_.end() &&
          (existing->second.abstract != pc.abstract_syntax || existing->second.transfer != *ts))
        return Negotiation::protocol_error;
      if (accepted_one) continue;
      if (existing == contexts_.end()) {
        if (contexts_.size() >= config_.max_contexts) return Negotiation::over_limit;
        contexts_[pc.context_id] = Context{pc.abstract_syntax, *ts};
      }
      accepted_one = true;
      e.result = ContextResult::acceptance;
      e.reason = 0;
      e.transfer_syntax = *ts;
    }
    return Negotiation::ok;
  }

  // Without a security provider every association is unauthenticated, and an auth trailer on a
  // request or alter_context, whatever its type (none included), is refused as Samba 4.17
  // refuses one on an unauthenticated association: fault nca_s_fault_access_denied, then
  // disconnect (alter_context: did_not_execute and context 0; request: its context, no flag).
  void refuse_auth(const Pdu& pdu, uint16_t context_id, bool did_not_execute) {
    send_fault(pdu.header.call_id, context_id,
               static_cast<uint32_t>(FaultCode::fault_access_denied), did_not_execute);
    close_after_writes();
  }

  void on_bind(const Pdu& pdu) {
    uint32_t call_id = pdu.header.call_id;
    // A second bind on a bound connection, and a bind offering no context: bind_nak
    // not_specified, as Windows and Samba answer (raw_protocol's test_no_auth_valid_valid_request
    // and test_no_auth_no_ctx).
    if (bound_) return bind_nak(call_id, BindNakReason::not_specified);
    const auto& body = std::get<BindBody>(pdu.body);
    if (body.contexts.empty()) return bind_nak(call_id, BindNakReason::not_specified);
    if (pdu.auth) return bind_nak(call_id, bind_auth_refusal(*pdu.auth));
    BindAckBody ack;
    switch (negotiate(body.contexts, true, ack.results)) {
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
    bound_ = true;
    conc_mpx_ = pdu.header.has(kPfcConcMpx);
    // Fragments are symmetric after negotiation, as Samba and Windows do.
    max_xmit_ = max_recv_ = negotiated_frag(body.max_xmit_frag, body.max_recv_frag, config_.max_frag);

    ack.max_xmit_frag = max_xmit_;
    ack.max_recv_frag = max_recv_;
    ack.assoc_group_id = *group_;
    ack.secondary_address = secondary_;
    Encoder enc;
    // CONC_MPX and SUPPORT_HEADER_SIGN (the bind's meaning of 0x04) are echoed when asked for,
    // as Windows does (raw_protocol's test_no_auth_request_bind_pfc_*).
    uint8_t flags = kPfcFirstFrag | kPfcLastFrag |
                    (pdu.header.flags & (kPfcConcMpx | kPfcSupportHeaderSign));
    encode_bind_ack(enc, PduType::bind_ack, flags, call_id, ack);
    send(std::move(enc.out));
  }

  void on_alter_context(const Pdu& pdu) {
    uint32_t call_id = pdu.header.call_id;
    if (!bound_) return protocol_error(call_id);
    if (pdu.auth) return refuse_auth(pdu, 0, true);
    const auto& body = std::get<BindBody>(pdu.body);
    BindAckBody ack;
    // No context at all, a context without transfer syntaxes, one changing an accepted context:
    // fault nca_s_proto_error (did_not_execute, context 0), then disconnect, as Windows and
    // Samba (raw_protocol's test_alter_no_auth_no_ctx, test_no_auth_presentation_ctx_invalid3).
    Negotiation n = body.contexts.empty() ? Negotiation::protocol_error
                                          : negotiate(body.contexts, false, ack.results);
    if (n == Negotiation::over_limit) return bind_nak(call_id, BindNakReason::local_limit_exceeded);
    if (n != Negotiation::ok) return protocol_error(call_id);
    ack.max_xmit_frag = max_xmit_;
    ack.max_recv_frag = max_recv_;
    ack.assoc_group_id = *group_;
    Encoder enc;
    uint8_t flags = kPfcFirstFrag | kPfcLastFrag | (pdu.header.flags & kPfcSupportHeaderSign);
    encode_bind_ack(enc, PduType::alter_context_resp, flags, call_id, ack);
    send(std::move(enc.out));
  }

  void on_request(const Pdu& pdu) {
    const Header& h = pdu.header;
    if (!bound_) return protocol_error(h.call_id);
    const auto& body = std::get<RequestBody>(pdu.body);
    if (pdu.auth) return refuse_auth(pdu, body.context_id, false);

    auto it = assembling_.find(h.call_id);
    if (h.has(kPfcFirstFrag)) {
      // A call id is in use until its reply is sent.
      if (it != assembling_.end() || in_flight_.count(h.call_id)) return protocol_error(h.call_id);
      if (!assembling_.empty()) {
        // A new call while another is being reassembled, as Windows answers it (raw_protocol's
        // test_orphaned_request_after_first_*no_last): without concurrent multiplexing the call
        // being reassembled is faulted (its context, not did_not_execute); with it, the new
        // call's fragments may interleave, but one on an unknown context is a protocol error
        // (context 0), not the unk_if it would get alone. Then disconnect.
        if (!conc_mpx_) {
          const auto& [pending_id, pending] = *assembling_.begin();
          send_fault(pending_id, pending.context_id, static_cast<uint32_t>(FaultCode::proto_error),
                     false);
          return close_after_writes();
        }
        if (!contexts_.count(body.context_id)) {
          send_fault(h.call_id, 0, static_cast<uint32_t>(FaultCode::proto_error), false);
          return close_after_writes();
        }
      }
      if (assembling_.size() + in_flight_.size() >= config_.max_calls_in_flight) {
        if (h.has(kPfcLastFrag))
          send_fault(h.call_id, body.context_id,
                     static_cast<uint32_t>(FaultCode::server_too_busy), true);
        else
          protocol_error(h.call_id);  // we would have to swallow its later fragments
        return;
      }
      Incoming in;
      in.context_id = body.context_id;
      in.opnum = body.opnum;
      in.object = body.object;
      in.little_endian = h.little_endian();
      if (h.has(kPfcLastFrag)) {
        // The usual call: one fragment, dispatched without a stay in the reassembly map.
        if (body.stub.size() > config_.max_request_size) return protocol_error(h.call_id);
        in.stub = stub_pool_->take(body.stub.size());
        in.stub.assign(body.stub.begin(), body.stub.end());
        return dispatch(h.call_id, std::move(in));
      }
      // alloc_hint is the client's word only: the reservations of all the calls a connection is
      // reassembling stay within max_request_size together; beyond that a stub grows with the
      // bytes that actually arrive.
      size_t reserved = 0;
      for (const auto& [id, other] : assembling_) reserved += other.stub.capacity();
      size_t budget = config_.max_request_size > reserved ? config_.max_request_size - reserved : 0;
      in.stub = stub_pool_->take(std::min<size_t>({body.alloc_hint, config_.max_request_size, budget}));
      it = assembling_.emplace(h.call_id, std::move(in)).first;
    } else if (it == assembling_.end()) {
      return protocol_error(h.call_id);  // a middle or last fragment of no call
    } else if (it->second.context_id != body.context_id || it->second.opnum != body.opnum) {
      return protocol_error(h.call_id);
    }
    Incoming& in = it->second;
    if (in.stub.size() + body.stub.size() > config_.max_request_size) {
      assembling_.erase(it);
      return protocol_error(h.call_id);
    }
    in.stub.insert(in.stub.end(), body.stub.begin(), body.stub.end());
    if (!h.has(kPfcLastFrag)) return;

    Incoming call = std::move(in);
    assembling_.erase(it);
    dispatch(h.call_id, std::move(call));
  }

  void dispatch(uint32_t call_id, Incoming in) {
    auto ctx = contexts_.find(in.context_id);
    if (ctx == contexts_.end()) {
      // Context 0 in the fault: the request's context id names nothing (Windows, Samba;
      // raw_protocol's test_no_auth_presentation_ctx_invalid1, test_assoc_group_ok1).
      send_fault(call_id, 0, static_cast<uint32_t>(FaultCode::unk_if), true);
      return;
    }
    auto server = server_.lock();
    if (!server) return;
    ServerRequest req;
    req.interface = ctx->second.abstract;
    req.opnum = in.opnum;
    if (in.object) req.object = *in.object;
    req.caller.transport = transport_;
    req.caller.peer = peer_;
    req.caller.association = server->groups.at(*group_).core_id;
    req.caller.little_endian = in.little_endian;
    req.transfer = ctx->second.transfer;
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

  // Headers and stub go out in one gathered write, without copying the stub. A response carries
  // the low 8 bits of the request's context id, as Windows and Samba 4.17 answer (a request on
  // context 0xffff is answered on 0xff: raw_protocol's test_orphaned_*; faults keep all 16).
  void send_response(uint32_t call_id, uint16_t context_id, Bytes stub) {
    if (closed_) return;
    auto pdu = writer_->make();
    detail::fragment(*pdu, std::move(stub), max_xmit_, kResponseHeaderSize,
                     [&](Encoder& enc, uint8_t flags, uint32_t alloc_hint, size_t n) {
                       encode_response_head(enc, flags, call_id, alloc_hint, context_id & 0xff, n);
                     });
    CallStats::count(core_.stats().pkts_out, pdu->fragments);
    writer_->send(std::move(pdu));
  }

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

  bool bound_ = false;
  bool closing_ = false;  // no more input is processed
  bool closed_ = false;   // disconnect started
  bool reading_paused_ = false;  // the write queue is over max_write_queue
  uint16_t max_xmit_ = kMinFragSize;
  uint16_t max_recv_ = kMinFragSize;
  uint16_t features_ = 0;
  bool conc_mpx_ = false;  // the bind asked for concurrent multiplexing (PFC_CONC_MPX)
  std::optional<uint32_t> group_;
  std::map<uint16_t, Context> contexts_;
  std::map<uint32_t, Incoming> assembling_;
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
