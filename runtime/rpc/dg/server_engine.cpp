#include "server_engine.h"

#include <algorithm>
#include <list>
#include <string>

#include <netinet/in.h>
#include <sys/socket.h>
#include <utility>

#include "fragments.h"
#include "nca/base/require.h"

namespace nca::rpc::dg::detail {
namespace {

// The transfer syntax of every DG call: NDR64 is never negotiated without a bind (MS-RPCE 3.3.1.5.1).
constexpr SyntaxId kNdr20 = ::nca::rpc::kNdr20;

enum class CallState : uint8_t {
  none,       // no call of `seq` seen (a new activity, or waiting for the callback's answer)
  verifying,  // asked the client (conv_who_are_you2) before running the call
  receiving,  // fragments of the request arriving
  executing,  // dispatched, no reply yet
  replied,    // the reply (or fault) is cached until acked
  acked,      // the client acknowledged the reply; nothing cached
  lost,       // the reply was evicted from the cache before the client had it
};

// A peer's identity as a map key: the family and the raw socket address bytes (port and host),
// or the path of a unix socket. Looked up for every datagram, so no text formatting; an inet key
// (at most 1 + 2 + 16 bytes) stays within std::string's small buffer.
std::string peer_key(const net::Address& a) {
  std::string key(1, char(a.family()));
  if (a.is_unix()) return key += a.path();
  if (!a.is_inet()) return key;
  sockaddr_storage ss;
  a.to_sockaddr(ss);
  if (ss.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    key.append(reinterpret_cast<const char*>(&in->sin_port), sizeof in->sin_port);
    key.append(reinterpret_cast<const char*>(&in->sin_addr), sizeof in->sin_addr);
  } else {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    key.append(reinterpret_cast<const char*>(&in6->sin6_port), sizeof in6->sin6_port);
    key.append(reinterpret_cast<const char*>(&in6->sin6_addr), sizeof in6->sin6_addr);
    key.append(reinterpret_cast<const char*>(&in6->sin6_scope_id), sizeof in6->sin6_scope_id);
  }
  return key;
}

}  // namespace

struct Activity {
  net::Address peer;
  std::string peer_key;   // peer_key(peer)
  std::string peer_name;  // peer.to_string(), for CallerInfo
  Uuid id;
  uint32_t seq = 0;
  CallState state = CallState::none;
  Header request;  // the request's first fragment header seen (interface, opnum, flags, ...)
  Reassembly reassembly{0};
  Transmission reply;
  std::optional<uint32_t> reply_status;  // a fault's status: the reply is a fault PDU
  bool reply_le = true;
  uint16_t serial = 0;
  Clock::Duration last_heard{0};
  Clock::Duration reassembly_started{0};
  std::shared_ptr<CallCancel> cancel;
  uint64_t generation = 0;  // which call a ReplySink belongs to
  std::list<Activity*>::iterator lru;  // position in Impl::replied_ (valid in state replied)
  size_t reply_bytes = 0;
  bool fresh = true;  // no call of this activity seen yet
  // The call of `seq` was rejected with this status (state acked): a duplicate or a ping gets
  // the reject again, since the first one may have been lost.
  std::optional<uint32_t> rejected;
};

struct PeerAssociation {
  AssociationId id = 0;
  size_t activities = 0;
};

struct ServerEngine::Impl : std::enable_shared_from_this<Impl> {
  ServerCore& core;
  const Clock& clock;
  ServerEngineConfig cfg;
  Send send;
  ServerEngineStats stats;
  std::map<std::pair<std::string, Uuid>, std::unique_ptr<Activity>> activities;
  std::map<std::string, PeerAssociation> associations;
  std::list<Activity*> replied;  // cached replies, oldest first
  size_t reassembly_total = 0;
  size_t reply_total = 0;
  uint64_t next_generation = 1;

  Impl(ServerCore& c, const Clock& k, ServerEngineConfig config, Send s)
      : core(c), clock(k), cfg(std::move(config)), send(std::move(s)) {}

  ~Impl() {
    for (auto& [peer, a] : associations) core.close_association(a.id);
  }

  Clock::Duration now() const { return clock.now(); }

  // ---- output -----------------------------------------------------------------------------

  Header header_for(const Activity& a, PduType type) const {
    Header h;
    h.type = type;
    h.flags1 = a.request.flags1 & (kFlagIdempotent | kFlagMaybe | kFlagBroadcast);
    h.object = a.request.object;
    h.interface = a.request.interface;
    h.interface_version = a.request.interface_version;
    h.activity = a.id;
    h.server_boot = cfg.boot_time;
    h.seq = a.seq;
    h.opnum = a.request.opnum;
    return h;
  }

