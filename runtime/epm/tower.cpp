#include "nca/epm/tower.h"

#include <charconv>
#include <cstdio>

namespace nca::epm {
namespace {

using rpc::Protseq;

// A floor carries the GUID in its little-endian NDR layout (Guid::to_wire / from_wire).
void put_guid(Bytes& out, const rpc::Uuid& u) {
  uint8_t wire[rpc::Uuid::kWireSize];
  u.to_wire(wire, /*little_endian=*/true);
  out.insert(out.end(), wire, wire + sizeof wire);
}
rpc::Uuid get_guid(const uint8_t* p) {
  return rpc::Uuid::from_wire(std::span<const uint8_t, rpc::Uuid::kWireSize>(p, rpc::Uuid::kWireSize),
                              /*little_endian=*/true);
}
void put_le16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}
void put_le32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
uint16_t get_le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t get_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

bool is_rpc_protocol(uint8_t p) {
  return p == uint8_t(ProtocolId::kNcacn) || p == uint8_t(ProtocolId::kNcadg) ||
         p == uint8_t(ProtocolId::kNcalrpc);
}
bool is_port_protocol(uint8_t p) {
  return p == uint8_t(ProtocolId::kTcp) || p == uint8_t(ProtocolId::kUdp) ||
         p == uint8_t(ProtocolId::kHttp);
}
bool is_string_protocol(uint8_t p) {
  return p == uint8_t(ProtocolId::kSmb) || p == uint8_t(ProtocolId::kNamedPipe) ||
         p == uint8_t(ProtocolId::kNetbios) || p == uint8_t(ProtocolId::kUnixDs);
}

struct Sides {
  Bytes lhs;
  Bytes rhs;
};

Sides sides_of(const Floor& floor) {
  Sides s;
  std::visit(
      [&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, UuidFloor>) {
          s.lhs.push_back(uint8_t(ProtocolId::kUuid));
          put_guid(s.lhs, f.id.uuid);
          put_le16(s.lhs, f.id.major);
          put_le16(s.rhs, f.id.minor);
        } else if constexpr (std::is_same_v<F, RpcFloor>) {
          s.lhs.push_back(uint8_t(f.protocol));
          put_le16(s.rhs, f.minor_version);
        } else if constexpr (std::is_same_v<F, PortFloor>) {
          s.lhs.push_back(uint8_t(f.protocol));
          s.rhs = {static_cast<uint8_t>(f.port >> 8), static_cast<uint8_t>(f.port)};
        } else if constexpr (std::is_same_v<F, Ipv4Floor>) {
          s.lhs.push_back(uint8_t(ProtocolId::kIp));
          s.rhs.assign(f.address.begin(), f.address.end());
        } else if constexpr (std::is_same_v<F, StringFloor>) {
          s.lhs.push_back(uint8_t(f.protocol));
          s.rhs.assign(f.text.begin(), f.text.end());
          s.rhs.push_back(0);
        } else {
          s.lhs = f.lhs;
          s.rhs = f.rhs;
        }
      },
      floor);
  return s;
}

