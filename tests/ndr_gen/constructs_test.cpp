// Golden bytes for generated code, one construct at a time (constructs.idl), both directions:
// push of the value gives exactly these bytes, pull of these bytes gives back the value. NDR20
// and NDR64 are checked for every type; big-endian input for those with multi-byte scalars.
//
// Each expected byte string is worked out by hand from C706 (chapter 14) and MS-RPCE 2.2.5 and
// the reasoning is written beside it. Where Samba ships a type with the same construct, its
// bytes are already checked against Samba's library by tests/ndr_gen/samba_vectors.py (rpcecho's
// echo_Info union with uint16 switch_type, enum16/v1_enum/enum8bit in echo_Enum*, unique
// pointers and conformant arrays in epm_Map, [string,charset(UTF16)] in echo_TestCall); those
// are named in the comments. The offsets below count from the start of the buffer (0).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "constructs_ndr.h"
#include "constructs_types.h"
#include "dcerpc_ndr.h"
#include "dcerpc_types.h"
#include "nca/ndr/ndr.h"
#include "gen_codec.h"
#include "test_util.h"

namespace {

using nca::ndr::Error;
using nca::ndr::Syntax;
constexpr Syntax k20 = Syntax::ndr20;
constexpr Syntax k64 = Syntax::ndr64;

using ndr_test::hex;
using ndr_test::to_hex;

using ndr_gen_test::pulled;
using ndr_gen_test::pushed;

// Push gives `h`, pull of `h` gives `v` back.
template <class T>
void golden(const T& v, Syntax syntax, const std::string& h) {
  CHECK(pushed(v, syntax) == to_hex(hex(h)));
  CHECK(pulled<T>(h, syntax) == v);
}

template <class T>
Error pull_error(const std::string& h, Syntax syntax = k20) {
  auto bytes = hex(h);
  nca::ndr::Pull p(bytes, syntax);
  T v{};
  pull(p, nca::ndr::kScalarsAndBuffers, v);
  return p.status().code;
}

template <class T>
Error push_error(const T& v, Syntax syntax = k20) {
  nca::ndr::Push p(syntax);
  push(p, nca::ndr::kScalarsAndBuffers, v);
  return p.status().code;
}

}  // namespace

using namespace ndrgen;

TEST_CASE("ndr_gen_constructs: base types", "[ndr_gen][constructs]") {
  c_scalars v;
  v.b = true;
  v.u8v = 0xab;
  v.s16 = -2;
  v.u32v = 0x11223344;
  v.h = 0x0102030405060708;
  v.f = 1.5f;     // IEEE 0x3fc00000
  v.d = -2.25;    // IEEE 0xc002000000000000
  v.wc = u'\u00e9';
  // Each scalar aligned to its size (C706 14.2.2): boolean @0, uint8 @1, int16 @2, uint32 @4,
  // hyper @8, float @16, 4 octets of padding, double @24, wchar_t @32: 34 octets.
  const char* n20 = "01 ab feff 44332211 | 0807060504030201 | 0000c03f 00000000 | 00000000000002c0 | e900";
  golden(v, k20, n20);
  // NDR64 pads a structure to its alignment (8, MS-RPCE 2.2.5.3.4.1): 6 more zeros.
  golden(v, k64, std::string(n20) + "000000000000");
  // A big-endian peer (drep 0x00): every multi-octet scalar reversed, same layout.
  CHECK(pulled<c_scalars>("01 ab fffe 11223344 | 0102030405060708 | 3fc00000 00000000 | c002000000000000 | 00e9",
                          k20, false) == v);
}

TEST_CASE("ndr_gen_constructs: enums and bitmaps", "[ndr_gen][constructs]") {
  c_enums v;
  v.a = E16_B;
  v.b = E32_B;
  v.c = E8_B;
  v.m = BM_A | BM_B;
  // NDR20: a default enum is 16 bits (C706 14.2.4), [v1_enum] 32, enum8bit 8, a bitmap16bit 16:
  // a @0, pad 2, b @4, c @8, pad 1, m @10. (Samba's echo_Enum1/2/3 use the same widths.)
  golden(v, k20, "3412 0000 78563412 fe 00 0180");
  // NDR64: an enum is 32 bits (MS-RPCE 2.2.5.2), so no padding before b; 12 octets, aligned 4.
  golden(v, k64, "34120000 78563412 fe 00 0180");
  CHECK(pulled<c_enums>("1234 0000 12345678 fe 00 8001", k20, false) == v);
  // Values the IDL does not list survive both ways.
  v.a = static_cast<c_enum16>(0x0042);
  golden(v, k20, "4200 0000 78563412 fe 00 0180");
  // A default enum above 0xffff cannot be sent in NDR20.
  v.a = static_cast<c_enum16>(0x10000);
  CHECK(push_error(v) == Error::bad_value);
}

