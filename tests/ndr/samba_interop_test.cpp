// Runs Samba's NDR code live (samba_pack.py through /usr/bin/python3) against ours, both ways:
// Samba packs a value and we must produce the same bytes and pull the same value; we push a value
// and Samba must unpack it to the same fields. CTest labels "ndr" and "interop".
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <memory>

#include "samba_goldens.h"
#include "samples.h"
#include "test_util.h"

using namespace nca::ndr;
using namespace samples;
using ndr_test::hex;
using ndr_test::push_hex;


namespace {

std::string run(const std::string& args) {
  std::string cmd = "/usr/bin/python3 " NDR_TEST_DIR "/samba_pack.py " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> f(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(f);
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = fread(buf.data(), 1, buf.size(), f.get())) out.append(buf.data(), n);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("interop: Samba and we agree on lsa_TransNameArray", "[ndr][interop]") {
  auto ours = sample_trans_names();
  std::string samba = run("pack trans_names");
  CHECK(push_hex(ours) == samba);
  TransNameArray back;
  REQUIRE(ndr_test::pull_bytes(hex(samba), back).ok());
  CHECK(back == ours);
  auto j = nlohmann::json::parse(run("unpack trans_names " + push_hex(ours)));
  REQUIRE(j.size() == ours.names->size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& n = (*ours.names)[i];
    CHECK(j[i]["sid_type"] == n.sid_type);
    CHECK(j[i]["string"] == *n.name.string);
    CHECK(j[i]["length"] == n.name.length);
    CHECK(j[i]["sid_index"] == n.sid_index);
  }
}

TEST_CASE("interop: Samba and we agree on GUID and policy_handle", "[ndr][interop]") {
  auto g = *Guid::parse("01234567-89ab-cdef-0123-456789abcdef");
  Push p;
  p.guid(g);
  CHECK(ndr_test::to_hex(p.bytes()) == run("pack guid"));
  CHECK(nlohmann::json::parse(run("unpack guid " + ndr_test::to_hex(p.bytes()))) == g.to_string());
  Push h;
  h.context_handle(ContextHandle{7, g});
  CHECK(ndr_test::to_hex(h.bytes()) == run("pack policy_handle"));
  auto j = nlohmann::json::parse(run("unpack policy_handle " + ndr_test::to_hex(h.bytes())));
  CHECK(j["handle_type"] == 7);
  CHECK(j["uuid"] == g.to_string());
}

TEST_CASE("interop: Samba and we agree on lsa_SidArray, NetSrvInfo101, LogonHours",
          "[ndr][interop]") {
  auto a = sample_sid_array();
  CHECK(push_hex(a) == run("pack sid_array"));
  CHECK(nlohmann::json::parse(run("unpack sid_array " + push_hex(a))) ==
        nlohmann::json{"S-1-5-32-544", "S-1-5-21-1-2-3-500"});

  auto s = sample_srv_info101();
  CHECK(push_hex(s) == run("pack srv_info101"));
  auto js = nlohmann::json::parse(run("unpack srv_info101 " + push_hex(s)));
  CHECK(js["server_name"] == "SRV1");
  CHECK(js["comment"].is_null());
  CHECK(js["server_type"] == 0x1003);

  auto h = sample_logon_hours();
  CHECK(push_hex(h) == run("pack logon_hours"));
  auto jh = nlohmann::json::parse(run("unpack logon_hours " + push_hex(h)));
  CHECK(jh["units_per_week"] == 168);
  CHECK(jh["bits"].size() == 21);
  CHECK(jh["bits"][20] == 20);
}