// One floor from its two sides, or the reason it is malformed. Known protocol identifiers must
// have exactly the sizes Windows and Samba write; anything else would not round-trip.
std::variant<Floor, std::string> parse_floor(std::span<const uint8_t> lhs,
                                             std::span<const uint8_t> rhs) {
  if (lhs.empty()) return std::string("empty left-hand side");
  const uint8_t p = lhs[0];
  auto sizes = [&](size_t want_lhs, size_t want_rhs) -> std::optional<std::string> {
    if (lhs.size() != want_lhs)
      return protocol_name(p) + " left-hand side is " + std::to_string(lhs.size()) +
             " bytes, expected " + std::to_string(want_lhs);
    if (rhs.size() != want_rhs)
      return protocol_name(p) + " right-hand side is " + std::to_string(rhs.size()) +
             " bytes, expected " + std::to_string(want_rhs);
    return std::nullopt;
  };
  if (p == uint8_t(ProtocolId::kUuid)) {
    if (auto e = sizes(19, 2)) return *e;
    return Floor{UuidFloor{{get_guid(lhs.data() + 1), get_le16(lhs.data() + 17), get_le16(rhs.data())}}};
  }
  if (is_rpc_protocol(p)) {
    if (auto e = sizes(1, 2)) return *e;
    return Floor{RpcFloor{ProtocolId(p), get_le16(rhs.data())}};
  }
  if (is_port_protocol(p)) {
    if (auto e = sizes(1, 2)) return *e;
    return Floor{PortFloor{ProtocolId(p), static_cast<uint16_t>(rhs[0] << 8 | rhs[1])}};
  }
  if (p == uint8_t(ProtocolId::kIp)) {
    if (auto e = sizes(1, 4)) return *e;
    Ipv4Floor f;
    std::copy(rhs.begin(), rhs.end(), f.address.begin());
    return Floor{f};
  }
  if (is_string_protocol(p)) {
    if (lhs.size() != 1)
      return protocol_name(p) + " left-hand side is " + std::to_string(lhs.size()) + " bytes, expected 1";
    if (rhs.empty() || rhs.back() != 0)
      return protocol_name(p) + " name is not NUL-terminated";
    for (size_t i = 0; i + 1 < rhs.size(); ++i)
      if (rhs[i] == 0) return protocol_name(p) + " name has a NUL at byte " + std::to_string(i);
    return Floor{StringFloor{ProtocolId(p), std::string(rhs.begin(), rhs.end() - 1)}};
  }
  return Floor{RawFloor{Bytes(lhs.begin(), lhs.end()), Bytes(rhs.begin(), rhs.end())}};
}

TowerError error_at(std::optional<size_t> floor, size_t offset, std::string message) {
  return TowerError{floor, offset, std::move(message)};
}

}  // namespace

std::string protocol_name(uint8_t protocol) {
  switch (ProtocolId(protocol)) {
    case ProtocolId::kDnetNsp: return "dnet_nsp";
    case ProtocolId::kOsiTp4: return "osi_tp4";
    case ProtocolId::kOsiClns: return "osi_clns";
    case ProtocolId::kTcp: return "tcp";
    case ProtocolId::kUdp: return "udp";
    case ProtocolId::kIp: return "ip";
    case ProtocolId::kNcadg: return "ncadg";
    case ProtocolId::kNcacn: return "ncacn";
    case ProtocolId::kNcalrpc: return "ncalrpc";
    case ProtocolId::kUuid: return "uuid";
    case ProtocolId::kIpx: return "ipx";
    case ProtocolId::kSmb: return "smb";
    case ProtocolId::kNamedPipe: return "named_pipe";
    case ProtocolId::kNetbios: return "netbios";
    case ProtocolId::kNetbeui: return "netbeui";
    case ProtocolId::kSpx: return "spx";
    case ProtocolId::kNbIpx: return "nb_ipx";
    case ProtocolId::kDsp: return "dsp";
    case ProtocolId::kDdp: return "ddp";
    case ProtocolId::kAppletalk: return "appletalk";
    case ProtocolId::kVinesSpp: return "vines_spp";
    case ProtocolId::kVinesIpc: return "vines_ipc";
    case ProtocolId::kStreettalk: return "streettalk";
    case ProtocolId::kHttp: return "http";
    case ProtocolId::kUnixDs: return "unix_ds";
    case ProtocolId::kNull: return "null";
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", protocol);
  return buf;
}

std::string Ipv4Floor::to_string() const {
  return std::to_string(address[0]) + "." + std::to_string(address[1]) + "." +
         std::to_string(address[2]) + "." + std::to_string(address[3]);
}

std::optional<Ipv4Floor> Ipv4Floor::parse(std::string_view text) {
  Ipv4Floor f;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (text.empty() || text[0] != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || digits > 3) return std::nullopt;
    unsigned v = 0;
    std::from_chars(text.data(), text.data() + digits, v);
    if (v > 255) return std::nullopt;
    f.address[i] = static_cast<uint8_t>(v);
    text.remove_prefix(digits);
  }
  if (!text.empty()) return std::nullopt;
  return f;
}