TEST_CASE("ndr_gen_constructs: pidl's explicit enum and bitmap widths", "[ndr_gen][constructs]") {
  c_widths v;
  v.a = W16_B;
  v.m8 = B8_X;
  v.b = W32_B;
  v.m32 = B32_X;
  v.m64 = B64_X;
  // enum16bit is 16 bits, bitmap8bit 8, enum32bit and bitmap32bit 32, bitmap64bit 64:
  // a @0, m8 @2, pad 1, b @4, m32 @8, pad 4, m64 @16; 24 octets, aligned 8.
  const char* n20 = "0201 80 00 04030201 00000080 00000000 0000000000000080";
  golden(v, k20, n20);
  // NDR64: the same bytes. pidl maps [enum16bit] to uint16 (only a plain enum, its uint1632,
  // widens to 32 bits), and Samba's NDR64 writes 2 octets for it (checked in "[enum16bit] in
  // NDR64 agrees with Samba" below); a widened a would move every later member.
  golden(v, k64, n20);
  CHECK(pulled<c_widths>("0102 80 00 01020304 80000000 00000000 8000000000000000", k64, false) == v);
}

TEST_CASE("ndr_gen_constructs: conformant and conformant-varying structs", "[ndr_gen][constructs]") {
  c_conf c;
  c.n = 3;
  c.a = {1, 2, 3};
  // The maximum count is hoisted before the struct (C706 14.3.7.1), then n, then the elements.
  golden(c, k20, "03000000 | 03000000 | 0100 0200 0300");
  // NDR64: an 8-octet count; the struct aligns to its members (4) and is padded to 4 at the end.
  golden(c, k64, "0300000000000000 | 03000000 | 0100 0200 0300 | 0000");
  CHECK(pulled<c_conf>("00000003 | 00000003 | 0001 0002 0003", k20, false) == c);
  // The hoisted count must agree with the member that size_is names.
  CHECK(pull_error<c_conf>("04000000 03000000 0100 0200 0300 0400") == Error::array_size_mismatch);
  c.n = 4;
  CHECK(push_error(c) == Error::array_size_mismatch);

  c_confvar cv;
  cv.size = 5;
  cv.len = 2;
  cv.data = {0xaa, 0xbb};
  // Maximum count first, then size and len, then offset 0 and actual count 2 at the array.
  golden(cv, k20, "05000000 | 05000000 02000000 | 00000000 02000000 | aabb");
  // NDR64: the variance counts are 8 octets, so the struct aligns to 8 and ends padded to 8.
  golden(cv, k64, "0500000000000000 | 05000000 02000000 | 0000000000000000 0200000000000000 | aabb 000000000000");

  c_cstring cs;
  cs.id = 7;
  cs.name = u"hi";
  // A conformant [string] last: its maximum count (3 units with the NUL) is hoisted; in place
  // stay the offset 0, the actual count 3 and the characters (C706 14.3.7.2).
  golden(cs, k20, "03000000 | 0700 0000 | 00000000 03000000 | 6800 6900 0000");
  golden(cs, k64, "0300000000000000 | 0700 000000000000 | 0000000000000000 0300000000000000 | 6800 6900 0000 0000");
  CHECK(pulled<c_cstring>("00000003 | 0007 0000 | 00000000 00000003 | 0068 0069 0000", k20, false) == cs);
  // An actual count above the hoisted maximum is refused.
  CHECK(pull_error<c_cstring>("02000000 0700 0000 00000000 03000000 6800 6900 0000") == Error::array_bounds);
}

TEST_CASE("ndr_gen_constructs: non-encapsulated unions", "[ndr_gen][constructs]") {
  // The discriminant (uint16 switch_type) then the arm at its own alignment (C706 14.3.8); in
  // NDR64 the arm is aligned to the largest arm (8, the hyper) and the struct padded to 8.
  // Samba's echo_Info (TestCall2) checks the same rules against Samba's library.
  c_with_union w;
  w.level = 2;
  w.u.set_big(0xaabbccdd);
  golden(w, k20, "0200 0200 ddccbbaa");
  golden(w, k64, "0200 0200 00000000 ddccbbaa 00000000");
  CHECK(pulled<c_with_union>("0002 0002 aabbccdd", k20, false) == w);

  w.level = 1;
  w.u.set_small(0x7f);
  golden(w, k20, "0100 0100 7f");
  golden(w, k64, "0100 0100 00000000 7f 00000000000000");

  w.level = 3;  // the empty arm: the discriminant only
  w.u.set_case_3();
  golden(w, k20, "0300 0300");
  golden(w, k64, "0300 0300 00000000");

  w.level = 9;  // no case 9: the default arm (hyper at 8)
  w.u.set_other(0x0102030405060708);
  golden(w, k20, "0900 0900 00000000 0807060504030201");
  golden(w, k64, "0900 0900 00000000 0807060504030201");

  // The discriminant on the wire must be the one switch_is names.
  CHECK(pull_error<c_with_union>("0200 0100 7f") == Error::bad_switch_value);
  // A value holding another arm than its discriminant selects is not sent.
  w.level = 2;
  w.u.set_small(1);
  CHECK(push_error(w) == Error::bad_switch_value);

  c_with_nodisc nd;
  nd.level = 1;
  nd.u.set_x(0x01020304);
  // [nodiscriminant]: the arm alone, chosen by level.
  golden(nd, k20, "0100 0000 04030201");
  golden(nd, k64, "0100 0000 04030201");
  nd.level = 2;
  nd.u.set_y(0xbeef);
  golden(nd, k20, "0200 efbe");
  golden(nd, k64, "0200 0000 efbe 0000");
}

