// nca::epm against real peers: towers built by Samba's NDR library and by Impacket (both ways),
// Impacket's PrintStringBinding on our towers, our interface-name table against Samba's modules,
// and the inq_stats stubs against Samba's mgmt bindings. Needs /usr/bin/python3 with python3-samba
// and python3-impacket.
#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <sstream>
#include <string>

#include <sys/wait.h>

#include "nca/epm/dump.h"
#include "nca/rpc/mgmt.h"
#include "tower_cases.h"

using namespace nca::epm;
using namespace epmtest;

namespace {

std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  return out;
}

std::string hex(const nca::rpc::Bytes& b) {
  static const char k[] = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s += k[x >> 4];
    s += k[x & 15];
  }
  return s;
}

std::string python(const std::string& script) {
  return run("/usr/bin/python3 -c '" + script + "'");
}

}  // namespace

TEST_CASE("towers_agree_with_samba_and_impacket", "[epm][interop]") {
  std::istringstream lines(run("/usr/bin/python3 " NCA_EPM_TOWER_VECTORS));
  auto cases = tower_cases();
  std::string name, hexbytes;
  size_t compared = 0;
  while (lines >> name >> hexbytes) {
    INFO(name);
    REQUIRE(cases.count(name));
    const auto bytes = from_hex(hexbytes);
    const Tower& ours = cases.at(name);
    const bool impacket = name.rfind("impacket_", 0) == 0;
    CHECK((impacket ? ours.encode() : ours.encode_twr()) == bytes);
    auto back = impacket ? Tower::decode(bytes) : Tower::decode_twr(bytes);
    REQUIRE(back.ok());
    CHECK(back.value() == ours);
    ++compared;
  }
  CHECK(compared == cases.size());
}

TEST_CASE("samba_decodes_our_towers_and_prints_the_same_floors", "[epm][interop]") {
  // Samba's own parser reads what we encode; its floor fields must match ours.
  for (const auto& [name, t] : tower_cases()) {
    if (name.rfind("impacket_", 0) == 0 || name == "raw_floors") continue;
    INFO(name);
    std::string out = python(
        "from samba.dcerpc import epmapper; from samba.ndr import ndr_unpack\n"
        "t = ndr_unpack(epmapper.epm_twr_t, bytes.fromhex(\"" + hex(t.encode_twr()) + "\"))\n"
        "print(t.tower.num_floors, *[f.lhs.protocol for f in t.tower.floors])\n");
    std::string want = std::to_string(t.floors.size());
    for (const auto& f : t.floors) want += " " + std::to_string(floor_protocol(f));
    CHECK(out == want + "\n");
  }
}

TEST_CASE("impacket_prints_our_towers_as_dump_binding_does", "[epm][interop]") {
  for (const char* name : {"ncacn_ip_tcp", "ncadg_ip_udp", "ncacn_http", "ncacn_np", "ncalrpc"}) {
    INFO(name);
    const Tower t = tower_cases().at(name);
    std::string out = python(
        "from impacket.dcerpc.v5 import epm\n"
        "t = epm.EPMTower(bytes.fromhex(\"" + hex(t.encode()) + "\"))\n"
        "print(epm.PrintStringBinding(t[\"Floors\"]))\n");
    CHECK(out == dump_binding(t) + "\n");
  }
}

TEST_CASE("known_interface_names_match_samba_modules", "[epm][interop]") {
  std::string out = python(
      "import importlib\n"
      "names = {\"rpcecho\": \"echo\", \"lsarpc\": \"lsa\"}\n"
      "for n in \"" + [] {
        std::string s;
        for (const auto& k : known_interfaces()) s += std::string(k.name) + " ";
        return s;
      }() + "\".split():\n"
      "  m = importlib.import_module(\"samba.dcerpc.\" + names.get(n, n))\n"
      "  print(n, m.abstract_syntax().uuid)\n");
  std::istringstream lines(out);
  std::string name, uuid;
  size_t n = 0;
  while (lines >> name >> uuid) {
    INFO(name);
    auto ours = std::find_if(known_interfaces().begin(), known_interfaces().end(),
                             [&](const KnownInterface& k) { return k.name == name; });
    REQUIRE(ours != known_interfaces().end());
    CHECK(ours->uuid.to_string() == uuid);
    ++n;
  }
  CHECK(n == known_interfaces().size());
}