uint8_t floor_protocol(const Floor& floor) {
  if (const auto* raw = std::get_if<RawFloor>(&floor)) return raw->lhs.empty() ? 0 : raw->lhs[0];
  return sides_of(floor).lhs[0];
}

std::string floor_to_string(const Floor& floor) {
  return std::visit(
      [&](const auto& f) -> std::string {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, UuidFloor>) {
          return "uuid " + rpc::to_string(f.id);
        } else if constexpr (std::is_same_v<F, RpcFloor>) {
          return protocol_name(uint8_t(f.protocol));
        } else if constexpr (std::is_same_v<F, PortFloor>) {
          return protocol_name(uint8_t(f.protocol)) + " " + std::to_string(f.port);
        } else if constexpr (std::is_same_v<F, Ipv4Floor>) {
          return "ip " + f.to_string();
        } else if constexpr (std::is_same_v<F, StringFloor>) {
          return protocol_name(uint8_t(f.protocol)) + " " + f.text;
        } else {
          std::string s = protocol_name(f.lhs.empty() ? 0 : f.lhs[0]);
          static const char kHex[] = "0123456789abcdef";
          if (!f.rhs.empty()) s += " ";
          for (uint8_t b : f.rhs) {
            s += kHex[b >> 4];
            s += kHex[b & 15];
          }
          return s;
        }
      },
      floor);
}

std::string TowerError::to_string() const {
  std::string s;
  if (floor) s = "floor " + std::to_string(*floor + 1) + " ";
  s += "at offset " + std::to_string(offset) + ": " + message;
  return s;
}

Bytes Tower::encode() const {
  Bytes out;
  put_le16(out, static_cast<uint16_t>(floors.size()));
  for (const Floor& f : floors) {
    Sides s = sides_of(f);
    put_le16(out, static_cast<uint16_t>(s.lhs.size()));
    out.insert(out.end(), s.lhs.begin(), s.lhs.end());
    put_le16(out, static_cast<uint16_t>(s.rhs.size()));
    out.insert(out.end(), s.rhs.begin(), s.rhs.end());
  }
  return out;
}

rpc::Result<Tower, TowerError> Tower::decode(std::span<const uint8_t> octets, const TowerLimits& limits) {
  if (octets.size() > limits.max_bytes)
    return error_at(std::nullopt, 0, "tower is " + std::to_string(octets.size()) + " bytes, limit " +
                                         std::to_string(limits.max_bytes));
  if (octets.size() < 2) return error_at(std::nullopt, 0, "tower too short for its floor count");
  const size_t count = get_le16(octets.data());
  if (count > limits.max_floors)
    return error_at(std::nullopt, 0, std::to_string(count) + " floors, limit " + std::to_string(limits.max_floors));
  // Each floor needs at least its two 2-byte counts and a protocol byte: checked before reserving.
  if (count * 5 > octets.size() - 2)
    return error_at(std::nullopt, 0, std::to_string(count) + " floors cannot fit in " +
                                         std::to_string(octets.size()) + " bytes");
  Tower t;
  t.floors.reserve(count);
  size_t pos = 2;
  auto take = [&](size_t i, const char* side, std::span<const uint8_t>& out) -> std::optional<TowerError> {
    if (octets.size() - pos < 2)
      return error_at(i, pos, std::string(side) + " byte count cut off");
    const size_t n = get_le16(octets.data() + pos);
    if (octets.size() - pos - 2 < n)
      return error_at(i, pos, std::string(side) + " byte count " + std::to_string(n) + " exceeds the " +
                                  std::to_string(octets.size() - pos - 2) + " bytes left");
    out = octets.subspan(pos + 2, n);
    pos += 2 + n;
    return std::nullopt;
  };
  for (size_t i = 0; i < count; ++i) {
    const size_t start = pos;
    std::span<const uint8_t> lhs, rhs;
    if (auto e = take(i, "left-hand side", lhs)) return *e;
    if (auto e = take(i, "right-hand side", rhs)) return *e;
    auto parsed = parse_floor(lhs, rhs);
    if (auto* why = std::get_if<std::string>(&parsed)) return error_at(i, start, std::move(*why));
    t.floors.push_back(std::move(std::get<Floor>(parsed)));
  }
  if (pos != octets.size())
    return error_at(std::nullopt, pos, std::to_string(octets.size() - pos) + " bytes after the last floor");
  return t;
}