TEST_CASE("ndr_gen_constructs: encapsulated unions", "[ndr_gen][constructs]") {
  // NDR20: the discriminant aligned to its type (2), the arm to its own; NDR64: the union
  // aligned to its largest member (8), the arm to the largest arm (8), the end padded to 8
  // (MS-RPCE 2.2.5.3.4.1). Impacket's NDRUNION (python3-impacket 0.10, a struct {UCHAR pre;
  // union with USHORT tag}) puts the tag and the arms at the same offsets in both syntaxes; it
  // fills padding with garbage and omits the NDR64 trailing pad, so only offsets are compared.
  c_with_encap w;
  w.pre = 0x55;
  w.e.kind = 2;
  w.e.set_b(0x1122334455667788);
  golden(w, k20, "55 00 0200 00000000 | 8877665544332211");
  golden(w, k64, "55 00000000000000 | 0200 000000000000 | 8877665544332211");
  CHECK(pulled<c_with_encap>("55 00 0002 00000000 1122334455667788", k20, false) == w);
  w.e.kind = 1;
  w.e.set_a(0xaabbccdd);
  golden(w, k20, "55 00 0100 | ddccbbaa");
  golden(w, k64, "55 00000000000000 | 0100 000000000000 | ddccbbaa 00000000");
  // The discriminant travels with the value: an unknown one with no default is refused.
  CHECK(pull_error<c_with_encap>("55 00 0300 ddccbbaa") == Error::bad_switch_value);
  w.e.kind = 2;  // holds arm a
  CHECK(push_error(w) == Error::bad_switch_value);
}

TEST_CASE("ndr_gen_constructs: pointers, aliasing and deferral", "[ndr_gen][constructs]") {
  c_pointers v;
  v.u = 5u;
  v.f1 = std::make_shared<std::uint32_t>(7);
  v.f2 = v.f1;  // the same object twice
  v.last = std::uint16_t{9};
  // Scalars: u gets referent 0x00020000; full pointers share the counter but are numbered
  // 1, 2, ... (Samba's ndr_push_full_ptr; C706 14.3.11.3 only requires equal ids for equal
  // objects), so f1 is 2 and f2, the same object, 2 again; last gets 0x00020008. Buffers, in the
  // order of the pointers: *u, *f1 once, nothing for f2, *last.
  const char* n20 = "00000200 02000000 02000000 08000200 | 05000000 07000000 0900";
  CHECK(pushed(v, k20) == to_hex(hex(n20)));
  const char* n64 =
      "0000020000000000 0200000000000000 0200000000000000 0800020000000000 | 05000000 07000000 0900";
  CHECK(pushed(v, k64) == to_hex(hex(n64)));
  for (auto [syntax, h] : {std::pair{k20, n20}, std::pair{k64, n64}}) {
    auto back = pulled<c_pointers>(h, syntax);
    REQUIRE(back.u);
    REQUIRE(back.f1);
    REQUIRE(back.last);
    CHECK(*back.u == 5);
    CHECK(*back.f1 == 7);
    CHECK(back.f2.get() == back.f1.get());  // aliasing kept
    CHECK(*back.last == 9);
  }
  // Equality compares pointees, not addresses (Full<T>): two values pulled from the same bytes
  // are equal, and equal to the value pushed; a different pointee makes them unequal.
  {
    auto a = pulled<c_pointers>(n20, k20), b = pulled<c_pointers>(n20, k20);
    CHECK(a == b);
    CHECK(a == v);
    CHECK_FALSE(a.f1.same_object(b.f1));
    *b.f1 = 8;  // b.f2 is the same object: both pointees change
    CHECK(*b.f2 == 8);
    CHECK_FALSE(a == b);
    CHECK(a != b);
    b.f1 = b.f2 = nullptr;
    CHECK_FALSE(a == b);  // non-null against null
    a.f1 = a.f2 = nullptr;
    CHECK(a == b);        // null against null
    // Copies share the pointee (shallow, as aliasing requires): a change through the copy shows.
    auto c = pulled<c_pointers>(n20, k20);
    auto d = c;
    *d.f1 = 9;
    CHECK(*c.f1 == 9);
  }
  // Big-endian ids and pointees.
  auto be = pulled<c_pointers>("00020000 00000002 00000002 00020008 00000005 00000007 0009", k20, false);
  CHECK((be.u && *be.u == 5 && be.f1 && be.f1.same_object(be.f2) && *be.f1 == 7 && be.last && *be.last == 9));

  c_pointers null;
  golden(null, k20, "00000000 00000000 00000000 00000000");
  // Two different objects with equal values are two referents.
  v.f2 = std::make_shared<std::uint32_t>(7);
  CHECK(pushed(v, k20) == to_hex(hex("00000200 02000000 03000000 0c000200 05000000 07000000 07000000 0900")));
}

