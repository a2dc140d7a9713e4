// nca::base::Guid: text round trips, malformed text, the fields and the NDR wire form in both
// byte orders (C706 appendix A), and that byte order equals field order.
#include "nca/base/guid.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string>

using nca::base::Guid;

namespace {
constexpr const char* kText = "8a885d04-1ceb-11c9-9fe8-08002b104860";
}

TEST_CASE("base_guid_parse_format_round_trip", "[base][guid]") {
  auto g = Guid::parse(kText);
  REQUIRE(g);
  CHECK(g->bytes == std::array<std::uint8_t, 16>{0x8a, 0x88, 0x5d, 0x04, 0x1c, 0xeb, 0x11, 0xc9,
                                                  0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60});
  CHECK(g->to_string() == kText);
  // Upper case and braces parse to the same value; formatting is always lowercase, no braces.
  CHECK(Guid::parse("8A885D04-1CEB-11C9-9FE8-08002B104860") == g);
  CHECK(Guid::parse("{8a885d04-1ceb-11c9-9fe8-08002b104860}") == g);
  CHECK(Guid::parse("{8A885D04-1CEB-11C9-9FE8-08002B104860}")->to_string() == kText);
  CHECK(Guid{}.to_string() == "00000000-0000-0000-0000-000000000000");
  CHECK(Guid::parse(Guid{}.to_string()) == Guid{});
  static_assert(Guid::from_literal("8a885d04-1ceb-11c9-9fe8-08002b104860").bytes[3] == 0x04);
}

TEST_CASE("base_guid_rejects_malformed_text", "[base][guid]") {
  for (const char* bad : {
           "",
           "8a885d04-1ceb-11c9-9fe8-08002b10486",     // one digit short
           "8a885d04-1ceb-11c9-9fe8-08002b1048600",   // one digit long
           "8a885d04-1ceb-11c9-9fe8x08002b104860",    // wrong separator
           "8a885d041-ceb-11c9-9fe8-08002b104860",    // separator in the wrong place
           "8a885d04-1ceb-11c9-9fe8-08002b10486g",    // not hex
           " 8a885d04-1ceb-11c9-9fe8-08002b10486",    // space
           "{8a885d04-1ceb-11c9-9fe8-08002b104860",   // unbalanced brace
           "(8a885d04-1ceb-11c9-9fe8-08002b104860)",  // other brackets
           "8a885d041ceb11c99fe808002b104860",        // no separators
       }) {
    INFO(bad);
    CHECK_FALSE(Guid::parse(bad));
  }
}

TEST_CASE("base_guid_fields_and_wire_form", "[base][guid]") {
  Guid g = Guid::from_fields(0x01234567, 0x89ab, 0xcdef, {0x01, 0x23}, {0x45, 0x67, 0x89, 0xab, 0xcd, 0xef});
  CHECK(g.to_string() == "01234567-89ab-cdef-0123-456789abcdef");
  CHECK(g.time_low() == 0x01234567);
  CHECK(g.time_mid() == 0x89ab);
  CHECK(g.time_hi_and_version() == 0xcdef);

  std::uint8_t le[16], be[16];
  g.to_wire(le, true);
  g.to_wire(be, false);
  // Little-endian NDR: each of the first three fields reversed, clock_seq and node as they are.
  CHECK(std::to_array(le) == std::array<std::uint8_t, 16>{0x67, 0x45, 0x23, 0x01, 0xab, 0x89, 0xef,
                                                         0xcd, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab,
                                                         0xcd, 0xef});
  // Big-endian NDR is the text order.
  CHECK(std::to_array(be) == g.bytes);
  CHECK(Guid::from_wire(le, true) == g);
  CHECK(Guid::from_wire(be, false) == g);
  CHECK(Guid::from_wire(le, false) != g);
}

TEST_CASE("base_guid_order_and_nil", "[base][guid]") {
  // Bytes in text order compare as the fields do (time_low first, as a number).
  Guid a = Guid::from_fields(0x000000ff, 0xffff, 0xffff, {0xff, 0xff}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  Guid b = Guid::from_fields(0x00000100, 0, 0, {0, 0}, {0, 0, 0, 0, 0, 0});
  CHECK(a < b);
  CHECK(Guid{}.is_nil());
  CHECK_FALSE(b.is_nil());
}
