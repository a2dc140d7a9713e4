// cn_pdu_reencode: reads one PDU per line (hex) on stdin, decodes it with nca::rpc::cn::decode()
// and writes, per line, the PDU encoded again from the decoded view with the encode_*() entry
// points ("ERROR <message>" when decoding fails). samba_pdu_golden.py feeds it PDUs that
// Samba's own NDR code packed and expects every byte back: decode and encode are then both
// checked against Samba, field by field, for every CO PDU type.
// A line "ClientAddress HEX" pulls dcerpc.idl's RTS ClientAddress (pidl's ipv4address and
// ipv6address) instead and answers "HEX TEXT": the value pushed again and the address as text.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "dcerpc_types.h"
#include "nca/ndr/ndr.h"
#include "pdu_reencode.h"

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

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.rfind("ClientAddress ", 0) == 0) {
      auto bytes = from_hex(line.substr(14));
      nca::ndr::Pull p(bytes);
      dcerpc::ClientAddress a;
      if (!pull(p, nca::ndr::kScalarsAndBuffers, a)) {
        std::cout << "ERROR " << p.status().to_string() << "\n";
        continue;
      }
      nca::ndr::Push out;
      push(out, nca::ndr::kScalarsAndBuffers, a);
      using Arm = dcerpc::ClientAddressType::Arm;
      std::string text = a.ClientAddress.arm() == Arm::ClientAddressIPV6 ? a.ClientAddress.ClientAddressIPV6()
                         : a.ClientAddress.arm() == Arm::ClientAddressIPV4 ? a.ClientAddress.ClientAddressIPV4()
                                                                          : "";
      std::cout << to_hex(out.to_vector()) << " " << text << "\n";
      continue;
    }
    auto bytes = from_hex(line);
    auto d = decode(bytes);
    if (!d.ok()) {
      std::cout << "ERROR " << d.error().message << "\n";
      continue;
    }
    std::cout << to_hex(test::reencode(*d));
    if (const auto& a = d->auth)
      std::cout << " auth=" << int(a->auth_type) << "," << int(a->auth_level) << ","
                << int(a->auth_pad_length) << "," << a->auth_context_id << ","
                << to_hex({a->credentials.begin(), a->credentials.end()});
    std::cout << "\n";
  }
  return 0;
}
