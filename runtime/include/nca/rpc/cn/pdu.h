// The connection-oriented PDUs (C706 chapter 12.6, MS-RPCE 2.2.2): decoding a whole fragment into
// a typed view and encoding the PDUs our engines send.
//
// The marshalling is the code ncaidl generates from idl/dcerpc.idl (ncacn_packet and its bodies,
// in nca_idl); pdu.cpp maps it to the views below and does by hand only what IDL cannot say: the
// header peek before the fragment is complete, the auth trailer found from the fragment's end,
// stub data left as a view into the fragment, and Windows' bind_nak that ends after its reason.
// The views keep the engines independent of the generated names.
//
// Byte order: decode() honours the sender's data representation (drep[0] bit 4: little-endian
// when set) for every integer in the header and body, UUIDs included. encode_*() writes
// little-endian (drep 10 00 00 00), as Windows and Samba do.
//
// Bounds: decode() checks every count and length against the fragment before reading; it never
// allocates more than a small multiple of the fragment's size. Views (stub data, credentials)
// point into the fragment, which must outlive them.
//
// Threading: encode_*() use one scratch nca::ndr::Push per thread; everything else is pure.
// Preconditions of encode_*(): every count fits its wire field (at most 255 contexts, transfer
// syntaxes, results or versions; a secondary address shorter than 64 KiB). Breaking one is a
// bug in the caller and stops the process (NCA_REQUIRE), as the values never come from the wire.
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

namespace nca::rpc::cn {

using ByteView = std::span<const uint8_t>;

enum class PduType : uint8_t {
  request = 0,
  response = 2,
  fault = 3,
  bind = 11,
  bind_ack = 12,
  bind_nak = 13,
  alter_context = 14,
  alter_context_resp = 15,
  auth3 = 16,
  shutdown = 17,
  co_cancel = 18,
  orphaned = 19,
};
std::string_view to_string(PduType type);

// pfc_flags (C706 12.6.3.1; MS-RPCE 2.2.2.3).
inline constexpr uint8_t kPfcFirstFrag = 0x01;
inline constexpr uint8_t kPfcLastFrag = 0x02;
inline constexpr uint8_t kPfcPendingCancel = 0x04;  // on bind/alter: support header signing
inline constexpr uint8_t kPfcSupportHeaderSign = 0x04;  // the same bit on bind, alter and their acks
inline constexpr uint8_t kPfcConcMpx = 0x10;
inline constexpr uint8_t kPfcDidNotExecute = 0x20;
inline constexpr uint8_t kPfcMaybe = 0x40;
inline constexpr uint8_t kPfcObjectUuid = 0x80;

inline constexpr size_t kHeaderSize = 16;
inline constexpr size_t kRequestHeaderSize = 24;   // without the object UUID
inline constexpr size_t kResponseHeaderSize = 24;
inline constexpr size_t kFaultHeaderSize = 32;
inline constexpr size_t kAuthTrailerSize = 8;
// C706 12.6.3.5: every implementation receives fragments of at least this size.
inline constexpr uint16_t kMinFragSize = 1432;

// p_cont_def_result_t and p_provider_reason_t.
enum class ContextResult : uint16_t {
  acceptance = 0,
  user_rejection = 1,
  provider_rejection = 2,
  negotiate_ack = 3,  // MS-RPCE bind-time feature negotiation
};
enum class ProviderReason : uint16_t {
  not_specified = 0,
  abstract_syntax_not_supported = 1,
  proposed_transfer_syntaxes_not_supported = 2,
  local_limit_exceeded = 3,
};
// p_reject_reason_t.
enum class BindNakReason : uint16_t {
  not_specified = 0,
  temporary_congestion = 1,
  local_limit_exceeded = 2,
  protocol_version_not_supported = 4,
  invalid_auth_type = 8,
  invalid_checksum = 9,
};

// Bind-time feature negotiation (MS-RPCE 3.3.1.5.3): a transfer syntax
// 6cb71c2c-9812-4540-XXXX-000000000000 v1.0 whose clock_seq bytes carry these bits (little-endian).
inline constexpr uint16_t kFeatureSecurityContextMultiplexing = 0x0001;
inline constexpr uint16_t kFeatureKeepConnectionOnOrphan = 0x0002;
SyntaxId bind_time_feature_syntax(uint16_t features);
// The features bits of a bind-time negotiation syntax; nullopt for any other syntax.
std::optional<uint16_t> bind_time_features(const SyntaxId& syntax);

struct Header {
  uint8_t rpc_vers = 5;
  uint8_t rpc_vers_minor = 0;
  PduType type = PduType::request;
  uint8_t flags = 0;
  uint8_t drep[4] = {0x10, 0, 0, 0};
  uint16_t frag_length = 0;
  uint16_t auth_length = 0;
  uint32_t call_id = 0;