TEST_CASE("ndr_gen_constructs: arrays", "[ndr_gen][constructs]") {
  c_fixed f;
  f.pairs = {c_pair{1, 2}, c_pair{3, 4}};
  f.grid = {{{1, 2, 3}, {4, 5, 6}}};
  // A fixed array of 3-octet structs aligned to 2: {0100 02} pad {0300 04}; the 2x3 array of
  // uint16 in row-major order (C706 14.3.3.4) aligned to 2.
  golden(f, k20, "0100 02 00 0300 04 00 | 0100 0200 0300 0400 0500 0600");
  // NDR64 pads each c_pair to 4 (its alignment 2, size 3 -> 4): the same octets here.
  golden(f, k64, "0100 02 00 0300 04 00 | 0100 0200 0300 0400 0500 0600");

  c_maxis m;
  m.max = 2;
  m.a = std::vector<std::uint32_t>{1, 2, 3};
  // max_is(2): 3 elements; a pointer to a conformant array carries its count in the pointee.
  golden(m, k20, "02000000 00000200 | 03000000 01000000 02000000 03000000");
  golden(m, k64, "02000000 00000000 0000020000000000 | 0300000000000000 01000000 02000000 03000000");

  c_firstlast fl;
  fl.first = 1;
  fl.last = 3;
  fl.v = {10, 20, 30};
  // A varying array: offset = first_is, actual count = last - first + 1, then only those
  // elements (C706 14.3.3.2).
  golden(fl, k20, "01000000 03000000 | 01000000 03000000 | 0a00 1400 1e00");
  golden(fl, k64, "01000000 03000000 | 0100000000000000 0300000000000000 | 0a00 1400 1e00 0000");
  // offset + count beyond the fixed size 6 is refused.
  CHECK(pull_error<c_firstlast>("05000000 07000000 05000000 03000000 0a00 1400 1e00") == Error::array_bounds);

  c_ptr_array pa;
  pa.n = 2;
  pa.ptrs.emplace();
  pa.ptrs->emplace_back(std::uint32_t{10});
  pa.ptrs->emplace_back();
  // An array of pointers: the ids in the array, the pointees after it, in element order.
  golden(pa, k20, "02000000 00000200 | 02000000 | 04000200 00000000 | 0a000000");
  golden(pa, k64, "02000000 00000000 0000020000000000 | 0200000000000000 | 0400020000000000 0000000000000000 | 0a000000");

  c_struct_array sa;
  sa.n = 2;
  sa.pairs = std::vector<c_pair>{{1, 2}, {3, 4}};
  golden(sa, k20, "02000000 00000200 | 02000000 | 0100 02 00 0300 04");
  golden(sa, k64, "02000000 00000000 0000020000000000 | 0200000000000000 | 0100 02 00 0300 04 00");
  CHECK(pulled<c_struct_array>("00000002 00020000 00000002 0001 02 00 0003 04", k20, false) == sa);
  // A count larger than the bytes left fails before anything is allocated.
  CHECK(pull_error<c_struct_array>("ffffff0f 00000200 ffffff0f 0100 02") == Error::count_exceeds_remaining);
  // A conformance that differs from n is refused.
  CHECK(pull_error<c_struct_array>("02000000 00000200 03000000 0100 02 00 0300 04 00 0500 06") ==
        Error::array_size_mismatch);
}

TEST_CASE("ndr_gen_constructs: strings", "[ndr_gen][constructs]") {
  c_strings v;
  v.s8.emplace("ab");
  v.s16 = std::u16string(u"c");
  v.text.emplace("\xc3\xa9");  // U+00E9 as UTF-8; sent as UTF-16
  // Three referents, then each string: maximum count, offset 0, actual count (all with the NUL),
  // the characters (C706 14.3.4); the second is aligned to 4 after the 3 octets "ab\0".
  // Samba's echo_TestCall checks the UTF-16 form against Samba's library.
  golden(v, k20,
         "00000200 04000200 08000200 | 03000000 00000000 03000000 616200 | 00 | 02000000 00000000 02000000 6300 0000 |"
         " 02000000 00000000 02000000 e900 0000");
  golden(v, k64,
         "0000020000000000 0400020000000000 0800020000000000 |"
         " 0300000000000000 0000000000000000 0300000000000000 616200 | 0000000000 |"
         " 0200000000000000 0000000000000000 0200000000000000 6300 0000 | 00000000 |"
         " 0200000000000000 0000000000000000 0200000000000000 e900 0000");
  CHECK(pulled<c_strings>("00020000 00020004 00020008 00000003 00000000 00000003 616200 00 00000002 00000000 00000002 0063 0000"
                          " 00000002 00000000 00000002 00e9 0000",
                          k20, false) == v);
  // A string without its NUL is refused.
  CHECK(pull_error<c_strings>("00000200 00000000 00000000 02000000 00000000 02000000 6162") ==
        Error::string_not_terminated);
}

TEST_CASE("ndr_gen_constructs: range on both sides", "[ndr_gen][constructs]") {
  c_range r;
  r.r = 5;
  golden(r, k20, "05000000");
  CHECK(pull_error<c_range>("0b000000") == Error::range_violation);
  CHECK(pull_error<c_range>("00000000") == Error::range_violation);
  r.r = 11;
  CHECK(push_error(r) == Error::range_violation);
}

