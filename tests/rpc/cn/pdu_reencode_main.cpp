// cn_pdu_reencode: reads one PDU per line (hex) on stdin, decodes it with nca::rpc::cn::decode()
// and writes, per line, the PDU encoded again from the decoded view with the encode_*() entry
// points ("ERROR <message>" when decoding fails). samba_pdu_golden.py feeds it PDUs that
// Samba's own NDR code packed and expects every byte back: decode and encode are then both
// checked against Samba, field by field, for every CO PDU type.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "nca/rpc/cn/pdu.h"

using namespace nca::rpc;
using namespace nca::rpc::cn;

namespace {

std::vector<uint8_t> from_hex(const std::string& s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(uint8_t(std::stoul(s.substr(i, 2), nullptr, 16)));
  return out;
}

std::string to_hex(const std::vector<uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

// The flags the encoders add themselves are masked off what they are given.
std::vector<uint8_t> reencode(const Pdu& pdu) {
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

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    auto bytes = from_hex(line);
    auto d = decode(bytes);
    if (!d.ok()) {
      std::cout << "ERROR " << d.error().message << "\n";
      continue;
    }
    std::cout << to_hex(reencode(*d));
    if (const auto& a = d->auth)
      std::cout << " auth=" << int(a->auth_type) << "," << int(a->auth_level) << ","
                << int(a->auth_pad_length) << "," << a->auth_context_id << ","
                << to_hex({a->credentials.begin(), a->credentials.end()});
    std::cout << "\n";
  }
  return 0;
}
