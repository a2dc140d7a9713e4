// Protocol towers (C706 appendix L, MS-RPCE 2.2.1.2.1 and 2.3): how the endpoint mapper
// describes where an interface can be reached.
//
// A tower is an octet string: a floor count (uint16, little-endian), then the floors. Each floor
// is a left-hand side (uint16 byte count, then a protocol identifier byte and that protocol's
// identifier data) and a right-hand side (uint16 byte count, then address or related data). The
// counts, the floor count, UUIDs and the minor versions are little-endian; ports and IPv4
// addresses are big-endian (network order), as Windows and Samba write them. NDR never looks
// inside: to it a tower is a conformant byte array (twr_t).
//
// Floors are typed values here. decode() checks every length against the bytes that are there and
// against what the protocol identifier requires, and returns a TowerError (floor index, byte
// offset, message) for anything else; it never allocates more than a small multiple of its input.
// Protocol identifiers it does not know become RawFloor and round-trip unchanged.
//
// All functions are pure and thread-safe; Tower and Floor are plain values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "nca/rpc/binding.h"
#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

namespace nca::epm {

using nca::rpc::Bytes;

// Protocol identifiers: the first byte of a floor's left-hand side (C706 appendix I plus the
// Microsoft and Samba additions; the names are those of idl/epmapper.idl's epm_protocol).
enum class ProtocolId : uint8_t {
  kDnetNsp = 0x04,
  kOsiTp4 = 0x05,
  kOsiClns = 0x06,
  kTcp = 0x07,        // rhs: port, big-endian
  kUdp = 0x08,        // rhs: port, big-endian
  kIp = 0x09,         // rhs: IPv4 address, 4 bytes
  kNcadg = 0x0a,      // connectionless RPC; rhs: minor version (LE uint16)
  kNcacn = 0x0b,      // connection-oriented RPC; rhs: minor version
  kNcalrpc = 0x0c,    // local RPC; rhs: minor version
  kUuid = 0x0d,       // interface or transfer syntax: lhs UUID + major, rhs minor
  kIpx = 0x0e,
  kSmb = 0x0f,        // ncacn_np; rhs: pipe name, NUL-terminated
  kNamedPipe = 0x10,  // ncalrpc's endpoint; rhs: name, NUL-terminated
  kNetbios = 0x11,    // rhs: NetBIOS host name, NUL-terminated
  kNetbeui = 0x12,
  kSpx = 0x13,
  kNbIpx = 0x14,
  kDsp = 0x16,
  kDdp = 0x17,
  kAppletalk = 0x18,
  kVinesSpp = 0x1a,
  kVinesIpc = 0x1b,
  kStreettalk = 0x1c,
  kHttp = 0x1f,       // ncacn_http; rhs: port, big-endian
  kUnixDs = 0x20,     // Samba's unix domain sockets; rhs: path, NUL-terminated
  kNull = 0x21,
};

// "ncacn", "tcp", "uuid", ... (Samba's epm_floor_string words); "0x2a" for an unknown value.
std::string protocol_name(uint8_t protocol);

// Interface or transfer syntax (protocol identifier 0x0d): lhs = UUID (NDR little-endian GUID
// layout) + major version (LE); rhs = minor version (LE).
struct UuidFloor {
  rpc::SyntaxId id;
  bool operator==(const UuidFloor&) const = default;
};
// The RPC protocol (ncacn 0x0b, ncadg 0x0a, ncalrpc 0x0c); rhs = its minor version (LE).
struct RpcFloor {
  ProtocolId protocol = ProtocolId::kNcacn;
  uint16_t minor_version = 0;
  bool operator==(const RpcFloor&) const = default;
};
// A port (tcp 0x07, udp 0x08, http 0x1f); rhs = port, big-endian.
struct PortFloor {
  ProtocolId protocol = ProtocolId::kTcp;
  uint16_t port = 0;
  bool operator==(const PortFloor&) const = default;
};
// An IPv4 address (0x09); rhs = 4 bytes in network order.
struct Ipv4Floor {
  std::array<uint8_t, 4> address{};
  // "192.0.2.1"
  std::string to_string() const;
  // Dotted quad only; nullopt for anything else (host names, IPv6).
  static std::optional<Ipv4Floor> parse(std::string_view text);
  bool operator==(const Ipv4Floor&) const = default;
};
// A NUL-terminated name (smb 0x0f, named pipe 0x10, netbios 0x11, unix_ds 0x20). `text` holds no
// NUL; the rhs is text + one NUL, exactly as Samba's astring and Windows write it.
struct StringFloor {
  ProtocolId protocol = ProtocolId::kSmb;
  std::string text;
  bool operator==(const StringFloor&) const = default;
};
// Anything else: the whole lhs (protocol byte first, never empty) and rhs as they were.
struct RawFloor {
  Bytes lhs;
  Bytes rhs;
  bool operator==(const RawFloor&) const = default;
};

using Floor = std::variant<UuidFloor, RpcFloor, PortFloor, Ipv4Floor, StringFloor, RawFloor>;

// The protocol identifier byte of a floor.
uint8_t floor_protocol(const Floor& floor);
// Samba's text for one floor ("uuid 8a885d04-... v2.0", "ncacn", "tcp 135", "ip 10.0.0.1",
// "smb \pipe\x"), used by dumps and error messages.
std::string floor_to_string(const Floor& floor);

struct TowerError {
  std::optional<size_t> floor;  // 0-based floor index, if the problem is inside one
  size_t offset = 0;            // byte offset in the tower octet string
  std::string message;
  // "floor 3 at offset 61: tcp right-hand side is 3 bytes, expected 2"
  std::string to_string() const;
  bool operator==(const TowerError&) const = default;
};

// Limits on what decode() accepts. A tower's size is bounded by the NDR limits of the twr_t that
// carries it; these bound the work per tower.
struct TowerLimits {
  size_t max_floors = 32;
  size_t max_bytes = 64 * 1024;
};

struct Tower {
  std::vector<Floor> floors;

