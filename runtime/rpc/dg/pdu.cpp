// The DG PDU codec over the code ncaidl generates from idl/dcerpc.idl (ncadg_packet and its
// bodies). What is hand-written here is only what IDL cannot say; each spot says why.
#include "nca/rpc/dg/pdu.h"

#include "dcerpc_types.h"
#include "nca/base/require.h"
#include "nca/ndr/ndr.h"

namespace nca::rpc::dg {
namespace {

namespace gen = ::dcerpc;

Header from_gen(const gen::ncadg_packet& p) {
  Header h;
  h.type = static_cast<PduType>(p.ptype);
  h.flags1 = p.pfc_flags;
  h.flags2 = p.ncadg_flags;
  for (int i = 0; i < 3; ++i) h.drep[i] = p.drep[i];
  h.object = p.object;
  h.interface = p.iface;
  h.activity = p.activity;
  h.server_boot = p.server_boot;
  h.interface_version = p.iface_version;
  h.seq = p.seq_num;
  h.opnum = p.opnum;
  h.ihint = p.ihint;
  h.ahint = p.ahint;
  h.body_length = p.len;
  h.fragnum = p.fragnum;
  h.auth_proto = p.auth_proto;
  // Hand-written: C706 splits the 16-bit serial number between octet 7 and octet 79.
  h.serial = uint16_t(p.serial_high << 8 | p.serial_low);
  return h;
}

gen::ncadg_packet to_gen(const Header& h, size_t body_length) {
  gen::ncadg_packet p;
  p.rpc_vers = kRpcVersion;
  p.ptype = static_cast<uint8_t>(h.type);
  p.pfc_flags = h.flags1;
  p.ncadg_flags = h.flags2;
  p.drep = {0x10, 0, 0};  // what Push writes: little-endian, ASCII, IEEE
  p.serial_high = uint8_t(h.serial >> 8);
  p.serial_low = uint8_t(h.serial);
  p.object = h.object;
  p.iface = h.interface;
  p.activity = h.activity;
  p.server_boot = h.server_boot;
  p.iface_version = h.interface_version;
  p.seq_num = h.seq;
  p.opnum = h.opnum;
  p.ihint = h.ihint;
  p.ahint = h.ahint;
  p.len = uint16_t(body_length);
  p.fragnum = h.fragnum;
  p.auth_proto = h.auth_proto;
  return p;
}

FackBody from_gen(const gen::dcerpc_fack& f) {
  FackBody b;
  b.version = f.version;
  b.window_size = f.window_size;
  b.max_tsdu = f.max_tdsu;
  b.max_frag_size = f.max_frag_size;
  b.serial = f.serial_no;
  b.selack = f.selack;
  return b;
}

gen::dcerpc_fack to_gen(const FackBody& b) {
  gen::dcerpc_fack f;
  f.version = b.version;
  f.window_size = b.window_size;
  f.max_tdsu = b.max_tsdu;
  f.max_frag_size = b.max_frag_size;
  f.serial_no = b.serial;
  f.selack_size = uint16_t(b.selack.size());
  f.selack = b.selack;
  return f;
}

bool is_stub_type(PduType t) { return t == PduType::request || t == PduType::response; }

nca::ndr::Pull pull_over(ByteView bytes, bool little_endian) {
  nca::ndr::DataRep rep;
  rep.little_endian = little_endian;
  return nca::ndr::Pull(bytes, nca::ndr::Syntax::ndr20, rep);
}

}  // namespace

std::string_view to_string(PduType type) {
  switch (type) {
    case PduType::request: return "request";
    case PduType::ping: return "ping";
    case PduType::response: return "response";
    case PduType::fault: return "fault";
    case PduType::working: return "working";
    case PduType::nocall: return "nocall";
    case PduType::reject: return "reject";
    case PduType::ack: return "ack";
    case PduType::cl_cancel: return "cl_cancel";
    case PduType::fack: return "fack";
    case PduType::cancel_ack: return "cancel_ack";
  }
  return "unknown";
}

Result<Pdu, DecodeError> decode(ByteView d) {
  if (d.size() < kHeaderSize)
    return DecodeError{"datagram of " + std::to_string(d.size()) + " bytes, shorter than the 80-byte header"};
  if (d[0] != kRpcVersion) return DecodeError{"unsupported protocol version " + std::to_string(d[0])};
  if (d[1] > static_cast<uint8_t>(PduType::cancel_ack))
    return DecodeError{"unknown PDU type " + std::to_string(d[1])};
  const bool le = (d[4] & 0xf0) != 0;
  // Hand-written: the body length must be known before the body is pulled, to bound it (the
  // verifier follows it, and NDR_REMAINING would otherwise swallow the verifier too).
  const size_t len = le ? size_t(d[74] | d[75] << 8) : size_t(d[74] << 8 | d[75]);
  if (kHeaderSize + len > d.size())
    return DecodeError{"body length " + std::to_string(len) + " beyond the datagram's " +
                       std::to_string(d.size() - kHeaderSize) + " bytes"};
  const uint8_t auth_proto = d[78];
  if (auth_proto == 0 && kHeaderSize + len != d.size())
    return DecodeError{std::to_string(d.size() - kHeaderSize - len) +
                       " bytes after the body without an authentication verifier"};
  const PduType type = static_cast<PduType>(d[1]);
  auto fail = [&](const std::string& m) { return DecodeError{std::string(to_string(type)) + ": " + m}; };

  Pdu pdu;
  pdu.verifier = d.subspan(kHeaderSize + len);
  // The stub of request and response stays a view: the generated pull sees only the header (its
  // NDR_REMAINING blob is then empty), and the stub is what the body length covers.
  ByteView packet = is_stub_type(type) ? d.first(kHeaderSize) : d.first(kHeaderSize + len);
  gen::ncadg_packet pkt;
  nca::ndr::Pull p = pull_over(packet, le);
  if (!pull(p, nca::ndr::kScalarsAndBuffers, pkt)) return fail(p.status().to_string());
  pdu.header = from_gen(pkt);
  using Arm = gen::dcerpc_dg_payload::Arm;
  switch (pkt.u.arm()) {
    case Arm::request:
    case Arm::response:
      pdu.body = d.subspan(kHeaderSize, len);
      break;
    case Arm::fault:
      pdu.body = StatusBody{pkt.u.fault().status};
      break;
    case Arm::reject:
      pdu.body = StatusBody{pkt.u.reject().status};
      break;
    case Arm::fack:
      pdu.body = from_gen(pkt.u.fack());
      break;
    case Arm::nocall: {
      // Hand-written: nocall's body is optional (C706 12.5.3.7), which IDL's union cannot say;
      // the blob is empty or a fack body.
      const auto& blob = pkt.u.nocall().data;
      if (!blob.empty()) {
        gen::dcerpc_fack f;
        nca::ndr::Pull fp = pull_over(blob, le);
        if (!pull(fp, nca::ndr::kScalarsAndBuffers, f)) return fail("fack body: " + fp.status().to_string());
        pdu.body = from_gen(f);
      }
      break;
    }
    case Arm::cl_cancel:
      pdu.body = CancelBody{pkt.u.cl_cancel().version, pkt.u.cl_cancel().id};
      break;
    case Arm::cancel_ack: {
      const auto& c = pkt.u.cancel_ack();
      pdu.body = CancelAckBody{c.version, c.id, c.server_is_accepting != 0};
      break;
    }
    default:  // ping, working, ack: no body (a body sent anyway is ignored, as DCE does)
      break;
  }
  return pdu;
}

void encode(const Pdu& pdu, Bytes& out) {
  const Header& h = pdu.header;
  thread_local nca::ndr::Push p(nca::ndr::Syntax::ndr20, 256);
  p.clear();
  ByteView stub;
  gen::ncadg_packet pkt;
  switch (h.type) {
    case PduType::request:
    case PduType::response:
      NCA_REQUIRE(std::holds_alternative<ByteView>(pdu.body) || std::holds_alternative<std::monostate>(pdu.body));
      if (auto* v = std::get_if<ByteView>(&pdu.body)) stub = *v;
      NCA_REQUIRE(stub.size() <= 0xffff, "stub of a DG fragment beyond 64 KiB");
      pkt = to_gen(h, stub.size());
      if (h.type == PduType::request) pkt.u.set_request(); else pkt.u.set_response();
      break;
    case PduType::fault:
    case PduType::reject: {
      const auto& s = std::get<StatusBody>(pdu.body);
      pkt = to_gen(h, 4);
      gen::dcerpc_dg_status st;
      st.status = static_cast<decltype(st.status)>(s.status);
      if (h.type == PduType::fault) pkt.u.set_fault(st); else pkt.u.set_reject(st);
      break;
    }
    case PduType::fack:
    case PduType::nocall: {
      const FackBody* f = std::get_if<FackBody>(&pdu.body);
      NCA_REQUIRE(f || h.type == PduType::nocall, "a fack needs its body");
      size_t body = f ? 16 + 4 * f->selack.size() : 0;
      pkt = to_gen(h, body);
      if (h.type == PduType::fack) {
        pkt.u.set_fack(to_gen(*f));
      } else {
        nca::ndr::DataBlob blob;
        if (f) {
          nca::ndr::Push fp(nca::ndr::Syntax::ndr20, 64);
          push(fp, nca::ndr::kScalarsAndBuffers, to_gen(*f));
          blob.data.assign(fp.bytes().begin(), fp.bytes().end());
        }
        pkt.u.set_nocall(std::move(blob));
      }
      break;
    }
    case PduType::cl_cancel: {
      const auto& c = std::get<CancelBody>(pdu.body);
      pkt = to_gen(h, 8);
      pkt.u.set_cl_cancel(gen::dcerpc_cl_cancel{c.version, c.id});
      break;
    }
    case PduType::cancel_ack: {
      const auto& c = std::get<CancelAckBody>(pdu.body);
      pkt = to_gen(h, 12);
      gen::dcerpc_cancel_ack a;
      a.version = c.version;
      a.id = c.id;
      a.server_is_accepting = c.server_is_accepting ? 1 : 0;
      pkt.u.set_cancel_ack(a);
      break;
    }
    case PduType::ping:
      pkt = to_gen(h, 0);
      pkt.u.set_ping();
      break;
    case PduType::working:
      pkt = to_gen(h, 0);
      pkt.u.set_working();
      break;
    case PduType::ack:
      pkt = to_gen(h, 0);
      pkt.u.set_ack();
      break;
  }
  push(p, nca::ndr::kScalarsAndBuffers, pkt);
  // Our own values only: a failure here is a bug in this file, not bad input.
  NCA_REQUIRE(p.ok(), "encoding a DG PDU failed: " + p.status().to_string());
  NCA_REQUIRE(p.size() + stub.size() == kHeaderSize + pkt.len, "DG body length disagrees with the body");
  NCA_REQUIRE(pdu.verifier.empty() || h.auth_proto != 0, "a verifier needs an auth_proto");
  size_t at = out.size();
  out.resize(at + p.size() + stub.size() + pdu.verifier.size());
  std::copy(p.bytes().begin(), p.bytes().end(), out.begin() + at);
  std::copy(stub.begin(), stub.end(), out.begin() + at + p.size());
  std::copy(pdu.verifier.begin(), pdu.verifier.end(), out.begin() + at + p.size() + stub.size());
}

Bytes encode(const Pdu& pdu) {
  Bytes out;
  encode(pdu, out);
  return out;
}

bool selack_has(const FackBody& fack, uint16_t fragnum, uint32_t n) {
  uint32_t off = uint16_t(n - fragnum - 1);
  if (off / 32 >= fack.selack.size()) return false;
  return (fack.selack[off / 32] >> (off % 32)) & 1;
}

}  // namespace nca::rpc::dg
