#include "nca/epm/dump.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace nca::epm {
namespace {

using rpc::Uuid;

constexpr KnownInterface kKnown[] = {
    {"epmapper", Uuid::from_literal("e1af8308-5d1f-11c9-91a4-08002b14a0fa")},
    {"mgmt", Uuid::from_literal("afa8bd80-7d8a-11c9-bef4-08002b102989")},
    {"rpcecho", Uuid::from_literal("60a15ec5-4de8-11d7-a637-005056a20182")},
    {"lsarpc", Uuid::from_literal("12345778-1234-abcd-ef00-0123456789ab")},
    {"samr", Uuid::from_literal("12345778-1234-abcd-ef00-0123456789ac")},
    {"netlogon", Uuid::from_literal("12345678-1234-abcd-ef00-01234567cffb")},
    {"srvsvc", Uuid::from_literal("4b324fc8-1670-01d3-1278-5a47bf6ee188")},
    {"wkssvc", Uuid::from_literal("6bffd098-a112-3610-9833-46c3f87e345a")},
    {"winreg", Uuid::from_literal("338cd001-2244-31f1-aaaa-900038001003")},
    {"spoolss", Uuid::from_literal("12345678-1234-abcd-ef00-0123456789ab")},
    {"svcctl", Uuid::from_literal("367abb81-9844-35f1-ad32-98f038001003")},
    {"drsuapi", Uuid::from_literal("e3514235-4b06-11d1-ab04-00c04fc2dcd2")},
    {"atsvc", Uuid::from_literal("1ff70682-0a51-30e8-076d-740be8cee98b")},
    {"dnsserver", Uuid::from_literal("50abc2a4-574d-40b3-9d66-ee4fd5fba076")},
    {"initshutdown", Uuid::from_literal("894de0c0-0d55-11d3-a322-00c04fa321a1")},
    {"unixinfo", Uuid::from_literal("9c54e310-a955-4885-bd31-78787147dfa6")},
};

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string version_text(const rpc::SyntaxId& id) {
  return std::to_string(id.major) + "." + std::to_string(id.minor);
}

// The interface floor as rpcdump shows it: upper-case UUID, " v", major.minor.
std::string interface_text(const Tower& t) {
  if (auto id = t.interface_id()) return upper(id->uuid.to_string()) + " v" + version_text(*id);
  return t.floors.empty() ? std::string("(no floors)") : floor_to_string(t.floors[0]);
}

nlohmann::json syntax_json(const std::optional<rpc::SyntaxId>& id) {
  if (!id) return nullptr;
  nlohmann::json j{{"uuid", id->uuid.to_string()}, {"version", version_text(*id)}};
  auto name = known_interface_name(id->uuid);
  j["name"] = name.empty() ? nlohmann::json(nullptr) : nlohmann::json(std::string(name));
  return j;
}

}  // namespace

std::span<const KnownInterface> known_interfaces() { return kKnown; }

std::string_view known_interface_name(const rpc::Uuid& uuid) {
  // lsarpc and spoolss share a UUID (different versions); the first listed wins, as in rpcdump.
  for (const auto& k : kKnown)
    if (k.uuid == uuid) return k.name;
  return {};
}

std::string dump_binding(const Tower& tower) {
  auto protseq = tower_protseq(tower);
  if (!protseq) {
    std::string s;
    for (size_t i = 3; i < tower.floors.size(); ++i) s += (s.empty() ? "" : " ") + floor_to_string(tower.floors[i]);
    return s.empty() ? tower.to_string() : s;
  }
  const auto& f = tower.floors;
  auto port = [&](size_t i) { return std::to_string(std::get<PortFloor>(f[i]).port); };
  auto text = [&](size_t i) { return std::get<StringFloor>(f[i]).text; };
  auto ip = [&](size_t i) { return std::get<Ipv4Floor>(f[i]).to_string(); };
  switch (*protseq) {
    case rpc::Protseq::kNcacnIpTcp: return "ncacn_ip_tcp:" + ip(4) + "[" + port(3) + "]";
    case rpc::Protseq::kNcadgIpUdp: return "ncadg_ip_udp:" + ip(4) + "[" + port(3) + "]";
    case rpc::Protseq::kNcacnHttp: return "ncacn_http:" + ip(4) + "[" + port(3) + "]";
    case rpc::Protseq::kNcacnNp: return "ncacn_np:" + text(4) + "[" + text(3) + "]";
    case rpc::Protseq::kNcalrpc: return "ncalrpc:[" + text(3) + "]";
    case rpc::Protseq::kNcacnUnixStream: return "ncacn_unix_stream:[" + text(3) + "]";
    case rpc::Protseq::kNcadgUnixDgram: return "ncadg_unix_dgram:[" + text(3) + "]";
    default: return tower.to_string();
  }
}

std::string dump_text(std::span<const Entry> entries) {
  struct Group {
    std::string protocol;
    std::string annotation;
    std::vector<std::string> bindings;
  };
  std::vector<std::string> order;
  std::map<std::string, Group> groups;
  for (const Entry& e : entries) {
    const std::string key = interface_text(e.tower);
    auto [it, fresh] = groups.try_emplace(key);
    if (fresh) {
      order.push_back(key);
      auto id = e.tower.interface_id();
      auto name = id ? known_interface_name(id->uuid) : std::string_view{};
      it->second.protocol = name.empty() ? "N/A" : std::string(name);
    }
    // rpcdump keeps the annotation of the last entry of a group.
    it->second.annotation = e.annotation;
    it->second.bindings.push_back(dump_binding(e.tower));
  }
  std::string out;
  for (const std::string& key : order) {
    const Group& g = groups[key];
    out += "Protocol: " + g.protocol + " \n";
    out += "Provider: N/A \n";
    out += "UUID    : " + key + " " + g.annotation + "\n";
    out += "Bindings: \n";
    for (const auto& b : g.bindings) out += "          " + b + "\n";
    out += "\n";
  }
  return out;
}

nlohmann::json dump_json(std::span<const Entry> entries) {
  nlohmann::json list = nlohmann::json::array();
  for (const Entry& e : entries) {
    nlohmann::json floors = nlohmann::json::array();
    for (const Floor& f : e.tower.floors)
      floors.push_back({{"protocol", protocol_name(floor_protocol(f))}, {"text", floor_to_string(f)}});
    nlohmann::json j{{"object", e.object.to_string()},
                     {"annotation", e.annotation},
                     {"interface", syntax_json(e.tower.interface_id())},
                     {"transfer_syntax", syntax_json(e.tower.transfer_syntax())},
                     {"binding", dump_binding(e.tower)},
                     {"floors", std::move(floors)}};
    if (auto p = tower_protseq(e.tower)) j["protseq"] = std::string(rpc::protseq_name(*p));
    list.push_back(std::move(j));
  }
  return {{"count", entries.size()}, {"entries", std::move(list)}};
}

}  // namespace nca::epm
