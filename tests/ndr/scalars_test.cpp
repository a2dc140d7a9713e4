// Scalars, alignment, NDR64 sizes and big-endian input. Golden bytes worked out from C706 14.2
// (primitive types, natural alignment relative to the start of the stream) and MS-RPCE 2.2.5
// (NDR64: 8-octet counts and referent ids, enums 4 octets).
#include <catch2/catch.hpp>

#include <cmath>

#include "test_util.h"

using namespace nca::ndr;
using ndr_test::hex;
using ndr_test::to_hex;

namespace {

// u8 1, u16 0x0203, u8 4, u32 0x05060708, hyper 0x090a0b0c0d0e0f10, float 1.0, double -2.0, each
// aligned to its size; padding is zero.
const char* const kScalarsLe =
    "01 00 0302 04 000000 08070605 00000000 100f0e0d0c0b0a09 0000803f 00000000 00000000000000c0";
// The same values from a big-endian peer (drep[0] = 0x00): every integer and float reversed,
// padding and positions unchanged.
const char* const kScalarsBe =
    "01 00 0203 04 000000 05060708 00000000 090a0b0c0d0e0f10 3f800000 00000000 c000000000000000";

struct Scalars {
  std::uint8_t a = 0;
  std::uint16_t b = 0;
  std::uint8_t c = 0;
  std::uint32_t d = 0;
  std::uint64_t e = 0;
  float f = 0;
  double g = 0;
};

void pull_scalars(Pull& p, Scalars& s) {
  p.u8(s.a);
  p.u16(s.b);
  p.u8(s.c);
  p.u32(s.d);
  p.u64(s.e);
  p.f32(s.f);
  p.f64(s.g);
}

}  // namespace

TEST_CASE("scalars: natural alignment and little-endian push", "[ndr][scalars]") {
  Push p;
  p.u8(1);
  p.u16(0x0203);
  p.u8(4);
  p.u32(0x05060708);
  p.u64(0x090a0b0c0d0e0f10);
  p.f32(1.0f);
  p.f64(-2.0);
  REQUIRE(p.ok());
  CHECK(to_hex(p.bytes()) == to_hex(hex(kScalarsLe)));
}

TEST_CASE("scalars: pull honours the declared byte order", "[ndr][scalars]") {
  for (auto [bytes, drep0] : {std::pair{kScalarsLe, 0x10}, {kScalarsBe, 0x00}}) {
    auto data = hex(bytes);
    Pull p(data, Syntax::ndr20, DataRep::from_bytes(static_cast<std::uint8_t>(drep0), 0));
    Scalars s;
    pull_scalars(p, s);
    REQUIRE(p.ok());
    CHECK(p.trailing() == 0);
    CHECK(s.a == 1);
    CHECK(s.b == 0x0203);
    CHECK(s.c == 4);
    CHECK(s.d == 0x05060708);
    CHECK(s.e == 0x090a0b0c0d0e0f10);
    CHECK(s.f == 1.0f);
    CHECK(s.g == -2.0);
  }
}

TEST_CASE("scalars: signed types, boolean, udlong (NTTIME) and udlongr", "[ndr][scalars]") {
  Push p;
  p.i8(-2);
  p.i16(-3);
  p.i32(-4);
  p.i64(-5);
  p.boolean(true);
  p.nttime(NtTime{0x0102030405060708});  // udlong: aligned 4, low half first
  p.udlongr(0x1112131415161718);         // high half first
  CHECK(to_hex(p.bytes()) ==
        to_hex(hex("fe 00 fdff fcffffff fbffffffffffffff 01 000000 08070605 04030201 "
                   "14131211 18171615")));
  Pull in(p.bytes());
  std::int8_t a;
  std::int16_t b;
  std::int32_t c;
  std::int64_t d;
  bool e;
  NtTime t;
  std::uint64_t r;
  in.i8(a), in.i16(b), in.i32(c), in.i64(d), in.boolean(e), in.nttime(t), in.udlongr(r);
  REQUIRE(in.ok());
  CHECK((a == -2 && b == -3 && c == -4 && d == -5 && e));
  CHECK(t.value == 0x0102030405060708);
  CHECK(r == 0x1112131415161718);
}