  bool little_endian() const { return (drep[0] & 0x10) != 0; }
  bool has(uint8_t flag) const { return (flags & flag) != 0; }
};

// The sec_trailer (auth_verifier_co_t) and its token.
struct AuthTrailer {
  uint8_t auth_type = 0;
  uint8_t auth_level = 0;
  uint8_t auth_pad_length = 0;
  uint8_t auth_reserved = 0;
  uint32_t auth_context_id = 0;
  ByteView credentials;
};

struct PresentationContext {
  uint16_t context_id = 0;
  SyntaxId abstract_syntax;
  std::vector<SyntaxId> transfer_syntaxes;
};

// bind and alter_context.
struct BindBody {
  uint16_t max_xmit_frag = 0;
  uint16_t max_recv_frag = 0;
  uint32_t assoc_group_id = 0;
  std::vector<PresentationContext> contexts;
};

struct ContextResultEntry {
  ContextResult result = ContextResult::acceptance;
  uint16_t reason = 0;  // a ProviderReason, or the accepted features for negotiate_ack
  SyntaxId transfer_syntax;
};

// bind_ack and alter_context_resp.
struct BindAckBody {
  uint16_t max_xmit_frag = 0;
  uint16_t max_recv_frag = 0;
  uint32_t assoc_group_id = 0;
  std::string secondary_address;  // without its NUL
  std::vector<ContextResultEntry> results;
};

struct BindNakBody {
  BindNakReason reason = BindNakReason::not_specified;
  std::vector<std::pair<uint8_t, uint8_t>> versions;  // rpc_vers, rpc_vers_minor
};

struct RequestBody {
  uint32_t alloc_hint = 0;
  uint16_t context_id = 0;
  uint16_t opnum = 0;
  std::optional<Uuid> object;
  ByteView stub;  // without auth padding and trailer
};

struct ResponseBody {
  uint32_t alloc_hint = 0;
  uint16_t context_id = 0;
  uint8_t cancel_count = 0;
  ByteView stub;
};

struct FaultBody {
  uint32_t alloc_hint = 0;
  uint16_t context_id = 0;
  uint8_t cancel_count = 0;
  uint8_t flags = 0;
  uint32_t status = 0;
  ByteView stub;
};

struct EmptyBody {};  // shutdown, co_cancel, orphaned, auth3

struct Pdu {
  Header header;
  std::variant<EmptyBody, BindBody, BindAckBody, BindNakBody, RequestBody, ResponseBody, FaultBody>
      body;
  std::optional<AuthTrailer> auth;
};

// Why a fragment did not decode. `call_id` is the header's when the header itself was readable
// (0 otherwise), so a server can address its fault.
struct DecodeError {
  std::string message;
  uint32_t call_id = 0;
};

// Decodes one whole fragment (exactly frag_length bytes). Errors: a version other than 5.0/5.1, a
// frag_length that disagrees with the buffer, an unknown PDU type, a body or trailer that does not
// fit, counts beyond the fragment.
Result<Pdu, DecodeError> decode(ByteView fragment);

// Reads the header only (the first 16 bytes); nullopt if fewer.
std::optional<Header> peek_header(ByteView bytes);

// ---- encoding (little-endian) -----------------------------------------------------------------

// A growing buffer with little-endian writers; encode_* append one whole fragment to it.
struct Encoder {
  std::vector<uint8_t> out;
  void u8(uint8_t v) { out.push_back(v); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void uuid(const Uuid& u);
  void syntax(const SyntaxId& s);
  void bytes(ByteView b) { out.insert(out.end(), b.begin(), b.end()); }
};

// Writes a 16-byte header; frag_length is fixed up by finish_fragment(enc, start).
void begin_fragment(Encoder& enc, PduType type, uint8_t flags, uint32_t call_id);
void finish_fragment(Encoder& enc, size_t start);

void encode_bind(Encoder& enc, PduType type /* bind or alter_context */, uint8_t flags,
                 uint32_t call_id, const BindBody& body);
void encode_bind_ack(Encoder& enc, PduType type /* bind_ack or alter_context_resp */,
                     uint8_t flags, uint32_t call_id, const BindAckBody& body);
void encode_bind_nak(Encoder& enc, uint32_t call_id, const BindNakBody& body);
// The header and fixed fields of a request fragment; the caller appends `stub_size` bytes of stub
// data (frag_length and alloc_hint are set from it).
void encode_request_head(Encoder& enc, uint8_t flags, uint32_t call_id, uint32_t alloc_hint,
                         uint16_t context_id, uint16_t opnum, const std::optional<Uuid>& object,
                         size_t stub_size);
void encode_response_head(Encoder& enc, uint8_t flags, uint32_t call_id, uint32_t alloc_hint,
                          uint16_t context_id, size_t stub_size);
void encode_fault(Encoder& enc, uint8_t flags, uint32_t call_id, uint16_t context_id,
                  uint32_t status, ByteView stub = {});
// shutdown, co_cancel, orphaned: header only; auth3: header and its 4 bytes of padding.
void encode_empty(Encoder& enc, PduType type, uint8_t flags, uint32_t call_id);

// Appends a sec_trailer without padding (auth_pad_length 0, as bind, alter_context, their
// answers and auth3 carry it) and its token to the fragment that starts at enc.out[start],
// and sets that fragment's frag_length and auth_length.
void append_auth(Encoder& enc, size_t start, const AuthTrailer& trailer, ByteView token);
// Sets frag_length and auth_length of the (little-endian) fragment at `fragment`'s start.
void set_lengths(std::span<uint8_t> fragment, uint16_t frag_length, uint16_t auth_length);

}  // namespace nca::rpc::cn
