#include "conv.h"

#include "client_engine.h"

namespace nca::rpc::dg::detail {
namespace {

uint32_t get32(ByteView b, size_t at, bool le) {
  return le ? uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24
            : uint32_t(b[at + 3]) | uint32_t(b[at + 2]) << 8 | uint32_t(b[at + 1]) << 16 | uint32_t(b[at]) << 24;
}
void put32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
void put_uuid(Bytes& out, const Uuid& u) {
  uint8_t w[16];
  u.to_wire(w, true);
  out.insert(out.end(), w, w + 16);
}

// Each reply's size: seq + st, seq + cas_uuid + st, st.
size_t response_size(uint16_t opnum) { return opnum == kConvWhoAreYou ? 8 : opnum == kConvWhoAreYou2 ? 24 : 4; }

}  // namespace

Result<ConvRequest, FaultCode> decode_conv_request(uint16_t opnum, ByteView stub, bool le) {
  if (opnum > kConvAreYouThere) return FaultCode::op_rng_error;
  if (stub.size() != 20) return FaultCode::proto_error;
  ConvRequest r;
  r.activity = Uuid::from_wire(stub.first<16>(), le);
  r.boot_time = get32(stub, 16, le);
  return r;
}

Bytes encode_conv_request(const ConvRequest& r) {
  Bytes out;
  put_uuid(out, r.activity);
  put32(out, r.boot_time);
  return out;
}

Bytes encode_conv_response(uint16_t opnum, const ConvAnswer& a) {
  Bytes out;
  if (opnum != kConvAreYouThere) put32(out, a.seq);
  if (opnum == kConvWhoAreYou2) put_uuid(out, a.cas);
  put32(out, a.status);
  return out;
}

std::optional<ConvAnswer> decode_conv_response(uint16_t opnum, ByteView stub, bool le) {
  if (opnum > kConvAreYouThere || stub.size() != response_size(opnum)) return std::nullopt;
  ConvAnswer a;
  size_t at = 0;
  if (opnum != kConvAreYouThere) {
    a.seq = get32(stub, 0, le);
    at = 4;
  }
  if (opnum == kConvWhoAreYou2) {
    a.cas = Uuid::from_wire(stub.subspan(4).first<16>(), le);
    at += 16;
  }
  a.status = get32(stub, at, le);
  return a;
}

ConvCaller::ConvCaller(const Clock& clock, uint32_t boot_time, ClientCallParams timing, Send send,
                       std::function<Uuid()> new_activity)
    : clock_(clock),
      boot_time_(boot_time),
      timing_(std::move(timing)),
      send_(std::move(send)),
      new_activity_(new_activity ? std::move(new_activity) : random_uuid) {}

void ConvCaller::ask(const net::Address& peer, const Uuid& activity, Answer answer) {
  ClientCallParams p = timing_;
  p.activity = new_activity_();
  p.seq = 0;
  p.interface = kConvInterface;
  p.opnum = kConvWhoAreYou2;
  p.flags1 = kFlagIdempotent;  // C706 declares every conv operation idempotent
  p.server_boot = 0;
  Uuid id = p.activity;
  auto [it, ok] = calls_.emplace(
      id, Pending{peer, ClientCall(p, encode_conv_request({activity, boot_time_}), clock_.now()), std::move(answer)});
  std::vector<Bytes> out;
  it->second.call.start(clock_.now(), out);
  for (auto& d : out) send_(std::move(d), peer);
}

bool ConvCaller::on_pdu(const Pdu& pdu, const net::Address& from) {
  auto it = calls_.find(pdu.header.activity);
  if (it == calls_.end() || !(it->second.peer == from)) return false;
  std::vector<Bytes> out;
  it->second.call.on_pdu(pdu, clock_.now(), out);
  for (auto& d : out) send_(std::move(d), from);
  if (it->second.call.done()) settle(pdu.header.activity);
  return true;
}

void ConvCaller::settle(const Uuid& id) {
  auto it = calls_.find(id);
  ClientOutcome o = it->second.call.take_outcome();
  Answer answer = std::move(it->second.answer);
  calls_.erase(it);
  std::optional<uint32_t> seq;
  if (o.status.ok()) {
    auto a = decode_conv_response(kConvWhoAreYou2, o.stub, o.little_endian);
    if (a && a->status == 0) seq = a->seq;
  }
  answer(seq);
}

void ConvCaller::on_timer() {
  const auto now = clock_.now();
  std::vector<Uuid> finished;
  for (auto& [id, p] : calls_) {
    if (p.call.deadline() > now) continue;
    std::vector<Bytes> out;
    p.call.on_timer(now, out);
    for (auto& d : out) send_(std::move(d), p.peer);
    if (p.call.done()) finished.push_back(id);
  }
  for (auto& id : finished) settle(id);
}

std::optional<Clock::Duration> ConvCaller::next_deadline() const {
  std::optional<Clock::Duration> d;
  for (auto& [id, p] : calls_)
    if (!d || p.call.deadline() < *d) d = p.call.deadline();
  return d;
}

}  // namespace nca::rpc::dg::detail
