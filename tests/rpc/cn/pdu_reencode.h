// Encodes a decoded PDU again with the encode_*() entry points: for checks that decoding and
// encoding agree (the Samba golden test's tool, the PDU fuzz harness). The trailer is not
// re-encoded (the engine has no security provider yet).
#pragma once

#include <vector>

#include "nca/rpc/cn/pdu.h"

namespace nca::rpc::cn::test {

// The flags the encoders add themselves are masked off what they are given.
inline std::vector<uint8_t> reencode(const Pdu& pdu) {
  Encoder enc;
  const Header& h = pdu.header;
  switch (h.type) {
    case PduType::bind:
    case PduType::alter_context:
      encode_bind(enc, h.type, h.flags, h.call_id, std::get<BindBody>(pdu.body));
      break;
    case PduType::bind_ack:
    case PduType::alter_context_resp:
      encode_bind_ack(enc, h.type, h.flags, h.call_id, std::get<BindAckBody>(pdu.body));
      break;
    case PduType::bind_nak:
      encode_bind_nak(enc, h.call_id, std::get<BindNakBody>(pdu.body));
      break;
    case PduType::request: {
      const auto& r = std::get<RequestBody>(pdu.body);
      encode_request_head(enc, uint8_t(h.flags & ~kPfcObjectUuid), h.call_id, r.alloc_hint,
                          r.context_id, r.opnum, r.object, r.stub.size());
      enc.bytes(r.stub);
      break;
    }
    case PduType::response: {
      const auto& r = std::get<ResponseBody>(pdu.body);
      encode_response_head(enc, h.flags, h.call_id, r.alloc_hint, r.context_id, r.stub.size());
      enc.bytes(r.stub);
      break;
    }
    case PduType::fault: {
      const auto& f = std::get<FaultBody>(pdu.body);
      encode_fault(enc, h.flags, h.call_id, f.context_id, f.status, f.stub);
      break;
    }
    default:
      encode_empty(enc, h.type, h.flags, h.call_id);
      break;
  }
  return enc.out;
}

}  // namespace nca::rpc::cn::test