TEST_CASE("ndr_gen_constructs: pidl relative pointers", "[ndr_gen][constructs]") {
  c_relative v;
  v.tag = 1;
  v.rel = 0x11223344u;
  v.relpair = c_pair{5, 6};
  // Scalars: tag, two 32-bit offsets (patched later); buffers: each pointee where it lands, and
  // its offset from the start of the buffer (the relative base) in the placeholder, as Samba's
  // ndr_push_relative_ptr1/2 do: *rel at 12, *relpair at 16.
  golden(v, k20, "01000000 0c000000 10000000 | 44332211 | 0500 06");
  // NDR64 leaves relative offsets at 32 bits; the c_pair pointee is padded to 4.
  golden(v, k64, "01000000 0c000000 10000000 | 44332211 | 0500 06 00");
  c_relative none;
  none.tag = 2;
  golden(none, k20, "02000000 00000000 00000000");
  // Pointees may come in any order: pull follows the offsets.
  auto swapped = pulled<c_relative>("01000000 10000000 0c000000 0500 06 00 44332211", k20);
  REQUIRE(swapped.rel);
  REQUIRE(swapped.relpair);
  CHECK(*swapped.rel == 0x11223344u);
  CHECK(swapped.relpair->x == 5);
  // An offset past the end is refused.
  CHECK(pull_error<c_relative>("01000000 40000000 00000000") == Error::bad_relative_offset);
}

TEST_CASE("ndr_gen_constructs: pidl relative_base, nested", "[ndr_gen][constructs]") {
  c_relbase_outer v;
  v.pad = 0xaabbccdd;
  v.body.tag = 1;
  v.body.rel = 0x0303;
  v.body.inner.a = 0x0202;
  v.body.inner.rel = 0x44332211u;
  // body (a [relative_base] struct) starts at 4: its offsets count from there. Scalars: pad,
  // tag, body.rel's placeholder @8, inner (also [relative_base]) @12: a, 2 of padding,
  // inner.rel's placeholder @16. Buffers: *body.rel @20 (20 - 4 = 0x10); inner.rel's offset is
  // taken @22, before the uint32's alignment, as Samba's ndr_push_relative_ptr2_start does
  // (22 - 12 = 0x0a), and the uint32 follows @24 (a pull aligns the same way).
  const char* b = "ddccbbaa 01000000 10000000 0202 0000 0a000000 | 0303 0000 | 11223344";
  golden(v, k20, b);
  // NDR64: relative offsets stay 32 bits and these structs are aligned to 4: the same bytes.
  golden(v, k64, b);
  // Pull follows each offset from its own base: the pointees swapped round, offsets to match.
  auto swapped = pulled<c_relbase_outer>(
      "ddccbbaa 01000000 14000000 0202 0000 08000000 | 11223344 | 0303", k20);
  REQUIRE(swapped.body.rel);
  REQUIRE(swapped.body.inner.rel);
  CHECK(*swapped.body.rel == 0x0303);
  CHECK(*swapped.body.inner.rel == 0x44332211u);
}

TEST_CASE("ndr_gen_constructs: pidl relative_short", "[ndr_gen][constructs]") {
  c_relshort v;
  v.tag = 1;
  v.rel = 0x44332211u;
  v.pair = c_pair{5, 6};
  // 16-bit placeholders, aligned to 2 (Samba's ndr_push_short_relative_ptr1): tag @0, @2, @4;
  // rel's offset taken @6 (before the uint32's alignment, as for [relative]), *rel @8,
  // *pair @12; offsets from the stream's start.
  golden(v, k20, "0100 0600 0c00 | 0000 11223344 | 0500 06");
  // NDR64 keeps them 16 bits; the c_pair pointee is padded to its alignment.
  golden(v, k64, "0100 0600 0c00 | 0000 11223344 | 0500 06 00");
  c_relshort none;
  none.tag = 2;
  golden(none, k20, "0200 0000 0000");
  CHECK(pull_error<c_relshort>("0100 4000 0000") == Error::bad_relative_offset);
  // An offset past 0xffff does not fit.
  c_relshort_far far;
  far.p = 1;
  CHECK(push_error(far) == Error::count_too_large);
}

TEST_CASE("ndr_gen_constructs: pidl relative_base union", "[ndr_gen][constructs]") {
  c_relbase_sw v;
  v.sel = 1;
  c_relshort s;
  s.tag = 7;
  s.rel = 0x44332211u;
  s.pair = c_pair{5, 6};
  v.u.set_s() = s;
  // The base is the arm's start after its alignment (pidl aligns each arm of a [relative_base]
  // union): NDR20 @2, so *rel @8 is 6 and *pair @12 is 0x0a.
  golden(v, k20, "0100 | 0700 0600 0a00 | 11223344 | 0500 06");
  // NDR64: the union is aligned to 4, the arm @4, the struct padded to 4 after the scalars:
  // *rel @12 is 8, *pair @16 is 0x0c.
  golden(v, k64, "0100 0000 | 0700 0800 0c00 | 0000 | 11223344 | 0500 06 00");
}

