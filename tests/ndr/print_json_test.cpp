// The text dump and the JSON form. JSON must round-trip: JSON -> value -> bytes -> value.
#include <catch2/catch.hpp>

#include <cmath>

#include "samba_goldens.h"
#include "samples.h"
#include "test_util.h"

using namespace nca::ndr;
using namespace samples;
using ndr_test::hex;
using ndr_test::pull_bytes;
using ndr_test::push_hex;


TEST_CASE("print: ndr_print-style dump of a pulled value", "[ndr][print]") {
  TransNameArray v;
  REQUIRE(pull_bytes(hex(kSambaTransNames), v).ok());
  v.names->resize(2);  // keep the expected text short
  Printer pr;
  print(pr, "r", v);
  CHECK(pr.str() ==
        "r: struct lsa_TransNameArray\n"
        "    count                    : 0x00000003 (3)\n"
        "    names                    : *\n"
        "        names: ARRAY(2)\n"
        "            names: struct lsa_TranslatedName\n"
        "                sid_type                 : SID_NAME_USER (1)\n"
        "                name: struct lsa_String\n"
        "                    length                   : 0x000a (10)\n"
        "                    size                     : 0x000a (10)\n"
        "                    string                   : *\n"
        "                        string                   : 'alice'\n"
        "                sid_index                : 0x00000000 (0)\n"
        "            names: struct lsa_TranslatedName\n"
        "                sid_type                 : SID_NAME_DOM_GRP (2)\n"
        "                name: struct lsa_String\n"
        "                    length                   : 0x000c (12)\n"
        "                    size                     : 0x000c (12)\n"
        "                    string                   : *\n"
        "                        string                   : 'Dom\xc3\xa4ne'\n"
        "                sid_index                : 0x00000001 (1)\n");
}

TEST_CASE("print: null pointers, bitmaps, unknown enums, escapes", "[ndr][print]") {
  SrvInfo101 v;
  REQUIRE(pull_bytes(hex(kSambaSrvInfo101), v).ok());
  v.platform_id = 7;
  Printer pr;
  print(pr, "info", v);
  CHECK(pr.str() ==
        "info: struct srvsvc_NetSrvInfo101\n"
        "    platform_id              : UNKNOWN_ENUM_VALUE (7)\n"
        "    server_name              : *\n"
        "        server_name              : 'SRV1'\n"
        "    version_major            : 0x00000006 (6)\n"
        "    version_minor            : 0x00000001 (1)\n"
        "    server_type              : 0x00001003 (4099)\n"
        "        1: SV_TYPE_WORKSTATION\n"
        "        1: SV_TYPE_SERVER\n"
        "        0: SV_TYPE_SQLSERVER\n"
        "    comment                  : NULL\n");
  Printer e;
  e.string("s", std::string_view("a'\n\xed\xa0\x80\xff"));
  CHECK(e.str() == "s                        : 'a\\'\\x0a\\uD800\\xff'\n");
  Printer h;
  h.context_handle("handle", ContextHandle{1, *Guid::parse("01234567-89ab-cdef-0123-456789abcdef")});
  h.field("status", status::kNoneMapped);
  CHECK(h.str() ==
        "handle: struct policy_handle\n"
        "    handle_type              : 0x00000001 (1)\n"
        "    uuid                     : 01234567-89ab-cdef-0123-456789abcdef\n"
        "status                   : NT_STATUS_NONE_MAPPED\n");
}

TEST_CASE("json: JSON -> value -> bytes -> value round trip", "[ndr][json]") {
  auto v = sample_trans_names();
  // A name with an unpaired surrogate (WTF-8), which plain JSON strings cannot hold.
  v.names->push_back(TranslatedName{1, LsaString{4, 4, std::string("\xed\xa0\x80x")}, 3});
  v.count = 4;
  nlohmann::json j = v;
  CHECK(j["names"][1]["name"]["string"] == "Dom\xc3\xa4ne");
  CHECK(j["names"][3]["name"]["string"] == nlohmann::json{{"utf16", {0xd800, 0x78}}});
  // Through text, as a user would store it.
  auto parsed = nlohmann::json::parse(j.dump());
  auto from = parsed.get<TransNameArray>();
  CHECK(from == v);
  std::string bytes = push_hex(from);
  CHECK(bytes == push_hex(v));
  TransNameArray back;
  REQUIRE(pull_bytes(hex(bytes), back).ok());
  CHECK(back == v);
  CHECK(nlohmann::json(back) == j);
}

TEST_CASE("json: well-known types", "[ndr][json]") {
  ContextHandle h{3, *Guid::parse("01234567-89ab-cdef-0123-456789abcdef")};
  nlohmann::json j = h;
  CHECK(j == nlohmann::json::parse(
                 R"({"handle_type":3,"uuid":"01234567-89ab-cdef-0123-456789abcdef"})"));
  CHECK(j.get<ContextHandle>() == h);
  nlohmann::json s = NtStatus{0xc0000022};
  CHECK(s == "NT_STATUS_ACCESS_DENIED");
  CHECK(s.get<NtStatus>() == NtStatus{0xc0000022});
  CHECK(nlohmann::json(WError{0x1234}).get<WError>() == WError{0x1234});
  CHECK(nlohmann::json(HResult{0x80070005}) == "E_ACCESSDENIED");
  nlohmann::json b = DataBlob{{0xde, 0xad}};
  CHECK(b == "dead");
  CHECK(b.get<DataBlob>() == DataBlob{{0xde, 0xad}});
  CHECK(bytes_to_json("\xff") == nlohmann::json{{"hex", "ff"}});
  CHECK(bytes_from_json(bytes_to_json("\xff")) == "\xff");
  CHECK(u16_from_json(u16_to_json(u"\xdc00x")) == u"\xdc00x");
  CHECK(float_to_json(INFINITY) == "Infinity");
  CHECK(std::isnan(float_from_json(float_to_json(NAN))));
  CHECK(float_from_json(float_to_json(1.5)) == 1.5);
  Unique<std::uint32_t> none;
  CHECK(nlohmann::json(none).is_null());
  CHECK_THROWS(nlohmann::json("not-a-guid").get<Guid>());
}
