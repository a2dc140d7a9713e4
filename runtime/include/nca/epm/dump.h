// What ncaepmdump prints: every entry an endpoint mapper returned, as text in the manner of
// Impacket's rpcdump (entries grouped by interface: protocol, provider, UUID and annotation,
// bindings) and as JSON (one object per entry, with the decoded floors). The tool itself is a thin
// main around ept_lookup and these functions. Pure functions; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nca/epm/database.h"

namespace nca::epm {

// The IDL name of a well-known interface UUID ("epmapper", "samr", ...), or "" if unknown.
std::string_view known_interface_name(const rpc::Uuid& uuid);

struct KnownInterface {
  std::string_view name;
  rpc::Uuid uuid;
};
// The table behind known_interface_name (for tests against Samba's modules).
std::span<const KnownInterface> known_interfaces();

// One tower as a string binding, spelt as Impacket's PrintStringBinding spells them:
// "ncacn_ip_tcp:10.0.0.1[49664]", "ncadg_ip_udp:...", "ncacn_http:...[593]",
// "ncacn_np:\\HOST[\pipe\x]", "ncalrpc:[name]", and for stacks it does not know, Samba's floor text.
std::string dump_binding(const Tower& tower);

// The rpcdump-style text for `entries`, in their order (groups in order of first appearance).
std::string dump_text(std::span<const Entry> entries);

// {"entries": [{"object", "annotation", "interface": {"uuid", "version", "name"},
//   "transfer_syntax": {...}, "binding", "floors": [{"protocol", "text"}]}], "count"}
nlohmann::json dump_json(std::span<const Entry> entries);

}  // namespace nca::epm
