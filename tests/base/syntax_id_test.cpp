// nca::base::SyntaxId: the packed 32-bit if_version both ways, and text parse/format.
#include "nca/base/syntax_id.h"

#include <catch2/catch.hpp>

using nca::base::Guid;
using nca::base::SyntaxId;

namespace {
constexpr Guid kEpm = Guid::from_literal("e1af8308-5d1f-11c9-91a4-08002b14a0fa");
}

TEST_CASE("base_syntax_id_if_version_packing", "[base][syntax_id]") {
  // Major in the low half, minor in the high half (mgmt's version 1.0 is 0x00000001).
  CHECK(SyntaxId{kEpm, 3, 0}.if_version() == 0x00000003);
  CHECK(SyntaxId{kEpm, 1, 2}.if_version() == 0x00020001);
  CHECK(SyntaxId{kEpm, 0xffff, 0xfffe}.if_version() == 0xfffeffff);
  auto s = SyntaxId::from_if_version(kEpm, 0x00020001);
  CHECK(s.uuid == kEpm);
  CHECK(s.major == 1);
  CHECK(s.minor == 2);
  for (std::uint32_t v : {0u, 1u, 0x10000u, 0x12345678u, 0xffffffffu})
    CHECK(SyntaxId::from_if_version(kEpm, v).if_version() == v);
}

TEST_CASE("base_syntax_id_parse_and_format", "[base][syntax_id]") {
  auto s = SyntaxId::parse("E1AF8308-5D1F-11C9-91A4-08002B14A0FA", "3.0");
  REQUIRE(s);
  CHECK(*s == SyntaxId{kEpm, 3, 0});
  CHECK(to_string(*s) == "e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0");
  CHECK(SyntaxId::parse(to_string(*s)) == s);
  CHECK(SyntaxId::parse("e1af8308-5d1f-11c9-91a4-08002b14a0fa v65535.12") ==
        SyntaxId{kEpm, 65535, 12});
  CHECK(SyntaxId::parse(kEpm.to_string(), "0.65535") == SyntaxId{kEpm, 0, 65535});
}

TEST_CASE("base_syntax_id_rejects_malformed_versions", "[base][syntax_id]") {
  const std::string uuid = kEpm.to_string();
  for (const char* bad : {"", "3", "3.", ".0", "3.0.1", "65536.0", "0.65536", "-1.0", "+1.0",
                          " 3.0", "3.0 ", "3,0", "a.0", "99999999999.0"}) {
    INFO(bad);
    CHECK_FALSE(SyntaxId::parse(uuid, bad));
  }
  CHECK_FALSE(SyntaxId::parse("e1af8308-5d1f-11c9-91a4-08002b14a0f", "3.0"));
  CHECK_FALSE(SyntaxId::parse(uuid + " 3.0"));  // the "v" is part of the text form
  CHECK_FALSE(SyntaxId::parse(uuid));
}