  void emit(const Activity& a, const Pdu& pdu) {
    Bytes out;
    encode(pdu, out);
    CallStats::count(core.stats().pkts_out);
    send(std::move(out), a.peer);
  }

  // A reply for a header we could not attach to an activity (a reject before one exists).
  void emit_to(const net::Address& to, Header h, Body body) {
    h.server_boot = cfg.boot_time;
    Pdu pdu{std::move(h), std::move(body), {}};
    Bytes out;
    encode(pdu, out);
    CallStats::count(core.stats().pkts_out);
    send(std::move(out), to);
  }

  void reject(const net::Address& to, const Header& req, FaultCode code) {
    ++stats.rejected;
    Header h = req;
    h.type = PduType::reject;
    h.flags1 &= kFlagIdempotent | kFlagMaybe | kFlagBroadcast;
    h.flags2 = 0;
    h.fragnum = 0;
    h.serial = 0;
    h.auth_proto = 0;
    emit_to(to, h, StatusBody{static_cast<uint32_t>(code)});
  }

  // Rejects the activity's current call and remembers it, so that it is never run and a lost
  // reject is sent again when the client asks.
  void reject_call(Activity& a, FaultCode code) {
    reject(a.peer, a.request, code);
    a.rejected = static_cast<uint32_t>(code);
    a.state = CallState::acked;
  }

  void send_fack(Activity& a, uint16_t serial, PduType type = PduType::fack) {
    Pdu pdu{header_for(a, type), {}, {}};
    pdu.header.fragnum = a.reassembly.highest_in_order();
    FackBody f;
    f.window_size = cfg.window;
    f.max_tsdu = uint32_t(std::min<size_t>(cfg.max_request_size, 0xffffffff));
    f.max_frag_size = uint32_t(cfg.fragment_size + kHeaderSize);
    f.serial = serial;
    f.selack = a.reassembly.selack();
    pdu.body = std::move(f);
    emit(a, pdu);
  }

  void send_simple(Activity& a, PduType type) {
    Pdu pdu{header_for(a, type), {}, {}};
    emit(a, pdu);
  }

  void send_reply_burst(Activity& a) {
    if (a.reply_status) {
      // A fault is one PDU, resent whole whenever the client asks again.
      Pdu pdu{header_for(a, PduType::fault), StatusBody{*a.reply_status}, {}};
      emit(a, pdu);
      return;
    }
    auto burst = a.reply.next_burst();
    for (size_t i = 0; i < burst.size(); ++i) {
      uint16_t n = burst[i];
      Pdu pdu{header_for(a, PduType::response), a.reply.fragment(n), {}};
      pdu.header.fragnum = n;
      if (a.reply.fragmented()) {
        pdu.header.flags1 |= kFlagFrag;
        if (n + 1 == a.reply.count()) pdu.header.flags1 |= kFlagLastFrag;
        if (i + 1 != burst.size()) pdu.header.flags1 |= kFlagNoFack;
      }
      pdu.header.serial = a.serial++;
      emit(a, pdu);
    }
  }

