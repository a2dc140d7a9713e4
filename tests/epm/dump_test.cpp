// The endpoint dump: rpcdump-style text grouped by interface, and JSON with the decoded floors.
#include <catch2/catch.hpp>

#include "nca/epm/dump.h"
#include "tower_cases.h"

using namespace nca::epm;
using namespace epmtest;

TEST_CASE("dump_text_groups_by_interface_like_rpcdump", "[epm]") {
  auto cases = tower_cases();
  std::vector<Entry> entries = {
      {{}, cases.at("ncacn_ip_tcp"), "EndPoint Mapper"},
      {{}, cases.at("ncadg_ip_udp"), ""},
      {{}, cases.at("ncacn_np"), "EndPoint Mapper"},
      {{}, cases.at("ncalrpc"), "EndPoint Mapper"},
  };
  CHECK(dump_text(entries) ==
        "Protocol: epmapper \n"
        "Provider: N/A \n"
        "UUID    : E1AF8308-5D1F-11C9-91A4-08002B14A0FA v3.0 EndPoint Mapper\n"
        "Bindings: \n"
        "          ncacn_ip_tcp:127.0.0.1[135]\n"
        "          ncacn_np:HOST[\\PIPE\\epmapper]\n"
        "          ncalrpc:[EPMAPPER]\n"
        "\n"
        "Protocol: N/A \n"
        "Provider: N/A \n"
        "UUID    : 12345678-9ABC-DEF0-1122-334455667788 v258.772 \n"
        "Bindings: \n"
        "          ncadg_ip_udp:10.1.2.3[49153]\n"
        "\n");
  CHECK(dump_text({}).empty());
}

TEST_CASE("dump_binding_of_unknown_stacks_uses_floor_text", "[epm]") {
  CHECK(dump_binding(tower_cases().at("raw_floors")) == "ipx vines_spp 1234");
  CHECK(dump_binding(tower_cases().at("ncacn_unix_stream")) == "ncacn_unix_stream:[/run/x.sock]");
}

TEST_CASE("dump_json_has_floors_and_names", "[epm]") {
  auto cases = tower_cases();
  std::vector<Entry> entries = {{Uuid::from_literal("0badf00d-0000-0000-0000-000000000001"), cases.at("ncacn_ip_tcp"), "EPM"},
                                {{}, cases.at("raw_floors"), ""},
                                {{}, cases.at("ncadg_ip_udp"), ""}};
  auto j = dump_json(entries);
  REQUIRE(j["count"] == 3);
  const auto& e = j["entries"][0];
  CHECK(e["object"] == "0badf00d-0000-0000-0000-000000000001");
  CHECK(e["annotation"] == "EPM");
  CHECK(e["interface"]["name"] == "epmapper");
  CHECK(e["interface"]["version"] == "3.0");
  CHECK(e["transfer_syntax"]["uuid"] == "8a885d04-1ceb-11c9-9fe8-08002b104860");
  CHECK(e["binding"] == "ncacn_ip_tcp:127.0.0.1[135]");
  CHECK(e["protseq"] == "ncacn_ip_tcp");
  REQUIRE(e["floors"].size() == 5);
  CHECK(e["floors"][3]["protocol"] == "tcp");
  CHECK(e["floors"][3]["text"] == "tcp 135");
  CHECK_FALSE(j["entries"][1].contains("protseq"));
  CHECK(j["entries"][1]["binding"] == "ipx vines_spp 1234");
  CHECK(j["entries"][2]["interface"]["name"].is_null());
  CHECK(j["entries"][2]["transfer_syntax"]["uuid"] == "71710533-beba-4937-8319-b5dbef9ccc36");
}
