// The conversation manager interface (C706 appendix P, "conv"): the callback a datagram server
// makes to a client to learn an unknown activity's sequence number before running an
// at-most-once call on it.
//
//   [uuid(333a2276-0000-0000-0d00-00809c000000), version(3)] interface conv {
//     [idempotent] void conv_who_are_you([in] uuid actuid, [in] unsigned32 boot_time,
//                                        [out] unsigned32 *seq, [out] unsigned32 *st);   // 0
//     [idempotent] void conv_who_are_you2(..., [out] unsigned32 *seq, [out] uuid *cas_uuid,
//                                         [out] unsigned32 *st);                        // 1
//     [idempotent] void conv_are_you_there([in] uuid actuid, [in] unsigned32 boot_time,
//                                          [out] unsigned32 *st);                       // 2
//   }
//
// The stubs are a handful of fixed-size scalars, marshalled here by hand (NDR, either byte order
// in, little-endian out). ConvCaller is the server's side: it makes the callback over the
// server's own socket, as one idempotent DG call on an activity of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "client_call.h"
#include "nca/net/address.h"
#include "nca/rpc/clock.h"
#include "nca/rpc/dg/pdu.h"

namespace nca::rpc::dg::detail {

inline constexpr SyntaxId kConvInterface{Uuid::from_literal("333a2276-0000-0000-0d00-00809c000000"), 3, 0};
inline constexpr uint16_t kConvWhoAreYou = 0;
inline constexpr uint16_t kConvWhoAreYou2 = 1;
inline constexpr uint16_t kConvAreYouThere = 2;

struct ConvRequest {
  Uuid activity;
  uint32_t boot_time = 0;
};
struct ConvAnswer {
  uint32_t seq = 0;
  Uuid cas;  // the client address space UUID (who_are_you2); nil: not told
  uint32_t status = 0;
};

// The [in]s of opnums 0-2; errors: the reject status (op_rng_error, or proto_error for a stub
// of the wrong size).
Result<ConvRequest, FaultCode> decode_conv_request(uint16_t opnum, ByteView stub, bool little_endian);
Bytes encode_conv_request(const ConvRequest& r);
Bytes encode_conv_response(uint16_t opnum, const ConvAnswer& a);
std::optional<ConvAnswer> decode_conv_response(uint16_t opnum, ByteView stub, bool little_endian);

// The server's callback maker: asks conv_who_are_you2 of a peer and reports the sequence number
// it answers (nullopt when the peer fails it or never answers within the call's comm timeout).
// Responses for its activities are routed to it by the owner (on_pdu returns whether it took
// the PDU). Threading: one thread.
class ConvCaller {
 public:
  using Send = std::function<void(Bytes datagram, const net::Address& to)>;
  using Answer = std::function<void(std::optional<uint32_t> seq)>;
  // `new_activity` makes the callbacks' activity UUIDs (unset: random; tests make them
  // deterministic).
  ConvCaller(const Clock& clock, uint32_t boot_time, ClientCallParams timing, Send send,
             std::function<Uuid()> new_activity = {});

  void ask(const net::Address& peer, const Uuid& activity, Answer answer);
  bool on_pdu(const Pdu& pdu, const net::Address& from);
  void on_timer();
  std::optional<Clock::Duration> next_deadline() const;
  size_t pending() const { return calls_.size(); }

 private:
  struct Pending {
    net::Address peer;
    ClientCall call;
    Answer answer;
  };
  void settle(const Uuid& id);
  const Clock& clock_;
  uint32_t boot_time_;
  ClientCallParams timing_;
  Send send_;
  std::function<Uuid()> new_activity_;
  std::map<Uuid, Pending> calls_;  // keyed by the callback's own activity
};

}  // namespace nca::rpc::dg::detail