Bytes Tower::encode_twr() const {
  Bytes octets = encode();
  Bytes out;
  out.reserve(octets.size() + 8);
  put_le32(out, static_cast<uint32_t>(octets.size()));
  put_le32(out, static_cast<uint32_t>(octets.size()));
  out.insert(out.end(), octets.begin(), octets.end());
  return out;
}

rpc::Result<Tower, TowerError> Tower::decode_twr(std::span<const uint8_t> ndr, const TowerLimits& limits) {
  if (ndr.size() < 8) return error_at(std::nullopt, 0, "twr_t shorter than its 8-byte header");
  const uint32_t length = get_le32(ndr.data());
  const uint32_t size = get_le32(ndr.data() + 4);
  if (length != size)
    return error_at(std::nullopt, 0, "twr_t tower_length " + std::to_string(length) +
                                         " differs from its array size " + std::to_string(size));
  if (ndr.size() - 8 < size)
    return error_at(std::nullopt, 4, "twr_t array of " + std::to_string(size) + " bytes exceeds the " +
                                         std::to_string(ndr.size() - 8) + " bytes left");
  auto t = decode(ndr.subspan(8, size), limits);
  if (!t) {
    TowerError e = std::move(t).take_error();
    e.offset += 8;
    return e;
  }
  return t;
}

std::optional<rpc::SyntaxId> Tower::interface_id() const {
  if (floors.size() < 1) return std::nullopt;
  if (const auto* u = std::get_if<UuidFloor>(&floors[0])) return u->id;
  return std::nullopt;
}

std::optional<rpc::SyntaxId> Tower::transfer_syntax() const {
  if (floors.size() < 2) return std::nullopt;
  if (const auto* u = std::get_if<UuidFloor>(&floors[1])) return u->id;
  return std::nullopt;
}

std::string Tower::to_string() const {
  std::string s;
  for (const Floor& f : floors) {
    if (!s.empty()) s += ' ';
    s += floor_to_string(f);
  }
  return s;
}