TEST_CASE("inq_stats_stubs_agree_with_samba_mgmt", "[epm][interop]") {
  // Samba's request (8 bytes) decodes; our response decodes in Samba's bindings to our counters.
  std::string req = python(
      "from samba.dcerpc import mgmt; from samba.ndr import ndr_pack_in\n"
      "r = mgmt.inq_stats(); r.in_max_count = 4; r.in_unknown = 0\n"
      "print(ndr_pack_in(r).hex())\n");
  auto req_bytes = from_hex(req.substr(0, req.find('\n')));
  CHECK(req_bytes.size() == 8);
  CHECK(nca::rpc::decode_inq_stats_request(req_bytes) == 4u);
  const uint32_t counters[] = {11, 22, 33, 44};
  std::string out = python(
      "from samba.dcerpc import mgmt; from samba.ndr import ndr_unpack_out, ndr_pack_out\n"
      "r = mgmt.inq_stats(); r.in_max_count = 4\n"
      "b = bytes.fromhex(\"" + hex(nca::rpc::encode_inq_stats_response(counters)) + "\")\n"
      "ndr_unpack_out(r, b)\n"
      "print(r.out_statistics.count, *r.out_statistics.statistics, r.result[0], ndr_pack_out(r) == b)\n");
  CHECK(out == "4 11 22 33 44 0 True\n");
}

TEST_CASE("a_real_samba_endpoint_mappers_towers", "[epm][interop]") {
  // Samba's samba-dcerpcd in a network namespace of the test's own (needs root for unshare -n).
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(
      popen("unshare -n /usr/bin/python3 " NCA_EPM_SAMBA_ENTRIES " 2>/dev/null", "r"), pclose);
  REQUIRE(pipe);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  int rc = pclose(pipe.release());
  if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    WARN("could not run Samba's endpoint mapper (exit " << rc << "): not checked");
    return;
  }
  std::istringstream lines(out);
  std::string line;
  std::vector<Entry> entries;
  uint32_t final_status = 0;
  int empty_handle = 0;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string hexbytes, impacket_binding, annotation;
    fields >> hexbytes;
    if (hexbytes == "STATUS") {
      fields >> final_status >> empty_handle;
      continue;
    }
    fields >> impacket_binding;
    std::getline(fields >> std::ws, annotation);
    INFO(line);
    const auto bytes = from_hex(hexbytes);
    auto t = Tower::decode_twr(bytes);
    REQUIRE(t.ok());
    CHECK(t.value().encode_twr() == bytes);
    CHECK(dump_binding(t.value()) == impacket_binding);
    CHECK(binding_from_tower(t.value()).ok());
    entries.push_back({{}, t.value(), annotation});
  }
  REQUIRE(entries.size() > 10);
  // How Samba ends a lookup (what LookupEnd::kSamba reproduces): the last batch carries
  // ept_s_not_registered and an empty handle.
  CHECK(final_status == kEptNoMoreEntries);
  CHECK(empty_handle == 1);
  // Everything Samba registered is accepted by our database, and ept_map over it finds what
  // Samba's own map would: samr over ncacn_ip_tcp.
  EndpointDatabase db;
  REQUIRE(db.insert(entries, false) == kEptOk);
  CHECK(db.size() == entries.size());
  const SyntaxId samr{Uuid::from_literal("12345778-1234-abcd-ef00-0123456789ac"), 1, 0};
  nca::rpc::Binding any;
  any.set_protseq(nca::rpc::Protseq::kNcacnIpTcp);
  auto c = db.begin_map({}, tower_from_binding(any, samr).value());
  REQUIRE(c.ok());
  auto b = db.next(c.value(), 10, {});
  REQUIRE(b.towers.size() == 1);
  std::string want;
  for (const auto& e : entries)
    if (e.annotation == "samr" && tower_protseq(e.tower) == nca::rpc::Protseq::kNcacnIpTcp) want = dump_binding(e.tower);
  CHECK(dump_binding(b.towers[0]) == want);
  CHECK(dump_text(entries).find("Protocol: samr \n") != std::string::npos);
}