TEST_CASE("ndr_gen_constructs: [relative_base] agrees with Samba (drsblobs repsFromToBlob)",
          "[ndr_gen][constructs][interop]") {
  // samba_relative_base.py packs a repsFromToBlob v2 with Samba's NDR code; c_reps_blob has its
  // wire shape. other_info's own [relative] strings count from other_info (@216), not the blob.
  c_reps_other o;
  o.ndr_size = 34;
  o.dns_name1.emplace("ab");
  o.unknown1 = 0x11;
  o.dns_name2.emplace("c");
  o.unknown2 = 0x2222;
  c_reps_blob v;
  v.version = 2;
  v.blobsize = 250;
  v.consecutive_sync_failures = 3;
  v.other_info = o;
  v.other_info_length = 34;
  v.replica_flags = 0x10;
  for (int i = 0; i < 84; ++i) v.schedule[i] = static_cast<std::uint8_t>(i);
  v.source_dsa_obj_guid = nca::ndr::Guid::from_fields(0x01234567, 0x89ab, 0xcdef, {0x01, 0x23},
      {0x45, 0x67, 0x89, 0xab, 0xcd, 0xef});
  v.unknown1 = 0x77;

  std::unique_ptr<FILE, int (*)(FILE*)> f(
      popen("/usr/bin/python3 " NDR_GEN_DIR "/samba_relative_base.py 2>&1", "r"), pclose);
  REQUIRE(f);
  char line[4096] = {};
  REQUIRE(std::fgets(line, sizeof line, f.get()));
  std::string theirs(line);
  while (!theirs.empty() && (theirs.back() == '\n' || theirs.back() == '\r')) theirs.pop_back();
  INFO(theirs);
  CHECK(pushed(v, k20) == to_hex(hex(theirs)));
  CHECK(pulled<c_reps_blob>(theirs, k20) == v);
}

TEST_CASE("ndr_gen_constructs: pidl subcontext, value, flag, DATA_BLOB", "[ndr_gen][constructs]") {
  c_pidl v;
  v.inner = c_pair{1, 2};
  v.seven = 7;
  v.unaligned = 0xaabbccdd;
  v.blob.data = {0xee};
  // subcontext(4): a uint32 size (3), then the c_pair as its own stream; value(7) is sent
  // whatever the member holds; flag(NDR_NOALIGN) puts the uint32 at 10 without padding;
  // DATA_BLOB is a uint3264 length (aligned 4) and the octets.
  golden(v, k20, "03000000 | 0100 02 | 00 0700 | ddccbbaa | 0000 01000000 ee");
  v.seven = 99;  // value() wins on push
  CHECK(pushed(v, k20) == to_hex(hex("03000000 0100 02 00 0700 ddccbbaa 0000 01000000 ee")));
  // NDR64: pidl's subcontext(4) size is a uint3264 (8 octets, Samba's ndr_push_subcontext_start);
  // the c_pair inside is padded to 4; the blob length is 8 octets aligned to 8. pidl gives a
  // DATA_BLOB member alignment 4 in both syntaxes (its length aligns itself), so the struct is
  // padded to 4 at the end, not 8.
  v.seven = 7;
  golden(v, k64,
         "0400000000000000 | 01000200 | 0700 | ddccbbaa | 000000000000 0100000000000000 ee | 000000");
  // A subcontext whose size is larger than what remains is refused.
  CHECK(pull_error<c_pidl>("40000000 0100 02") == Error::buffer_overrun);
}

TEST_CASE("ndr_gen_constructs: context handles in an operation", "[ndr_gen][constructs]") {
  c_Handle r;
  r.in.h.attributes = 0;
  r.in.h.uuid = nca::ndr::Guid::from_fields(0x01020304, 0x0506, 0x0708, {0x09, 0x0a},
      {0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10});
  // A context handle is 20 octets: uint32 attributes, then the GUID (uint32, uint16, uint16,
  // 8 octets) (C706 Appendix N; Samba's policy_handle in every rpcecho/lsa vector).
  const char* in = "00000000 04030201 0605 0807 090a0b0c0d0e0f10";
  nca::ndr::Push p;
  push_in(p, r);
  CHECK(to_hex(p.bytes()) == to_hex(hex(in)));
  auto bytes = hex(in);
  nca::ndr::Pull q(bytes);
  c_Handle back;
  REQUIRE(pull_in(q, back));
  CHECK(back.in == r.in);
  r.out.n = 42;
  nca::ndr::Push po(k64);
  push_out(po, r);
  CHECK(to_hex(po.bytes()) == "2a000000");
}

namespace {

// An operation's [in] or [out] stub: push gives `h`, pull of `h` gives the same shape back.
template <class Op>
void golden_op(const Op& r, bool out, Syntax syntax, const std::string& h) {
  nca::ndr::Push p(syntax);
  out ? push_out(p, r) : push_in(p, r);
  INFO("push status " << p.status().to_string());
  REQUIRE(p.ok());
  CHECK(to_hex(p.bytes()) == to_hex(hex(h)));
  auto bytes = hex(h);
  nca::ndr::Pull q(bytes, syntax);
  Op back = r;
  bool ok = out ? pull_out(q, back) : pull_in(q, back);
  INFO("pull status " << q.status().to_string());
  REQUIRE(ok);
  CHECK(q.trailing() == 0);
  if (out)
    CHECK(back.out == r.out);
  else
    CHECK(back.in == r.in);
}

template <class Op>
Error op_pull_error(bool out, Syntax syntax, const std::string& h) {
  auto bytes = hex(h);
  nca::ndr::Pull q(bytes, syntax);
  Op back{};
  out ? pull_out(q, back) : pull_in(q, back);
  return q.status().code;
}

}  // namespace