namespace {

struct StackForm {
  Protseq protseq;
  ProtocolId rpc;
  std::array<ProtocolId, 2> transport;
  size_t transport_floors;
};

// The protseqs that have a tower form, with the protocol identifiers of floors 3 and up, as
// Windows (MS-RPCE 2.2.1.2.1... and Appendix L of C706) and Samba's transport table write them.
constexpr StackForm kStacks[] = {
    {Protseq::kNcacnIpTcp, ProtocolId::kNcacn, {ProtocolId::kTcp, ProtocolId::kIp}, 2},
    {Protseq::kNcadgIpUdp, ProtocolId::kNcadg, {ProtocolId::kUdp, ProtocolId::kIp}, 2},
    {Protseq::kNcacnHttp, ProtocolId::kNcacn, {ProtocolId::kHttp, ProtocolId::kIp}, 2},
    {Protseq::kNcacnNp, ProtocolId::kNcacn, {ProtocolId::kSmb, ProtocolId::kNetbios}, 2},
    {Protseq::kNcalrpc, ProtocolId::kNcalrpc, {ProtocolId::kNamedPipe, ProtocolId::kNull}, 1},
    {Protseq::kNcacnUnixStream, ProtocolId::kNcacn, {ProtocolId::kUnixDs, ProtocolId::kNull}, 1},
    {Protseq::kNcadgUnixDgram, ProtocolId::kNcadg, {ProtocolId::kUnixDs, ProtocolId::kNull}, 1},
};

const StackForm* stack_of(Protseq p) {
  for (const auto& s : kStacks)
    if (s.protseq == p) return &s;
  return nullptr;
}

const StackForm* stack_of(const Tower& t) {
  if (t.floors.size() < 3) return nullptr;
  for (const auto& s : kStacks) {
    if (t.floors.size() != 3 + s.transport_floors) continue;
    if (floor_protocol(t.floors[2]) != uint8_t(s.rpc)) continue;
    bool match = true;
    for (size_t i = 0; i < s.transport_floors; ++i)
      if (floor_protocol(t.floors[3 + i]) != uint8_t(s.transport[i])) match = false;
    if (match) return &s;
  }
  return nullptr;
}

// Appends the typed floor for a transport protocol, filled from the binding's field. Each floor
// is constructed in place: moving a returned Floor makes GCC 12 warn (-Wmaybe-uninitialized)
// about the string and byte members of alternatives the variant does not hold.
void add_transport_floor(std::vector<Floor>& floors, ProtocolId p, const rpc::Binding& b) {
  if (is_port_protocol(uint8_t(p)))
    floors.emplace_back(std::in_place_type<PortFloor>, p, b.port().value_or(0));
  else if (p == ProtocolId::kIp)
    floors.emplace_back(std::in_place_type<Ipv4Floor>, Ipv4Floor::parse(b.host()).value_or(Ipv4Floor{}));
  else if (p == ProtocolId::kNetbios)
    floors.emplace_back(std::in_place_type<StringFloor>, p, b.host());
  else
    floors.emplace_back(std::in_place_type<StringFloor>, p, b.endpoint().value_or(""));
}

}  // namespace

std::optional<rpc::Protseq> tower_protseq(const Tower& tower) {
  if (const StackForm* s = stack_of(tower)) return s->protseq;
  return std::nullopt;
}

rpc::Result<Tower, TowerError> tower_from_binding(const rpc::Binding& binding, const rpc::SyntaxId& interface,
                                                  const rpc::SyntaxId& transfer) {
  const StackForm* s = stack_of(binding.protseq());
  if (!s)
    return error_at(std::nullopt, 0,
                    "protocol sequence '" + std::string(rpc::protseq_name(binding.protseq())) + "' has no tower form");
  Tower t;
  t.floors.push_back(UuidFloor{interface});
  t.floors.push_back(UuidFloor{transfer});
  t.floors.push_back(RpcFloor{s->rpc, 0});
  for (size_t i = 0; i < s->transport_floors; ++i) add_transport_floor(t.floors, s->transport[i], binding);
  return t;
}

rpc::Result<TowerBinding, TowerError> binding_from_tower(const Tower& tower) {
  if (tower.floors.size() < 3) return error_at(std::nullopt, 0, "an RPC tower needs at least 3 floors");
  auto iface = tower.interface_id();
  if (!iface) return error_at(size_t{0}, 0, "floor 1 is not an interface floor");
  auto transfer = tower.transfer_syntax();
  if (!transfer) return error_at(size_t{1}, 0, "floor 2 is not a transfer syntax floor");
  const StackForm* s = stack_of(tower);
  if (!s) return error_at(size_t{2}, 0, "unknown protocol stack '" + tower.to_string() + "'");
  rpc::Binding b;
  b.set_protseq(s->protseq);
  for (size_t i = 0; i < s->transport_floors; ++i) {
    const Floor& f = tower.floors[3 + i];
    if (const auto* port = std::get_if<PortFloor>(&f)) {
      if (port->port != 0) b.set_endpoint(std::to_string(port->port));
    } else if (const auto* ip = std::get_if<Ipv4Floor>(&f)) {
      b.set_host(ip->to_string());
    } else if (const auto* str = std::get_if<StringFloor>(&f)) {
      if (str->protocol == ProtocolId::kNetbios) b.set_host(str->text);
      else if (!str->text.empty()) b.set_endpoint(str->text);
    }
  }
  return TowerBinding{std::move(b), *iface, *transfer};
}

}  // namespace nca::epm