TEST_CASE("scalars: NDR64 widens counts, referent ids and enums", "[ndr][scalars][ndr64]") {
  // NDR20: enum16 2 octets, u3264 and referent 4 octets.
  Push a(Syntax::ndr20);
  a.enum16(3);
  a.u3264(5);
  a.referent(true);
  a.referent(false);
  CHECK(to_hex(a.bytes()) == to_hex(hex("0300 0000 05000000 00000200 00000000")));
  // NDR64 (MS-RPCE 2.2.5.2, 2.2.5.3.2): enums are 4 octets, counts and pointers 8, aligned 8.
  Push b(Syntax::ndr64);
  b.enum16(3);
  b.u3264(5);
  b.referent(true);
  b.referent(false);
  CHECK(to_hex(b.bytes()) ==
        to_hex(hex("03000000 00000000 0500000000000000 0000020000000000 0000000000000000")));
  Pull in(b.bytes(), Syntax::ndr64);
  std::uint32_t e;
  std::uint64_t n, r1, r2;
  in.enum16(e), in.u3264(n), in.referent(r1), in.referent(r2);
  REQUIRE(in.ok());
  CHECK((e == 3 && n == 5 && r1 == 0x20000 && r2 == 0));
}

TEST_CASE("scalars: values too wide for NDR20 are refused on push", "[ndr][scalars]") {
  Push a;
  a.enum16(0x10000);
  CHECK(a.status().code == Error::bad_value);
  Push b;
  b.u32(1);
  b.u3264(std::uint64_t{1} << 32);
  CHECK(b.status() == Status{Error::count_too_large, 4});
  Push c(Syntax::ndr64);
  c.u3264(std::uint64_t{1} << 32);
  CHECK(c.ok());
}

TEST_CASE("scalars: arrays of scalars in one copy, swapped from big-endian", "[ndr][scalars]") {
  std::vector<std::uint16_t> v{1, 2, 0x0304};
  Push p;
  p.u8(9);
  p.array(v);
  CHECK(to_hex(p.bytes()) == "0900010002000403");
  auto be = hex("09 00 0001 0002 0304");
  Pull in(be, Syntax::ndr20, DataRep::from_bytes(0x00, 0));
  std::uint8_t x;
  std::vector<std::uint16_t> back;
  in.u8(x);
  REQUIRE(in.array(back, 3));
  CHECK(back == v);
}

TEST_CASE("scalars: pidl flag scopes NOALIGN and BIG_ENDIAN", "[ndr][scalars]") {
  Push p;
  p.u8(1);
  auto saved = p.flags();
  p.set_flags(saved | kFlagNoAlign | kFlagBigEndian);
  p.u32(0x01020304);  // no padding, big-endian
  p.set_flags(saved);
  p.u32(0x01020304);
  CHECK(to_hex(p.bytes()) == to_hex(hex("01 01020304 000000 04030201")));
  Pull in(p.bytes());
  std::uint8_t a;
  std::uint32_t b, c;
  in.u8(a);
  in.set_flags(kFlagNoAlign | kFlagBigEndian);
  in.u32(b);
  in.set_flags(0);
  in.u32(c);
  REQUIRE(in.ok());
  CHECK((b == 0x01020304 && c == 0x01020304));
}

TEST_CASE("scalars: data representation label", "[ndr][scalars]") {
  auto le = DataRep::from_bytes(0x10, 0x00);
  CHECK((le.little_endian && !le.ebcdic && le.float_format == 0 && le.byte0() == 0x10));
  auto be = DataRep::from_bytes(0x00, 0x00);
  CHECK((!be.little_endian && be.byte0() == 0x00));
  // Non-IEEE floats and EBCDIC characters are refused when such a value is read.
  auto data = hex("0000803f");
  Pull vax(data, Syntax::ndr20, DataRep::from_bytes(0x10, 0x01));
  float f;
  CHECK_FALSE(vax.f32(f));
  CHECK(vax.status() == Status{Error::unsupported_drep, 0});
  auto str = hex("02000000 00000000 02000000 6100");
  Pull ebcdic(str, Syntax::ndr20, DataRep::from_bytes(0x11, 0x00));
  std::string s;
  CHECK_FALSE(ebcdic.string(s));
  CHECK(ebcdic.status().code == Error::unsupported_drep);
}
