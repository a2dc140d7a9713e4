// The connectionless (datagram) PDUs (C706 chapter 12.5; MS-RPCE 2.2.2 where Windows differs):
// decoding one datagram into a typed view and encoding the PDUs our engine sends.
//
// The marshalling is the code ncaidl generates from idl/dcerpc.idl (ncadg_packet, its 80-byte
// header and the dcerpc_dg_payload bodies, in nca_idl); pdu.cpp maps it to the views below and
// does by hand only what IDL cannot say: the request/response stub left as a view into the
// datagram (the generated DATA_BLOB would copy it), the 16-bit serial number split in two header
// octets, and the authentication verifier that follows the body when auth_proto is not 0.
//
// Byte order: decode() honours the sender's drep (drep[0] bit 4: little-endian when set) for
// every integer and UUID in the header and body. encode() writes little-endian (drep 10 00 00).
//
// Bounds: decode() checks the body length and every count against the datagram before reading;
// views point into the datagram, which must outlive them.
//
// Verifier seam: a datagram whose auth_proto is not 0 carries, after the body, a verifier whose
// form depends on the authentication service; decode() hands it out as a view and encode()
// appends one, so a security filter can be added between the engines and this codec without
// touching it. No engine accepts one yet (see the engines' headers).
//
// Threading: encode() uses one scratch nca::ndr::Push per thread; everything else is pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

namespace nca::rpc::dg {

using ByteView = std::span<const uint8_t>;

// ptype (C706 12.5.2): the CO and DG numbering is shared; these are the DG ones.
enum class PduType : uint8_t {
  request = 0,
  ping = 1,
  response = 2,
  fault = 3,
  working = 4,
  nocall = 5,
  reject = 6,
  ack = 7,
  cl_cancel = 8,
  fack = 9,
  cancel_ack = 10,
};
std::string_view to_string(PduType type);

// flags1 (C706 12.5.1.1).
inline constexpr uint8_t kFlagLastFrag = 0x02;
inline constexpr uint8_t kFlagFrag = 0x04;
inline constexpr uint8_t kFlagNoFack = 0x08;
inline constexpr uint8_t kFlagMaybe = 0x10;
inline constexpr uint8_t kFlagIdempotent = 0x20;
inline constexpr uint8_t kFlagBroadcast = 0x40;
// flags2.
inline constexpr uint8_t kFlag2CancelPending = 0x02;

inline constexpr size_t kHeaderSize = 80;
inline constexpr uint8_t kRpcVersion = 4;
// "No hint" for ihint and ahint (C706 12.5.1.13).
inline constexpr uint16_t kNoHint = 0xffff;

struct Header {
  PduType type = PduType::request;
  uint8_t flags1 = 0;
  uint8_t flags2 = 0;
  uint8_t drep[3] = {0x10, 0, 0};
  Uuid object;
  Uuid interface;
  Uuid activity;
  uint32_t server_boot = 0;
  uint32_t interface_version = 0;  // major in the low 16 bits, minor in the high 16 (C706 12.5.1.6)
  uint32_t seq = 0;
  uint16_t opnum = 0;
  uint16_t ihint = kNoHint;
  uint16_t ahint = kNoHint;
  uint16_t body_length = 0;  // decode: as on the wire; encode: computed
  uint16_t fragnum = 0;
  uint8_t auth_proto = 0;
  uint16_t serial = 0;  // serial_hi << 8 | serial_lo

  bool little_endian() const { return (drep[0] & 0xf0) != 0; }
  bool has(uint8_t flag1) const { return (flags1 & flag1) != 0; }
};

// The fack body (C706 12.5.3.4), also the optional body of nocall. window_size counts
// fragments the receiver will buffer; selack bit i of word w acknowledges fragment
// header.fragnum + 1 + 32 w + i.
struct FackBody {
  uint8_t version = 0;
  uint16_t window_size = 0;
  uint32_t max_tsdu = 0;
  uint32_t max_frag_size = 0;
  uint16_t serial = 0;  // the serial number of the fragment that caused this fack
  std::vector<uint32_t> selack;
  friend bool operator==(const FackBody&, const FackBody&) = default;
};

// fault and reject: the status alone.
struct StatusBody {
  uint32_t status = 0;
  friend bool operator==(const StatusBody&, const StatusBody&) = default;
};
// cl_cancel.
struct CancelBody {
  uint32_t version = 0;
  uint32_t id = 0;
  friend bool operator==(const CancelBody&, const CancelBody&) = default;
};
// cancel_ack.
struct CancelAckBody {
  uint32_t version = 0;
  uint32_t id = 0;
  bool server_is_accepting = false;
  friend bool operator==(const CancelAckBody&, const CancelAckBody&) = default;
};

// The body by type: ByteView for request and response (the stub), StatusBody for fault and
// reject, FackBody for fack and a nocall that has one, CancelBody / CancelAckBody, monostate
// for ping, working, ack and a bare nocall.
using Body = std::variant<std::monostate, ByteView, StatusBody, FackBody, CancelBody, CancelAckBody>;

struct Pdu {
  Header header;
  Body body;
  ByteView verifier;  // empty unless header.auth_proto != 0
};

struct DecodeError {
  std::string message;
};

// Decodes one datagram. Errors: shorter than the header, a version other than 4, an unknown
// type, a body length beyond the datagram, bytes after the body without an auth_proto, a body
// too short for its type.
Result<Pdu, DecodeError> decode(ByteView datagram);

// Encodes `pdu` (little-endian whatever header.drep says; body_length computed) and appends
// it to `out`. The body must suit the type (a bug in the caller otherwise, NCA_REQUIRE).
void encode(const Pdu& pdu, Bytes& out);
Bytes encode(const Pdu& pdu);

// The acknowledgement state a FackBody's selack describes relative to `first_missing` - 1 (the
// header's fragnum): whether fragment `n` is acknowledged by the bitmap.
bool selack_has(const FackBody& fack, uint16_t fragnum, uint32_t n);

}  // namespace nca::rpc::dg