TEST_CASE("ndr_gen_constructs: pipes as chunked data", "[ndr_gen][constructs]") {
  c_Pipes r;
  r.in.before = 0x11;
  r.in.data.chunks = {{1, 2}, {3}};
  r.in.after = 0x22;
  // [in]: the other parameters first, then the pipe (MIDL, "Combining Pipe and Nonpipe
  // Parameters"). NDR20 (C706 14.3.13): each chunk is a uint32 count and its elements; an
  // empty chunk (count 0) ends the pipe.
  golden_op(r, false, k20, "11000000 2200 0000 | 02000000 01000000 02000000 | 01000000 03000000 | 00000000");
  // NDR64 (MS-RPCE 2.2.5.3.4.5): 64-bit counts, each chunk followed by its count negated; the
  // last chunk is two zero counts.
  golden_op(r, false, k64,
            "11000000 2200 0000 | 0200000000000000 01000000 02000000 feffffffffffffff |"
            " 0100000000000000 03000000 00000000 ffffffffffffffff | 0000000000000000 0000000000000000");
  r.out.back.chunks = {{c_pair{1, 2}, c_pair{3, 4}}};
  r.out.total = 42;
  // [out]: the pipe first, then the other parameters.
  golden_op(r, true, k20, "02000000 | 0100 02 00 0300 04 | 00 | 00000000 | 2a000000");
  golden_op(r, true, k64, "0200000000000000 | 0100 02 00 0300 04 00 | feffffffffffffff | 0000000000000000 0000000000000000 | 2a000000");
  // An empty chunk in the value is not sent (it would end the pipe on the wire).
  c_Pipes e = r;
  e.in.data.chunks = {{}, {5}};
  nca::ndr::Push p;
  push_in(p, e);
  CHECK(to_hex(p.bytes()) == to_hex(hex("11000000 2200 0000 01000000 05000000 00000000")));
  // A wrong NDR64 trailer, a pipe without its end, a count larger than the bytes left.
  CHECK(op_pull_error<c_Pipes>(false, k64, "11000000 2200 0000 0100000000000000 03000000 00000000 fdffffffffffffff") ==
        Error::bad_pipe_chunk);
  CHECK(op_pull_error<c_Pipes>(false, k20, "11000000 2200 0000 01000000 03000000") == Error::buffer_overrun);
  CHECK(op_pull_error<c_Pipes>(false, k20, "11000000 2200 0000 ffffff7f 03000000") == Error::count_exceeds_remaining);
}

TEST_CASE("ndr_gen_constructs: COM interface pointers", "[ndr_gen][constructs]") {
  // An interface pointer is a [unique] pointer to MInterfacePointer {uint32 ulCntData;
  // [size_is(ulCntData)] byte abData[]} (MS-DCOM 2.2.14): a conformant structure, so its
  // maximum count comes first. Embedded: the referent with the struct, the pointee deferred.
  c_with_itf w;
  w.id = 1;
  w.obj.objref = std::vector<std::uint8_t>{0xde, 0xad, 0xbe};
  golden(w, k20, "01000000 00000200 | 03000000 03000000 deadbe");
  golden(w, k64, "01000000 00000000 0000020000000000 | 0300000000000000 03000000 deadbe 00");
  c_with_itf null;
  golden(null, k20, "00000000 00000000");

  c_Itf r;
  r.in.p.objref = std::vector<std::uint8_t>{0x4d, 0x45, 0x4f, 0x57};  // "MEOW", an OBJREF's signature
  // A top-level interface pointer is still a unique pointer: referent, then the pointee at once.
  golden_op(r, false, k20, "00000200 | 04000000 04000000 4d454f57");
  // [out] IUnknown **q: a ref pointer (nothing on the wire) to a null interface pointer.
  golden_op(r, true, k20, "00000000");
  r.out.q.objref = std::vector<std::uint8_t>{};
  golden_op(r, true, k20, "00000200 00000000 00000000");
  // The maximum count must equal ulCntData.
  CHECK(op_pull_error<c_Itf>(false, k20, "00000200 05000000 04000000 4d454f57") == Error::array_size_mismatch);
}

