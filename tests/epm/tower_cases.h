// The towers of tower_vectors.py, described again on our side: the unit test compares them with
// checked-in bytes that Samba produced, the interop test with bytes Samba and Impacket produce now.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "nca/epm/tower.h"

namespace epmtest {

using namespace nca::epm;
using nca::rpc::SyntaxId;
using nca::rpc::Uuid;

inline constexpr SyntaxId kEpm{Uuid::from_literal("e1af8308-5d1f-11c9-91a4-08002b14a0fa"), 3, 0};
inline constexpr SyntaxId kOdd{Uuid::from_literal("12345678-9abc-def0-1122-334455667788"), 0x0102, 0x0304};

inline Tower tower(SyntaxId iface, SyntaxId transfer, std::initializer_list<Floor> rest) {
  Tower t;
  t.floors = {UuidFloor{iface}, UuidFloor{transfer}};
  t.floors.insert(t.floors.end(), rest.begin(), rest.end());
  return t;
}

inline std::map<std::string, Tower> tower_cases() {
  using P = ProtocolId;
  using nca::rpc::kNdr20;
  using nca::rpc::kNdr64;
  return {
      {"ncacn_ip_tcp", tower(kEpm, kNdr20, {RpcFloor{P::kNcacn, 0}, PortFloor{P::kTcp, 135}, Ipv4Floor{{127, 0, 0, 1}}})},
      {"ncadg_ip_udp", tower(kOdd, kNdr64, {RpcFloor{P::kNcadg, 0}, PortFloor{P::kUdp, 49153}, Ipv4Floor{{10, 1, 2, 3}}})},
      {"ncacn_http", tower(kEpm, kNdr20, {RpcFloor{P::kNcacn, 0}, PortFloor{P::kHttp, 593}, Ipv4Floor{}})},
      {"ncacn_np", tower(kEpm, kNdr20, {RpcFloor{P::kNcacn, 0}, StringFloor{P::kSmb, "\\PIPE\\epmapper"},
                                        StringFloor{P::kNetbios, "HOST"}})},
      {"ncacn_np_empty", tower(kEpm, kNdr20, {RpcFloor{P::kNcacn, 0}, StringFloor{P::kSmb, ""}, StringFloor{P::kNetbios, ""}})},
      {"ncalrpc", tower(kEpm, kNdr20, {RpcFloor{P::kNcalrpc, 0}, StringFloor{P::kNamedPipe, "EPMAPPER"}})},
      {"ncacn_unix_stream", tower(kEpm, kNdr20, {RpcFloor{P::kNcacn, 0}, StringFloor{P::kUnixDs, "/run/x.sock"}})},
      {"ncadg_unix_dgram", tower(kEpm, kNdr20, {RpcFloor{P::kNcadg, 0}, StringFloor{P::kUnixDs, "/run/y.sock"}})},
      {"raw_floors", tower(kEpm, kNdr20, {RpcFloor{P::kNcacn, 0}, RawFloor{{0x0e}, {}}, RawFloor{{0x1a}, {0x12, 0x34}}})},
      // Impacket's ept_map request tower: no twr_t header, port 0 and 0.0.0.0 to be filled in.
      {"impacket_map_ncacn_ip_tcp", tower(kOdd, kNdr20, {RpcFloor{P::kNcacn, 0}, PortFloor{P::kTcp, 0}, Ipv4Floor{}})},
  };
}

inline nca::rpc::Bytes from_hex(std::string_view hex) {
  nca::rpc::Bytes out;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  return out;
}

}  // namespace epmtest