  // The tower octet string.
  Bytes encode() const;
  static rpc::Result<Tower, TowerError> decode(std::span<const uint8_t> octets,
                                               const TowerLimits& limits = {});

  // twr_t as NDR20 little-endian stub data: tower_length (uint32), then the octet string as a
  // conformant byte array (uint32 size, repeating the length, then the bytes). No padding after.
  Bytes encode_twr() const;
  static rpc::Result<Tower, TowerError> decode_twr(std::span<const uint8_t> ndr,
                                                   const TowerLimits& limits = {});

  // Floor 1 and 2 of an RPC tower, when they are UUID floors.
  std::optional<rpc::SyntaxId> interface_id() const;
  std::optional<rpc::SyntaxId> transfer_syntax() const;

  // Samba's one-line form: the floors' texts separated by spaces.
  std::string to_string() const;

  bool operator==(const Tower&) const = default;
};

// The transport part of a tower (floors 3 and up): which protseq the protocol identifiers name.
// ncacn_ip_tcp = ncacn tcp ip, ncadg_ip_udp = ncadg udp ip, ncacn_http = ncacn http ip,
// ncacn_np = ncacn smb netbios, ncalrpc = ncalrpc named_pipe (Windows' and Samba's LRPC tower),
// ncacn_unix_stream = ncacn unix_ds, ncadg_unix_dgram = ncadg unix_ds. nullopt otherwise.
std::optional<rpc::Protseq> tower_protseq(const Tower& tower);

// What a tower says: the binding (protseq, host, endpoint; no object, no options), the interface
// and the transfer syntax.
struct TowerBinding {
  rpc::Binding binding;
  rpc::SyntaxId interface;
  rpc::SyntaxId transfer;
};

// The tower Windows and Samba build for a binding: interface floor, transfer syntax floor, then
// the protseq's floors. A host that is not an IPv4 literal (a name, empty, IPv6) becomes 0.0.0.0,
// a missing port 0, a missing pipe or path "" (as Samba's dcerpc_binding_build_tower does).
// Errors: a protseq without a tower form.
rpc::Result<Tower, TowerError> tower_from_binding(const rpc::Binding& binding,
                                                  const rpc::SyntaxId& interface,
                                                  const rpc::SyntaxId& transfer = rpc::kNdr20);
// The reverse. Port 0 and empty names give no endpoint; the address is kept as written
// (0.0.0.0 stays). Errors: fewer than 3 floors, floors 1-2 not UUID floors, an unknown stack.
rpc::Result<TowerBinding, TowerError> binding_from_tower(const Tower& tower);

}  // namespace nca::epm