TEST_CASE("ndr_gen_constructs: encapsulated unions agree with Impacket", "[ndr_gen][constructs][interop]") {
  // impacket_encap.py encodes the same values with Impacket's NDR engine. Its padding bytes are
  // not zero and it leaves out NDR64's trailing pad, so what must agree is every field at its
  // offset: pre at 0, the discriminant, the arm, and (NDR20) the length.
  std::unique_ptr<FILE, int (*)(FILE*)> f(
      popen("/usr/bin/python3 " NDR_GEN_DIR "/impacket_encap.py 2>&1", "r"), pclose);
  REQUIRE(f);
  char line[512];
  int seen = 0;
  while (std::fgets(line, sizeof line, f.get())) {
    int syntax = 0, kind = 0;
    char h[400] = {};
    REQUIRE(std::sscanf(line, "%d %d %399s", &syntax, &kind, h) == 3);
    auto theirs = hex(h);
    c_with_encap w;
    w.pre = 0x55;
    w.e.kind = static_cast<std::uint16_t>(kind);
    std::size_t arm_size = 4;
    if (kind == 1) {
      w.e.set_a(0xaabbccdd);
    } else {
      w.e.set_b(0x1122334455667788);
      arm_size = 8;
    }
    nca::ndr::Push p(syntax == 64 ? k64 : k20);
    push(p, nca::ndr::kScalarsAndBuffers, w);
    REQUIRE(p.ok());
    auto ours = p.to_vector();
    std::size_t tag_at = syntax == 64 ? 8 : 2, arm_at = syntax == 64 ? 16 : (kind == 1 ? 4 : 8);
    INFO("syntax " << syntax << " kind " << kind << " ours " << to_hex(ours) << " impacket " << h);
    REQUIRE(theirs.size() >= arm_at + arm_size);
    REQUIRE(ours.size() >= arm_at + arm_size);
    CHECK(theirs[0] == ours[0]);
    CHECK(std::equal(ours.begin() + tag_at, ours.begin() + tag_at + 2, theirs.begin() + tag_at));
    CHECK(std::equal(ours.begin() + arm_at, ours.begin() + arm_at + arm_size, theirs.begin() + arm_at));
    if (syntax == 20) CHECK(ours.size() == theirs.size());
    ++seen;
  }
  CHECK(seen == 4);
}

TEST_CASE("ndr_gen_constructs: [enum16bit] in NDR64 agrees with Samba", "[ndr_gen][constructs][interop]") {
  // samba_enum16bit.py encodes spoolss_RemoteFindFirstPrinterChangeNotifyEx's request with
  // Samba's NDR code; c_NotifyEx has its wire shape. Every byte must agree, in NDR20 and NDR64,
  // and we must decode Samba's big-endian form to the same value.
  c_NotifyEx r;
  r.in.handle.attributes = 7;
  r.in.handle.uuid = nca::ndr::Guid::from_fields(0x01234567, 0x89ab, 0xcdef, {0x01, 0x23},
      {0x45, 0x67, 0x89, 0xab, 0xcd, 0xef});
  r.in.flags = 0x11;
  r.in.options = 0x22;
  r.in.local_machine = std::string("ab");
  r.in.printer_local = 0x33;
  c_notify_type t;
  t.type = static_cast<c_enum16bit>(0x0102);
  t.u1 = 0xaabb;
  t.u2 = 0x44;
  t.u3 = 0x55;
  t.count = 0;
  t.fields = std::vector<std::uint16_t>{};
  c_notify_option o;
  o.version = 2;
  o.flags = 0x66;
  o.count = 1;
  o.types = std::vector<c_notify_type>{t};
  r.in.notify_options = o;

  std::unique_ptr<FILE, int (*)(FILE*)> f(
      popen("/usr/bin/python3 " NDR_GEN_DIR "/samba_enum16bit.py 2>&1", "r"), pclose);
  REQUIRE(f);
  char line[2048];
  int seen = 0;
  while (std::fgets(line, sizeof line, f.get())) {
    int syntax = 0;
    char endian[8] = {}, h[1800] = {};
    INFO(line);
    REQUIRE(std::sscanf(line, "%d %7s %1799s", &syntax, endian, h) == 3);
    Syntax s = syntax == 64 ? k64 : k20;
    auto theirs = hex(h);
    if (std::string(endian) == "le") {
      nca::ndr::Push p(s);
      push_in(p, r);
      REQUIRE(p.ok());
      CHECK(to_hex(p.bytes()) == to_hex(theirs));
    }
    nca::ndr::DataRep rep;
    rep.little_endian = std::string(endian) == "le";
    nca::ndr::Pull q(theirs, s, rep);
    c_NotifyEx back;
    REQUIRE(pull_in(q, back));
    CHECK(q.trailing() == 0);
    CHECK(back.in == r.in);
    ++seen;
  }
  CHECK(seen == 4);
}

TEST_CASE("ndr_gen_constructs: value(strlen...) of a byte string counts its bytes", "[ndr_gen][constructs]") {
  // dcerpc.idl's bind_ack: [value(strlen_m_term_null(secondary_address))] uint16 size, then
  // [charset(DOS)] uint8 secondary_address[size]. The string holds the bytes sent; with bytes
  // that happen to form UTF-8 (d0 90 is one UTF-16 unit) a UTF-16 count (4) disagreed with the
  // bytes (5) and the push failed with count_too_large (found by fuzz_cn_pdu under libFuzzer).
  dcerpc::dcerpc_bind_ack b;
  b.max_xmit_frag = b.max_recv_frag = 0x10b8;
  b.secondary_address = "\xd0\x90" "135";
  nca::ndr::Push p;
  push(p, nca::ndr::kScalarsAndBuffers, b);
  INFO("push status " << p.status().to_string());
  REQUIRE(p.ok());
  // size 6 (5 bytes + NUL) @8, the bytes and NUL @10, num_results 0 @16 (already aligned).
  CHECK(to_hex(p.bytes()) == to_hex(hex("b810 b810 00000000 0600 d090313335 00 | 00")));
}
