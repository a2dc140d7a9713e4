#include "client_engine.h"

#include <random>
#include <utility>

#include "conv.h"
#include "nca/base/require.h"

namespace nca::rpc::dg::detail {

Uuid random_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  Uuid u;
  for (size_t i = 0; i < 16; i += 8) {
    uint64_t r = rng();
    for (size_t j = 0; j < 8; ++j) u.bytes[i + j] = uint8_t(r >> (8 * j));
  }
  u.bytes[6] = uint8_t((u.bytes[6] & 0x0f) | 0x40);  // version 4
  u.bytes[8] = uint8_t((u.bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  return u;
}

ClientEngine::ClientEngine(const Clock& clock, ClientEngineConfig config, Send send)
    : clock_(clock), cfg_(std::move(config)), send_(std::move(send)) {
  if (!cfg_.new_activity) cfg_.new_activity = random_uuid;
}

ClientEngine::~ClientEngine() = default;

ClientEngine::Activity& ClientEngine::free_activity() {
  for (auto& a : activities_)
    if (a->call == 0) return *a;
  auto a = std::make_unique<Activity>();
  a->id = cfg_.new_activity();
  by_uuid_[a->id] = a.get();
  activities_.push_back(std::move(a));
  return *activities_.back();
}

void ClientEngine::flush(std::vector<Bytes>& out) {
  for (auto& d : out) send_(std::move(d));
  out.clear();
}

uint64_t ClientEngine::start(ClientCallSpec spec, Done done) {
  Activity& a = free_activity();
  const uint64_t id = next_id_++;
  ClientCallParams p;
  p.activity = a.id;
  p.seq = a.next_seq++;
  p.interface = spec.interface;
  p.opnum = spec.opnum;
  p.object = spec.object;
  p.flags1 = spec.flags1;
  p.server_boot = server_boot_;
  p.fragment_size = cfg_.fragment_size;
  p.window = cfg_.window;
  p.max_response = cfg_.max_response;
  p.initial_rto = cfg_.initial_rto;
  p.max_rto = cfg_.max_rto;
  p.comm_timeout = cfg_.comm_timeout;
  p.owner_acks = true;
  a.pending_ack.clear();  // this request acknowledges the previous reply
  a.current_seq = p.seq;
  a.call = id;
  auto [it, inserted] =
      calls_.emplace(id, Running{ClientCall(std::move(p), std::move(spec.stub), clock_.now()), std::move(done), &a});
  std::vector<Bytes> out;
  it->second.call.start(clock_.now(), out);
  flush(out);
  if (it->second.call.done()) finish(id);
  return id;
}

void ClientEngine::finish(uint64_t id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  ClientOutcome o = it->second.call.take_outcome();
  // The server's boot time, once learnt, goes into every later request (C706 10.2.2), so that a
  // restarted server rejects calls meant for its previous life.
  if (server_boot_ == 0 && o.server_boot != 0) server_boot_ = o.server_boot;
  Done done = std::move(it->second.done);
  Activity& a = *it->second.activity;
  a.call = 0;
  // A reply (or fault) to acknowledge: later, unless the next call on the activity does it.
  if (it->second.call.server_has_call() && !(it->second.call.params().flags1 & kFlagMaybe)) {
    a.pending_ack = it->second.call.ack_pdu();
    a.ack_at = clock_.now() + cfg_.ack_delay;
  }
  calls_.erase(it);
  done(std::move(o));
}

void ClientEngine::abandon(uint64_t id) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  // Advisory (C706 10.2.6): the server may still run the call; the activity's next call has a
  // higher sequence number, which ends the old one there in any case.
  send_(it->second.call.cancel_pdu(++cancel_id_));
  it->second.activity->call = 0;
  calls_.erase(it);
}

void ClientEngine::on_datagram(ByteView datagram) {
  auto r = decode(datagram);
  if (!r.ok()) return;  // not ours to answer: a datagram that does not decode has no activity
  const Pdu& pdu = r.value();
  if (pdu.header.auth_proto != 0) return;
  if (pdu.header.type == PduType::request) {
    answer_conv(pdu);
    return;
  }
  auto a = by_uuid_.find(pdu.header.activity);
  if (a == by_uuid_.end() || a->second->call == 0) {
    // A late answer for a call that ended: if it is a reply, ack it so the server can free it.
    if (a != by_uuid_.end() && (pdu.header.type == PduType::response || pdu.header.type == PduType::fault) &&
        pdu.header.seq == a->second->current_seq) {
      Pdu ack{pdu.header, {}, {}};
      ack.header.type = PduType::ack;
      ack.header.flags1 &= kFlagIdempotent | kFlagMaybe | kFlagBroadcast;
      ack.header.fragnum = 0;
      ack.header.serial = 0;
      send_(encode(ack));
    }
    return;
  }
  const uint64_t id = a->second->call;
  Running& run = calls_.at(id);
  std::vector<Bytes> out;
  run.call.on_pdu(pdu, clock_.now(), out);
  flush(out);
  if (run.call.done()) finish(id);
}

void ClientEngine::on_timer() {
  const auto now = clock_.now();
  std::vector<uint64_t> finished;
  std::vector<Bytes> out;
  for (auto& [id, run] : calls_) {
    if (run.call.deadline() > now) continue;
    run.call.on_timer(now, out);
    if (run.call.done()) finished.push_back(id);
  }
  flush(out);
  for (uint64_t id : finished) finish(id);
  for (auto& a : activities_)
    if (!a->pending_ack.empty() && a->ack_at <= now) send_(std::exchange(a->pending_ack, Bytes{}));
}

std::optional<Clock::Duration> ClientEngine::next_deadline() const {
  std::optional<Clock::Duration> d;
  for (auto& [id, run] : calls_)
    if (!d || run.call.deadline() < *d) d = run.call.deadline();
  for (auto& a : activities_)
    if (!a->pending_ack.empty() && (!d || a->ack_at < *d)) d = a->ack_at;
  return d;
}

void ClientEngine::answer_conv(const Pdu& pdu) {
  const Header& h = pdu.header;
  if (h.interface != kConvInterface.uuid) return;  // we serve nothing else on a client socket
  auto in = decode_conv_request(h.opnum, std::get<ByteView>(pdu.body), h.little_endian());
  Header r = h;
  r.flags1 = h.flags1 & (kFlagIdempotent | kFlagMaybe | kFlagBroadcast);
  r.flags2 = 0;
  r.fragnum = 0;
  r.serial = 0;
  if (!in) {
    r.type = PduType::reject;
    send_(encode(Pdu{r, StatusBody{static_cast<uint32_t>(in.error())}, {}}));
    return;
  }
  ConvAnswer ans;
  auto a = by_uuid_.find(in.value().activity);
  if (a == by_uuid_.end()) {
    ans.status = static_cast<uint32_t>(FaultCode::bad_actid);
  } else if (server_boot_ != 0 && in.value().boot_time != server_boot_) {
    // The server asking is not the one this activity has talked to.
    ans.status = static_cast<uint32_t>(FaultCode::wrong_boot_time);
  } else {
    // A running call's sequence number; with none running, the next one: a request for an
    // earlier one is a stale duplicate the server must not run.
    ans.seq = a->second->call ? a->second->current_seq : a->second->next_seq;
  }
  r.type = PduType::response;
  Bytes stub = encode_conv_response(h.opnum, ans);
  send_(encode(Pdu{r, ByteView(stub), {}}));
}

}  // namespace nca::rpc::dg::detail