  // The client asks again (a ping, or a duplicate of the request): send what it has not got.
  void resend_reply(Activity& a) {
    if (!a.reply_status) {
      a.reply.on_timeout();
      if (a.reply.all_acked()) a.reply.restart();  // it acked every fragment but lost some? resend
    }
    send_reply_burst(a);
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  void drop_reassembly(Activity& a) {
    reassembly_total -= a.reassembly.bytes();
    a.reassembly = Reassembly(0);
  }

  void drop_reply(Activity& a) {
    if (a.state == CallState::replied) {
      replied.erase(a.lru);
      reply_total -= a.reply_bytes;
    }
    a.reply_bytes = 0;
    a.reply = Transmission();
    a.reply_status.reset();
  }

  // Ends whatever the activity held for its current call (a new call starts, or it expires).
  void clear_call(Activity& a) {
    drop_reassembly(a);
    drop_reply(a);
    a.cancel.reset();
    ++a.generation;  // a reply still to come for the old call is dropped
  }

  Activity* find(const net::Address& from, const Uuid& id) {
    auto it = activities.find({peer_key(from), id});
    return it == activities.end() ? nullptr : it->second.get();
  }

  Activity* create(const net::Address& from, const Uuid& id) {
    if (activities.size() >= cfg.max_activities && !evict_one()) return nullptr;
    auto a = std::make_unique<Activity>();
    a->peer = from;
    a->peer_key = peer_key(from);
    a->peer_name = from.to_string();
    a->id = id;
    a->last_heard = now();
    auto& assoc = associations[a->peer_key];
    if (assoc.activities++ == 0) assoc.id = core.open_association();
    Activity* p = a.get();
    activities.emplace(std::make_pair(p->peer_key, id), std::move(a));
    return p;
  }

  void erase(Activity& a) {
    clear_call(a);
    std::string key = a.peer_key;
    auto as = associations.find(key);
    if (as != associations.end() && --as->second.activities == 0) {
      core.close_association(as->second.id);
      associations.erase(as);
    }
    activities.erase({key, a.id});
  }

  // Frees one activity slot: the longest-idle activity with no call running or arriving.
  bool evict_one() {
    Activity* victim = nullptr;
    for (auto& [k, a] : activities) {
      if (a->state == CallState::executing || a->state == CallState::receiving ||
          a->state == CallState::verifying || a->state == CallState::replied)
        continue;
      if (!victim || a->last_heard < victim->last_heard) victim = a.get();
    }
    if (!victim) return false;
    erase(*victim);
    return true;
  }

  // ---- input --------------------------------------------------------------------------------

  void on_datagram(ByteView d, const net::Address& from) {
    CallStats::count(core.stats().pkts_in);
    auto r = decode(d);
    if (!r.ok()) {
      ++stats.decode_errors;  // a datagram that does not decode has no activity to answer
      return;
    }
    const Pdu& pdu = r.value();
    const Header& h = pdu.header;
    if (h.auth_proto != 0) {
      // No security provider serves datagrams yet: refuse rather than run unauthenticated.
      if (h.type == PduType::request) reject(from, h, FaultCode::unsupported_authn_level);
      return;
    }
    switch (h.type) {
      case PduType::request: on_request(pdu, from); break;
      case PduType::ping: on_ping(pdu, from); break;
      case PduType::fack: on_fack(pdu, from); break;
      case PduType::ack: on_ack(pdu, from); break;
      case PduType::cl_cancel: on_cancel(pdu, from); break;
      default: break;  // server-to-client PDUs: not ours to answer
    }
  }

  void on_request(const Pdu& pdu, const net::Address& from) {
    const Header& h = pdu.header;
    const ByteView stub = std::get<ByteView>(pdu.body);
    if (h.server_boot != 0 && h.server_boot != cfg.boot_time) {
      reject(from, h, FaultCode::wrong_boot_time);
      return;
    }
    Activity* a = find(from, h.activity);
    if (!a) {
      a = create(from, h.activity);
      if (!a) {
        reject(from, h, FaultCode::server_too_busy);
        return;
      }
      a->seq = h.seq;
    }
    a->last_heard = now();
    if (h.seq < a->seq) return;  // stale: the client has moved on to a later call
    if (h.seq != a->seq || a->state == CallState::none || a->state == CallState::acked ||
        a->state == CallState::lost) {
      if (h.seq == a->seq && (a->state == CallState::acked || a->state == CallState::lost)) {
        // A duplicate of a call already answered and acknowledged (or whose reply is gone):
        // never run it twice.
        ++stats.duplicates;
        if (a->rejected) return reject(from, a->request, static_cast<FaultCode>(*a->rejected));
        if (a->state == CallState::lost)
          emit_to(from, header_for(*a, PduType::fault),
                  StatusBody{static_cast<uint32_t>(FaultCode::fault_remote_no_memory)});
        return;
      }
      // A new call on the activity: it acknowledges the previous reply.
      clear_call(*a);
      a->rejected.reset();
      a->seq = h.seq;
      a->request = h;
      a->state = CallState::receiving;
      a->reassembly = Reassembly(cfg.max_request_size);
      a->reassembly_started = now();
      const bool fresh = std::exchange(a->fresh, false);
      if (fresh && cfg.callback && !(h.flags1 & (kFlagIdempotent | kFlagMaybe))) {
        // An activity we have never heard of asks for at-most-once: find out from the client
        // which call it is on before running this one (C706 10.2.2, conv_who_are_you2).
        a->state = CallState::verifying;
        verify(*a);
      }
    }
    switch (a->state) {
      case CallState::receiving:
      case CallState::verifying:
        add_fragment(*a, h, stub);
        return;
      case CallState::executing:
        ++stats.duplicates;
        // The client asks (again) whether we have it: yes, running.
        if (!h.has(kFlagFrag) || h.has(kFlagLastFrag) || !h.has(kFlagNoFack)) send_simple(*a, PduType::working);
        return;
      case CallState::replied:
        ++stats.duplicates;
        // The client lacks the reply (it acknowledges the whole request): send it again when
        // the duplicate asks for an answer, as a ping would.
        if (!h.has(kFlagFrag) || h.has(kFlagLastFrag) || !h.has(kFlagNoFack)) resend_reply(*a);
        return;
      default:
        return;
    }
  }

  void add_fragment(Activity& a, const Header& h, ByteView stub) {
    const bool fragmented = h.has(kFlagFrag);
    const bool last = !fragmented || h.has(kFlagLastFrag);
    if (!fragmented && h.fragnum != 0) return;
    size_t before = a.reassembly.bytes();
    if (stub.size() > cfg.max_reassembly_total - std::min(reassembly_total, cfg.max_reassembly_total)) {
      // Over the server-wide budget: drop the fragment; the client retransmits it later.
      return;
    }
    switch (a.reassembly.add(h.fragnum, last, stub)) {
      case Reassembly::Added::duplicate:
        ++stats.duplicates;
        break;
      case Reassembly::Added::too_large:
      case Reassembly::Added::inconsistent: {
        drop_reassembly(a);
        reject_call(a, FaultCode::proto_error);  // this sequence number is spent: never run it
        return;
      }
      case Reassembly::Added::added:
        break;
    }
    reassembly_total += a.reassembly.bytes() - before;
    // The first fragment to arrive need not be fragment 0: the header fields that name the call
    // are the same in every fragment.
    if (fragmented && !h.has(kFlagNoFack)) send_fack(a, h.serial);
    if (a.reassembly.complete() && a.state == CallState::receiving) execute(a);
  }

  void verify(Activity& a) {
    std::weak_ptr<Impl> weak = weak_from_this();
    net::Address peer = a.peer;
    Uuid id = a.id;
    uint64_t gen = a.generation;
    cfg.callback(peer, id, [weak, peer, id, gen](std::optional<uint32_t> seq) {
      auto self = weak.lock();
      if (!self) return;
      Activity* a = self->find(peer, id);
      if (!a || a->generation != gen || a->state != CallState::verifying) return;
      if (!seq) {
        self->drop_reassembly(*a);
        self->reject_call(*a, FaultCode::who_are_you_failed);
        return;
      }
      if (*seq != a->seq) {
        // The client is on another call: this request is a stale retransmission. Drop it, and
        // start from what the client says.
        self->drop_reassembly(*a);
        a->state = CallState::acked;
        if (*seq > a->seq) a->seq = *seq - 1;
        return;
      }
      a->state = CallState::receiving;
      if (a->reassembly.complete()) self->execute(*a);
    });
  }

  void execute(Activity& a) {
    const Header& h = a.request;
    a.reassembly_started = now();
    reassembly_total -= a.reassembly.bytes();
    Bytes stub = a.reassembly.take();
    a.reassembly = Reassembly(0);
    SyntaxId iface{h.interface, uint16_t(h.interface_version & 0xffff), uint16_t(h.interface_version >> 16)};
    const ServerInterface* si = core.find_interface(iface);
    if (!si) {
      reject_call(a, FaultCode::unk_if);
      return;
    }
    if (h.opnum >= si->spec->operations.size()) {
      reject_call(a, FaultCode::op_rng_error);
      return;
    }
    a.state = CallState::executing;
    ++stats.executed;
    ServerRequest req;
    req.interface = iface;
    req.opnum = h.opnum;
    req.object = h.object;
    req.caller.transport = cfg.transport;
    req.caller.peer = a.peer_name;
    req.caller.association = associations[a.peer_key].id;
    req.caller.little_endian = h.little_endian();
    req.transfer = kNdr20;
    req.stub = std::move(stub);
    a.cancel = std::make_shared<CallCancel>();
    req.cancel = a.cancel;
    std::weak_ptr<Impl> weak = weak_from_this();
    net::Address peer = a.peer;
    Uuid id = a.id;
    uint64_t gen = a.generation;
    core.dispatch(std::move(req), [weak, peer, id, gen](ServerReply reply) {
      if (auto self = weak.lock()) self->on_reply(peer, id, gen, std::move(reply));
    });
  }

  void on_reply(const net::Address& peer, const Uuid& id, uint64_t gen, ServerReply reply) {
    Activity* a = find(peer, id);
    if (!a || a->generation != gen || a->state != CallState::executing) return;
    a->cancel.reset();
    a->last_heard = now();
    if (a->request.has(kFlagMaybe)) {
      a->state = CallState::acked;  // nobody waits for a [maybe] call's reply
      return;
    }
    if (reply.fault) {
      a->reply_status = reply.fault->code;
      a->reply_bytes = 4;
    } else {
      a->reply_bytes = reply.stub.size();
      a->reply = Transmission(std::move(reply.stub), cfg.fragment_size, cfg.window);
    }
    a->state = CallState::replied;
    a->lru = replied.insert(replied.end(), a);
    reply_total += a->reply_bytes;
    send_reply_burst(*a);
    // Over the cache budget: the oldest replies go first (the client may already have them).
    while (reply_total > cfg.max_reply_cache_total && replied.size() > 1) {
      Activity* old = replied.front();
      drop_reply(*old);
      old->state = CallState::lost;
    }
  }

  void on_ping(const Pdu& pdu, const net::Address& from) {
    const Header& h = pdu.header;
    Activity* a = find(from, h.activity);
    if (!a || h.seq > a->seq || (h.seq == a->seq && a->state == CallState::none)) {
      Header r = h;
      r.type = PduType::nocall;
      r.flags1 = 0;
      r.fragnum = 0;
      r.serial = 0;
      emit_to(from, r, std::monostate{});
      return;
    }
    if (h.seq < a->seq) return;
    a->last_heard = now();
    switch (a->state) {
      case CallState::receiving:
      case CallState::verifying:
        send_fack(*a, h.serial, PduType::nocall);
        return;
      case CallState::executing:
        send_simple(*a, PduType::working);
        return;
      case CallState::replied:
        resend_reply(*a);
        return;
      case CallState::acked:
        if (a->rejected) reject(from, a->request, static_cast<FaultCode>(*a->rejected));
        return;
      default:
        return;
    }
  }

  void on_fack(const Pdu& pdu, const net::Address& from) {
    const Header& h = pdu.header;
    Activity* a = find(from, h.activity);
    if (!a || h.seq != a->seq || a->state != CallState::replied || a->reply_status) return;
    a->last_heard = now();
    const FackBody* f = std::get_if<FackBody>(&pdu.body);
    // The server keeps no retransmission timer: a fack that acknowledges nothing new is the
    // client's timer asking for what it still lacks (or a duplicate), so whatever is in flight
    // beyond what it has is presumed lost.
    if (!a->reply.on_fack(h.fragnum, f)) a->reply.on_timeout();
    if (a->reply.all_acked()) return;
    send_reply_burst(*a);
  }

  void on_ack(const Pdu& pdu, const net::Address& from) {
    const Header& h = pdu.header;
    Activity* a = find(from, h.activity);
    if (!a || h.seq != a->seq || a->state != CallState::replied) return;
    a->last_heard = now();
    drop_reply(*a);
    a->state = CallState::acked;
  }

  void on_cancel(const Pdu& pdu, const net::Address& from) {
    const Header& h = pdu.header;
    Activity* a = find(from, h.activity);
    if (!a || h.seq != a->seq) return;
    const auto* c = std::get_if<CancelBody>(&pdu.body);
    bool accepting = a->state == CallState::executing && a->cancel;
    if (accepting) a->cancel->request();
    Pdu ack{header_for(*a, PduType::cancel_ack), CancelAckBody{0, c ? c->id : 0, accepting}, {}};
    emit(*a, ack);
  }

  void on_timer() {
    const auto t = now();

    std::vector<Activity*> expired;
    for (auto& [k, a] : activities) {
      if (a->state == CallState::receiving && t - a->reassembly_started >= cfg.reassembly_idle &&
          t - a->last_heard >= cfg.reassembly_idle) {
        // A request whose fragments stopped coming: forget it; if the client is still there it
        // pings, hears nocall and sends it again.
        drop_reassembly(*a);
        a->state = CallState::none;
      }
      if (a->state != CallState::executing && a->state != CallState::verifying &&
          t - a->last_heard >= cfg.activity_idle)
        expired.push_back(a.get());
    }
    for (Activity* a : expired) erase(*a);
  }
};

ServerEngine::ServerEngine(ServerCore& core, const Clock& clock, ServerEngineConfig config, Send send)
    : impl_(std::make_shared<Impl>(core, clock, std::move(config), std::move(send))) {}

ServerEngine::~ServerEngine() = default;

void ServerEngine::on_datagram(ByteView datagram, const net::Address& from) { impl_->on_datagram(datagram, from); }
void ServerEngine::on_timer() { impl_->on_timer(); }
const ServerEngineStats& ServerEngine::stats() const { return impl_->stats; }
size_t ServerEngine::activities() const { return impl_->activities.size(); }
size_t ServerEngine::reassembly_bytes() const { return impl_->reassembly_total; }
size_t ServerEngine::reply_cache_bytes() const { return impl_->reply_total; }

}  // namespace nca::rpc::dg::detail
