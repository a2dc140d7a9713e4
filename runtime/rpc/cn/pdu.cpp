// Hand-written CO PDU codec; see pdu.h for the contract and TODO(generated).
#include "nca/rpc/cn/pdu.h"

#include <cstring>

namespace nca::rpc::cn {
namespace {

constexpr Uuid kFeatureUuidBase = Uuid::from_literal("6cb71c2c-9812-4540-0000-000000000000");

// A bounds-checked reader in the sender's byte order. Offsets are relative to the fragment start,
// which is what NDR alignment inside a PDU is relative to.
class Reader {
 public:
  Reader(ByteView data, bool little_endian) : data_(data), le_(little_endian) {}

  bool ok() const { return ok_; }
  size_t pos() const { return pos_; }
  size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
  void limit(size_t end) {
    if (end < pos_ || end > data_.size()) ok_ = false;
    else data_ = data_.first(end);
  }

  uint8_t u8() {
    if (!need(1)) return 0;
    return data_[pos_++];
  }
  uint16_t u16() {
    if (!need(2)) return 0;
    uint16_t v = le_ ? uint16_t(data_[pos_] | data_[pos_ + 1] << 8)
                     : uint16_t(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  uint32_t u32() {
    if (!need(4)) return 0;
    const uint8_t* p = data_.data() + pos_;
    uint32_t v = le_ ? (uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
                        uint32_t(p[3]) << 24)
                     : (uint32_t(p[3]) | uint32_t(p[2]) << 8 | uint32_t(p[1]) << 16 |
                        uint32_t(p[0]) << 24);
    pos_ += 4;
    return v;
  }
  Uuid uuid() {
    Uuid u;
    uint32_t a = u32();
    uint16_t b = u16(), c = u16();
    u.bytes = {uint8_t(a >> 24), uint8_t(a >> 16), uint8_t(a >> 8), uint8_t(a),
               uint8_t(b >> 8),  uint8_t(b),       uint8_t(c >> 8), uint8_t(c)};
    if (need(8)) {
      std::memcpy(u.bytes.data() + 8, data_.data() + pos_, 8);
      pos_ += 8;
    }
    return u;
  }
  SyntaxId syntax() {
    SyntaxId s;
    s.uuid = uuid();
    // ndr_syntax_id's if_version is one uint32: major in the low half, minor in the high half.
    uint32_t v = u32();
    s.major = uint16_t(v & 0xffff);
    s.minor = uint16_t(v >> 16);
    return s;
  }
  ByteView bytes(size_t n) {
    if (!need(n)) return {};
    ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
  }
  void align(size_t n) {
    size_t pad = (n - pos_ % n) % n;
    if (pad <= remaining()) pos_ += pad;
    else ok_ = false;
  }
  ByteView rest() { return bytes(remaining()); }

 private:
  bool need(size_t n) {
    if (!ok_ || data_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  ByteView data_;
  size_t pos_ = 0;
  bool le_;
  bool ok_ = true;
};

bool known_type(uint8_t t) {
  switch (static_cast<PduType>(t)) {
    case PduType::request: case PduType::response: case PduType::fault: case PduType::bind:
    case PduType::bind_ack: case PduType::bind_nak: case PduType::alter_context:
    case PduType::alter_context_resp: case PduType::auth3: case PduType::shutdown:
    case PduType::co_cancel: case PduType::orphaned:
      return true;
  }
  return false;
}

Header read_header(ByteView b) {
  Header h;
  h.rpc_vers = b[0];
  h.rpc_vers_minor = b[1];
  h.type = static_cast<PduType>(b[2]);
  h.flags = b[3];
  std::memcpy(h.drep, b.data() + 4, 4);
  Reader r(b.first(kHeaderSize), h.little_endian());
  r.bytes(8);
  h.frag_length = r.u16();
  h.auth_length = r.u16();
  h.call_id = r.u32();
  return h;
}

BindBody read_bind(Reader& r) {
  BindBody b;
  b.max_xmit_frag = r.u16();
  b.max_recv_frag = r.u16();
  b.assoc_group_id = r.u32();
  uint8_t n = r.u8();
  r.align(4);
  for (uint8_t i = 0; i < n && r.ok(); ++i) {
    PresentationContext c;
    c.context_id = r.u16();
    uint8_t nt = r.u8();
    r.u8();  // reserved
    c.abstract_syntax = r.syntax();
    // At most 255 transfer syntaxes of 20 bytes each; reserve only what the fragment can hold.
    if (size_t(nt) * 20 > r.remaining()) {
      r.bytes(r.remaining() + 1);  // fails the reader
      break;
    }
    c.transfer_syntaxes.reserve(nt);
    for (uint8_t j = 0; j < nt; ++j) c.transfer_syntaxes.push_back(r.syntax());
    b.contexts.push_back(std::move(c));
  }
  return b;
}

BindAckBody read_bind_ack(Reader& r) {
  BindAckBody b;
  b.max_xmit_frag = r.u16();
  b.max_recv_frag = r.u16();
  b.assoc_group_id = r.u32();
  uint16_t addr_len = r.u16();
  ByteView addr = r.bytes(addr_len);
  if (!addr.empty()) {
    size_t n = addr.size();
    if (addr[n - 1] == 0) --n;
    b.secondary_address.assign(reinterpret_cast<const char*>(addr.data()), n);
  }
  r.align(4);
  uint8_t n = r.u8();
  r.u8();
  r.u16();
  if (size_t(n) * 24 > r.remaining()) {
    r.bytes(r.remaining() + 1);
    return b;
  }
  for (uint8_t i = 0; i < n && r.ok(); ++i) {
    ContextResultEntry e;
    e.result = static_cast<ContextResult>(r.u16());
    e.reason = r.u16();
    e.transfer_syntax = r.syntax();
    b.results.push_back(e);
  }
  return b;
}

}  // namespace

std::string_view to_string(PduType type) {
  switch (type) {
    case PduType::request: return "request";
    case PduType::response: return "response";
    case PduType::fault: return "fault";
    case PduType::bind: return "bind";
    case PduType::bind_ack: return "bind_ack";
    case PduType::bind_nak: return "bind_nak";
    case PduType::alter_context: return "alter_context";
    case PduType::alter_context_resp: return "alter_context_resp";
    case PduType::auth3: return "auth3";
    case PduType::shutdown: return "shutdown";
    case PduType::co_cancel: return "co_cancel";
    case PduType::orphaned: return "orphaned";
  }
  return "unknown";
}

SyntaxId bind_time_feature_syntax(uint16_t features) {
  SyntaxId s{kFeatureUuidBase, 1, 0};
  // clock_seq is bytes 8-9 of the UUID, sent as they are; the bitmap is little-endian there.
  s.uuid.bytes[8] = uint8_t(features & 0xff);
  s.uuid.bytes[9] = uint8_t(features >> 8);
  return s;
}

std::optional<uint16_t> bind_time_features(const SyntaxId& syntax) {
  Uuid base = syntax.uuid;
  base.bytes[8] = base.bytes[9] = 0;
  if (base != kFeatureUuidBase) return std::nullopt;
  return uint16_t(syntax.uuid.bytes[8] | syntax.uuid.bytes[9] << 8);
}

std::optional<Header> peek_header(ByteView bytes) {
  if (bytes.size() < kHeaderSize) return std::nullopt;
  return read_header(bytes);
}

Result<Pdu, DecodeError> decode(ByteView frag) {
  if (frag.size() < kHeaderSize) return DecodeError{"fragment shorter than the 16-byte header"};
  Pdu pdu;
  pdu.header = read_header(frag);
  const Header& h = pdu.header;
  auto fail = [&](std::string m) {
    return DecodeError{std::string(to_string(h.type)) + ": " + m, h.call_id};
  };
  if (h.rpc_vers != 5 || h.rpc_vers_minor > 1)
    return DecodeError{"unsupported protocol version " + std::to_string(h.rpc_vers) + "." +
                           std::to_string(h.rpc_vers_minor),
                       h.call_id};
  if (!known_type(frag[2]))
    return DecodeError{"unknown PDU type " + std::to_string(frag[2]), h.call_id};
  if (h.frag_length != frag.size())
    return fail("frag_length " + std::to_string(h.frag_length) + " but " +
                std::to_string(frag.size()) + " bytes");

  // The auth trailer sits at the end: 8 bytes of sec_trailer, then auth_length bytes of token.
  size_t body_end = frag.size();
  if (h.auth_length != 0) {
    size_t need = kHeaderSize + kAuthTrailerSize + h.auth_length;
    if (need > frag.size()) return fail("auth_length beyond the fragment");
    size_t at = frag.size() - h.auth_length - kAuthTrailerSize;
    Reader t(frag, h.little_endian());
    t.bytes(at);
    AuthTrailer a;
    a.auth_type = t.u8();
    a.auth_level = t.u8();
    a.auth_pad_length = t.u8();
    a.auth_reserved = t.u8();
    a.auth_context_id = t.u32();
    a.credentials = t.bytes(h.auth_length);
    pdu.auth = a;
    body_end = at;
  }

  Reader r(frag, h.little_endian());
  r.bytes(kHeaderSize);
  r.limit(body_end);
  // Auth padding belongs to the stub of request/response/fault only.
  auto stub_of = [&](Reader& rd) -> std::optional<ByteView> {
    ByteView s = rd.rest();
    size_t pad = pdu.auth ? pdu.auth->auth_pad_length : 0;
    if (pad > s.size()) return std::nullopt;
    return s.first(s.size() - pad);
  };

  switch (h.type) {
    case PduType::bind:
    case PduType::alter_context: {
      pdu.body = read_bind(r);
      break;
    }
    case PduType::bind_ack:
    case PduType::alter_context_resp:
      pdu.body = read_bind_ack(r);
      break;
    case PduType::bind_nak: {
      BindNakBody b;
      b.reason = static_cast<BindNakReason>(r.u16());
      // Windows may end the body after the reason.
      if (r.ok() && r.remaining() > 0) {
        uint8_t n = r.u8();
        if (size_t(n) * 2 > r.remaining()) return fail("num_versions beyond the fragment");
        for (uint8_t i = 0; i < n; ++i) {
          uint8_t major = r.u8();
          b.versions.emplace_back(major, r.u8());
        }
      }
      pdu.body = std::move(b);
      break;
    }
    case PduType::request: {
      RequestBody b;
      b.alloc_hint = r.u32();
      b.context_id = r.u16();
      b.opnum = r.u16();
      if (h.has(kPfcObjectUuid)) b.object = r.uuid();
      if (!r.ok()) return fail("body shorter than its fixed fields");
      auto s = stub_of(r);
      if (!s) return fail("auth_pad_length beyond the stub data");
      b.stub = *s;
      pdu.body = b;
      break;
    }
    case PduType::response: {
      ResponseBody b;
      b.alloc_hint = r.u32();
      b.context_id = r.u16();
      b.cancel_count = r.u8();
      r.u8();
      if (!r.ok()) return fail("body shorter than its fixed fields");
      auto s = stub_of(r);
      if (!s) return fail("auth_pad_length beyond the stub data");
      b.stub = *s;
      pdu.body = b;
      break;
    }
    case PduType::fault: {
      FaultBody b;
      b.alloc_hint = r.u32();
      b.context_id = r.u16();
      b.cancel_count = r.u8();
      b.flags = r.u8();
      b.status = r.u32();
      r.u32();
      if (!r.ok()) return fail("body shorter than its fixed fields");
      auto s = stub_of(r);
      b.stub = s ? *s : ByteView{};
      pdu.body = b;
      break;
    }
    case PduType::auth3:
      r.u32();  // padding
      pdu.body = EmptyBody{};
      break;
    case PduType::shutdown:
    case PduType::co_cancel:
    case PduType::orphaned:
      pdu.body = EmptyBody{};
      break;
  }
  if (!r.ok()) return fail("body does not fit the fragment");
  return pdu;
}

// ---- encoding ---------------------------------------------------------------------------------

void Encoder::u16(uint16_t v) {
  out.push_back(uint8_t(v));
  out.push_back(uint8_t(v >> 8));
}
void Encoder::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}
void Encoder::uuid(const Uuid& u) {
  const auto& b = u.bytes;
  u32(uint32_t(b[0]) << 24 | uint32_t(b[1]) << 16 | uint32_t(b[2]) << 8 | b[3]);
  u16(uint16_t(b[4] << 8 | b[5]));
  u16(uint16_t(b[6] << 8 | b[7]));
  out.insert(out.end(), b.begin() + 8, b.end());
}
void Encoder::syntax(const SyntaxId& s) {
  uuid(s.uuid);
  u32(uint32_t(s.major) | uint32_t(s.minor) << 16);
}
void begin_fragment(Encoder& enc, PduType type, uint8_t flags, uint32_t call_id) {
  enc.u8(5);
  enc.u8(0);
  enc.u8(static_cast<uint8_t>(type));
  enc.u8(flags);
  enc.u32(0x00000010);  // drep: little-endian, ASCII, IEEE
  enc.u16(0);           // frag_length, fixed up by finish_fragment
  enc.u16(0);           // auth_length
  enc.u32(call_id);
}

void finish_fragment(Encoder& enc, size_t start) {
  size_t len = enc.out.size() - start;
  enc.out[start + 8] = uint8_t(len);
  enc.out[start + 9] = uint8_t(len >> 8);
}

void encode_bind(Encoder& enc, PduType type, uint8_t flags, uint32_t call_id,
                 const BindBody& body) {
  size_t start = enc.out.size();
  begin_fragment(enc, type, flags, call_id);
  enc.u16(body.max_xmit_frag);
  enc.u16(body.max_recv_frag);
  enc.u32(body.assoc_group_id);
  enc.u8(uint8_t(body.contexts.size()));
  enc.u8(0);
  enc.u16(0);
  for (const auto& c : body.contexts) {
    enc.u16(c.context_id);
    enc.u8(uint8_t(c.transfer_syntaxes.size()));
    enc.u8(0);
    enc.syntax(c.abstract_syntax);
    for (const auto& t : c.transfer_syntaxes) enc.syntax(t);
  }
  finish_fragment(enc, start);
}

void encode_bind_ack(Encoder& enc, PduType type, uint8_t flags, uint32_t call_id,
                     const BindAckBody& body) {
  size_t start = enc.out.size();
  begin_fragment(enc, type, flags, call_id);
  enc.u16(body.max_xmit_frag);
  enc.u16(body.max_recv_frag);
  enc.u32(body.assoc_group_id);
  if (body.secondary_address.empty()) {
    enc.u16(0);
  } else {
    enc.u16(uint16_t(body.secondary_address.size() + 1));
    enc.bytes({reinterpret_cast<const uint8_t*>(body.secondary_address.data()),
               body.secondary_address.size()});
    enc.u8(0);
  }
  while ((enc.out.size() - start) % 4) enc.u8(0);
  enc.u8(uint8_t(body.results.size()));
  enc.u8(0);
  enc.u16(0);
  for (const auto& e : body.results) {
    enc.u16(static_cast<uint16_t>(e.result));
    enc.u16(e.reason);
    enc.syntax(e.transfer_syntax);
  }
  finish_fragment(enc, start);
}

void encode_bind_nak(Encoder& enc, uint32_t call_id, const BindNakBody& body) {
  size_t start = enc.out.size();
  begin_fragment(enc, PduType::bind_nak, kPfcFirstFrag | kPfcLastFrag, call_id);
  enc.u16(static_cast<uint16_t>(body.reason));
  enc.u8(uint8_t(body.versions.size()));
  for (auto [major, minor] : body.versions) {
    enc.u8(major);
    enc.u8(minor);
  }
  while ((enc.out.size() - start) % 4) enc.u8(0);
  finish_fragment(enc, start);
}

namespace {
void set_frag_length(Encoder& enc, size_t start, size_t total) {
  enc.out[start + 8] = uint8_t(total);
  enc.out[start + 9] = uint8_t(total >> 8);
}
}  // namespace

void encode_request_head(Encoder& enc, uint8_t flags, uint32_t call_id, uint32_t alloc_hint,
                         uint16_t context_id, uint16_t opnum, const std::optional<Uuid>& object,
                         size_t stub_size) {
  size_t start = enc.out.size();
  begin_fragment(enc, PduType::request, uint8_t(flags | (object ? kPfcObjectUuid : 0)), call_id);
  enc.u32(alloc_hint);
  enc.u16(context_id);
  enc.u16(opnum);
  if (object) enc.uuid(*object);
  set_frag_length(enc, start, enc.out.size() - start + stub_size);
}

void encode_response_head(Encoder& enc, uint8_t flags, uint32_t call_id, uint32_t alloc_hint,
                          uint16_t context_id, size_t stub_size) {
  size_t start = enc.out.size();
  begin_fragment(enc, PduType::response, flags, call_id);
  enc.u32(alloc_hint);
  enc.u16(context_id);
  enc.u8(0);  // cancel_count
  enc.u8(0);
  set_frag_length(enc, start, kResponseHeaderSize + stub_size);
}

void encode_fault(Encoder& enc, uint8_t flags, uint32_t call_id, uint16_t context_id,
                  uint32_t status, ByteView stub) {
  size_t start = enc.out.size();
  begin_fragment(enc, PduType::fault, uint8_t(flags | kPfcFirstFrag | kPfcLastFrag), call_id);
  enc.u32(uint32_t(stub.size()));
  enc.u16(context_id);
  enc.u8(0);
  enc.u8(0);
  enc.u32(status);
  enc.u32(0);
  enc.bytes(stub);
  finish_fragment(enc, start);
}

void encode_empty(Encoder& enc, PduType type, uint8_t flags, uint32_t call_id) {
  size_t start = enc.out.size();
  begin_fragment(enc, type, flags, call_id);
  finish_fragment(enc, start);
}

}  // namespace nca::rpc::cn
