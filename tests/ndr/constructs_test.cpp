// Golden bytes for the constructs Samba's public types do not exercise (or exercise only in
// NDR20 little-endian): NDR64, big-endian input, unions, full pointers with aliasing, varying
// arrays with first_is/last_is, multi-dimensional arrays, conformant-varying structs, string
// forms, pipes, relative pointers and subcontexts. Each golden is worked out by hand from C706
// chapter 14 and MS-RPCE 2.2.5; the comment above each says how.
#include <catch2/catch.hpp>

#include "samba_goldens.h"
#include "samples.h"
#include "test_util.h"

using namespace nca::ndr;
using namespace samples;
using ndr_test::hex;
using ndr_test::pull_bytes;
using ndr_test::push_hex;
using ndr_test::to_hex;


namespace {

std::string hexs(const Push& p) { return p.ok() ? to_hex(p.bytes()) : p.status().to_string(); }
std::string norm(const char* s) { return to_hex(hex(s)); }

}  // namespace

// ---------------------------------------------------------------------------------------------
// NDR64 lsa_TransNameArray. MS-RPCE 2.2.5: the struct holds a pointer, so it is aligned to 8 and
// padded at its end to 8; the referent id is 8 octets; the conformance is 8 octets; the enum is 4
// octets; lsa_String (u16, u16, pointer) is aligned to 8, so each lsa_TranslatedName element
// takes 32 octets: enum 4 | pad 4 | length 2, size 2, pad 4, referent 8 | sid_index 4 | pad 4.
// Each string is max count 8, offset 8, actual count 8, then the units.
const char* const kNdr64TransNames =
    "02000000 00000000 0000020000000000"                                         // count, ->
    "0200000000000000"                                                           // conformance
    "01000000 00000000 0400 0400 00000000 0400020000000000 00000000 00000000"    // [0]
    "08000000 00000000 0000 0000 00000000 0800020000000000 01000000 00000000"    // [1]
    "0200000000000000 0000000000000000 0200000000000000 6100 6200"               // "ab"
    "00000000 0000000000000000 0000000000000000 0000000000000000";               // ""

TEST_CASE("ndr64: lsa_TransNameArray both ways", "[ndr][ndr64][golden]") {
  TransNameArray v;
  v.count = 2;
  v.names.emplace();
  v.names->push_back(TranslatedName{1, LsaString{4, 4, std::string("ab")}, 0});
  v.names->push_back(TranslatedName{8, LsaString{0, 0, std::string()}, 1});
  CHECK(push_hex(v, Syntax::ndr64) == norm(kNdr64TransNames));
  TransNameArray back;
  REQUIRE(pull_bytes(hex(kNdr64TransNames), back, Syntax::ndr64).ok());
  CHECK(back == v);
}

// The Samba golden of samba_golden_test.cpp as a big-endian peer sends it (drep 0x00): every
// integer, count, referent id and UTF-16 unit byte-reversed; the positions do not move.
const char* const kBigEndianTransNames =
    "00000003 00020000"
    "00000003"
    "0001 0000 000a 000a 00020004 00000000"
    "0002 0000 000c 000c 00020008 00000001"
    "0008 0000 0000 0000 0002000c 00000002"
    "00000005 00000000 00000005 0061006c00690063 0065 0000"
    "00000006 00000000 00000006 0044006f006d00e4006e0065"
    "00000000 00000000 00000000";

TEST_CASE("big-endian input: lsa_TransNameArray", "[ndr][golden][bigendian]") {
  TransNameArray back;
  REQUIRE(pull_bytes(hex(kBigEndianTransNames), back, Syntax::ndr20, DataRep::from_bytes(0, 0))
              .ok());
  CHECK(back == sample_trans_names());
}

// ---------------------------------------------------------------------------------------------
// Unions.
//   typedef [switch_type(uint16)] union {
//     [case(1)] uint32 a;  [case(2)] hyper b;  [case(3)] ;  [default] uint8 d;
//   } Val;
//   typedef struct { uint16 level; [switch_is(level)] Val v; } Tagged;
// C706 14.3.8: a non-encapsulated union is its discriminant (a copy of `level`, of the
// switch_type) then the selected arm; NDR20 aligns each to its own type. MS-RPCE 2.2.5.3.4.2:
// NDR64 aligns the arm to the largest alignment of all arms (8 here), and the struct is padded to
// its alignment (8). [nodiscriminant] (pidl) sends the arm only.
namespace {

struct Val {
  std::variant<std::uint32_t, std::uint64_t, std::monostate, std::uint8_t> arm;
  friend bool operator==(const Val&, const Val&) = default;
};
struct Tagged {
  std::uint16_t level = 0;
  Val v;
  friend bool operator==(const Tagged&, const Tagged&) = default;
};

void push_val(Push& p, std::uint16_t level, const Val& v, bool discriminant) {
  if (discriminant) p.u16(level);
  if (p.ndr64()) p.align(8);
  switch (level) {
    case 1:
      if (auto* a = std::get_if<0>(&v.arm)) return p.u32(*a);
      break;
    case 2:
      if (auto* b = std::get_if<1>(&v.arm)) return p.u64(*b);
      break;
    case 3:
      if (std::holds_alternative<std::monostate>(v.arm)) return;
      break;
    default:
      if (auto* d = std::get_if<3>(&v.arm)) return p.u8(*d);
      break;
  }
  p.fail(Error::bad_switch_value);  // the value's arm is not the one `level` selects
}

bool pull_val(Pull& p, std::uint16_t level, Val& v, bool discriminant) {
  if (discriminant) {
    std::uint16_t disc;
    p.u16(disc);
    // The union's own copy of the discriminant must agree with switch_is.
    if (p.ok() && disc != level) return p.fail(Error::bad_switch_value);
  }
  if (p.ndr64()) p.align(8);
  switch (level) {
    case 1: return p.u32(v.arm.emplace<0>());
    case 2: return p.u64(v.arm.emplace<1>());
    case 3: v.arm.emplace<2>(); return p.ok();
    default: return p.u8(v.arm.emplace<3>());
  }
}

void push(Push& p, int pass, const Tagged& t) {
  if (pass & kScalars) {
    p.align(p.ndr64() ? 8 : 2);
    p.u16(t.level);
    push_val(p, t.level, t.v, true);
    if (p.ndr64()) p.align(8);
  }
}
bool pull(Pull& p, int pass, Tagged& t) {
  if (pass & kScalars) {
    p.align(p.ndr64() ? 8 : 2);
    p.u16(t.level);
    pull_val(p, t.level, t.v, true);
    if (p.ndr64()) p.align(8);
  }
  return p.ok();
}

}  // namespace

TEST_CASE("unions: non-encapsulated with switch_is, case, empty arm and default",
          "[ndr][union][golden]") {
  struct Case {
    Tagged value;
    const char* ndr20;
    const char* ndr64;
  };
  const Case cases[] = {
      {{1, {std::uint32_t{0x11223344}}}, "0100 0100 44332211", "0100 0100 00000000 44332211 00000000"},
      {{2, {std::uint64_t{0x1122334455667788}}},
       "0200 0200 00000000 8877665544332211",
       "0200 0200 00000000 8877665544332211"},
      {{3, {std::monostate{}}}, "0300 0300", "0300 0300 00000000"},
      {{9, {std::uint8_t{0x55}}}, "0900 0900 55", "0900 0900 00000000 55 00000000000000"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.value.level);
    CHECK(push_hex(c.value) == norm(c.ndr20));
    CHECK(push_hex(c.value, Syntax::ndr64) == norm(c.ndr64));
    Tagged b20, b64;
    REQUIRE(pull_bytes(hex(c.ndr20), b20).ok());
    REQUIRE(pull_bytes(hex(c.ndr64), b64, Syntax::ndr64).ok());
    CHECK(b20 == c.value);
    CHECK(b64 == c.value);
  }
}

TEST_CASE("unions: nodiscriminant, mismatched arm, disagreeing discriminant",
          "[ndr][union]") {
  // [nodiscriminant]: level 0x0001 in the struct, then the u32 arm aligned to 4.
  Push p;
  p.u16(1);
  push_val(p, 1, Val{std::uint32_t{7}}, false);
  CHECK(hexs(p) == norm("0100 0000 07000000"));
  // A value whose arm is not the one its level selects cannot be pushed.
  CHECK(push_hex(Tagged{1, {std::uint64_t{1}}}) == "error: bad_switch_value at offset 4");
  // The union's discriminant must repeat switch_is.
  Tagged t;
  CHECK(pull_bytes(hex("0100 0200 44332211"), t) == Status{Error::bad_switch_value, 4});
}

// Encapsulated union (C706 14.3.8): a struct of the discriminant and the arm.
//   typedef union switch (long l) U2 { case 1: short s; case 2: long x; } U2;
// An unknown discriminant without a default arm is bad_switch_value on pull.
TEST_CASE("unions: encapsulated, unknown discriminant", "[ndr][union][golden]") {
  auto pull_u2 = [](const ndr_test::Bytes& b, std::int32_t& l, std::int32_t& x) {
    Pull p(b);
    p.align(4);
    p.i32(l);
    if (l == 1) {
      std::int16_t s;
      p.i16(s);
      x = s;
    } else if (l == 2) {
      p.i32(x);
    } else {
      p.fail(Error::bad_switch_value);
    }
    return p.status();
  };
  Push p;
  p.i32(2);
  p.i32(0x01020304);
  CHECK(hexs(p) == norm("02000000 04030201"));
  std::int32_t l = 0, x = 0;
  REQUIRE(pull_u2(p.to_vector(), l, x).ok());
  CHECK((l == 2 && x == 0x01020304));
  REQUIRE(pull_u2(hex("01000000 0500"), l, x).ok());
  CHECK((l == 1 && x == 5));
  CHECK(pull_u2(hex("03000000 0500"), l, x) == Status{Error::bad_switch_value, 4});
}

// ---------------------------------------------------------------------------------------------
// Full pointers (C706 14.3.12.4, [ptr]). Every pointer to one object carries the same referent
// id, and the object is sent once, at the first pointer reached in the deferred order. That is
// also where Windows' engine puts it (it marshals a full pointer's referent when it first
// processes the pointer). Samba cannot check these bytes: pidl sends an aliased pointee again.
namespace {

//   typedef struct { [ptr] uint32 *a; [ptr] uint32 *b; } TwoPtrs;
struct TwoPtrs {
  Full<std::uint32_t> a, b;
};
void push(Push& p, int pass, const TwoPtrs& v) {
  if (pass & kScalars) {
    p.align(4);
    p.full_pointer(v.a.get());
    p.full_pointer(v.b.get());
  }
  if (pass & kBuffers) {
    if (p.full_pointee_pending(v.a.get())) p.u32(*v.a);
    if (p.full_pointee_pending(v.b.get())) p.u32(*v.b);
  }
}
bool pull(Pull& p, int pass, TwoPtrs& v) {
  if (pass & kScalars) {
    p.align(4);
    p.full_pointer(v.a);
    p.full_pointer(v.b);
  }
  if (pass & kBuffers) {
    if (auto g = p.full_pointee(v.a.get())) p.u32(*v.a);
    if (auto g = p.full_pointee(v.b.get())) p.u32(*v.b);
  }
  return p.ok();
}

//   typedef struct { [ptr] uint32 *y; } Inner;
//   typedef struct { [ptr] Inner *p; [ptr] uint32 *x; } Outer;
struct Inner {
  Full<std::uint32_t> y;
};
struct Outer {
  Full<Inner> p;
  Full<std::uint32_t> x;
};
void push(Push& p, int pass, const Inner& v) {
  if (pass & kScalars) p.full_pointer(v.y.get());
  if ((pass & kBuffers) && p.full_pointee_pending(v.y.get())) p.u32(*v.y);
}
bool pull(Pull& p, int pass, Inner& v) {
  if (pass & kScalars) p.full_pointer(v.y);
  if (pass & kBuffers)
    if (auto g = p.full_pointee(v.y.get())) p.u32(*v.y);
  return p.ok();
}
void push(Push& p, int pass, const Outer& v) {
  if (pass & kScalars) {
    p.full_pointer(v.p.get());
    p.full_pointer(v.x.get());
  }
  if (pass & kBuffers) {
    if (p.full_pointee_pending(v.p.get())) push(p, kScalarsAndBuffers, *v.p);
    if (p.full_pointee_pending(v.x.get())) p.u32(*v.x);
  }
}
bool pull(Pull& p, int pass, Outer& v) {
  if (pass & kScalars) {
    p.full_pointer(v.p);
    p.full_pointer(v.x);
  }
  if (pass & kBuffers) {
    if (auto g = p.full_pointee(v.p.get())) {
      auto nest = p.nest();
      pull(p, kScalarsAndBuffers, *v.p);
    }
    if (auto g = p.full_pointee(v.x.get())) p.u32(*v.x);
  }
  return p.ok();
}

}  // namespace

TEST_CASE("full pointers: aliasing preserved through referent ids", "[ndr][ptr][golden]") {
  auto shared = std::make_shared<std::uint32_t>(42);
  // Both pointers carry full-pointer id 1 (Samba and Windows number them 1, 2, ...) and the
  // pointee is sent once.
  CHECK(push_hex(TwoPtrs{shared, shared}) == norm("01000000 01000000 2a000000"));
  CHECK(push_hex(TwoPtrs{shared, std::make_shared<std::uint32_t>(43)}) ==
        norm("01000000 02000000 2a000000 2b000000"));
  CHECK(push_hex(TwoPtrs{nullptr, shared}) == norm("00000000 01000000 2a000000"));

  TwoPtrs back;
  REQUIRE(pull_bytes(hex("00000200 00000200 2a000000"), back).ok());
  REQUIRE(back.a);
  CHECK(back.a.get() == back.b.get());
  CHECK(*back.a == 42);
  REQUIRE(pull_bytes(hex("00000200 04000200 2a000000 2b000000"), back).ok());
  CHECK(back.a.get() != back.b.get());
  CHECK((*back.a == 42 && *back.b == 43));
}

TEST_CASE("full pointers: the pointee goes with the first pointer in deferred order",
          "[ndr][ptr][golden]") {
  // Outer's scalars: p -> 0x20000 (Inner), x -> 0x20004 (X). Deferred: Inner (its y carries
  // X's id 0x20004, and X is sent there, inside Inner's deferred part), then nothing for x.
  auto x = std::make_shared<std::uint32_t>(42);
  Outer v{std::make_shared<Inner>(Inner{x}), x};
  const char* golden = "01000000 02000000 | 02000000 | 2a000000";
  CHECK(push_hex(v) == norm(golden));
  Outer back;
  REQUIRE(pull_bytes(hex(golden), back).ok());
  REQUIRE((back.p && back.x));
  CHECK(back.p->y.get() == back.x.get());
  CHECK(*back.x == 42);
  // NDR64: 8-octet ids.
  CHECK(push_hex(v, Syntax::ndr64) ==
        norm("0100000000000000 0200000000000000 | 0200000000000000 | 2a000000"));
}

// Top-level versus embedded pointers (C706 14.3.12.1-2): a top-level [ref] parameter has no wire
// form; a top-level [unique] one is a referent id followed at once by its pointee (not deferred);
// an embedded [ref] pointer is a nonzero referent id with the pointee deferred.
TEST_CASE("pointers: top-level ref and unique, embedded ref", "[ndr][ptr][golden]") {
  //   void f([in,ref] uint32 *a, [in,unique] uint32 *b, [in] uint32 c);  a=0x11, b=0x22, c=0x33
  Push p;
  p.u32(0x11);        // *a
  p.referent(true);   // b
  p.u32(0x22);        // *b at once
  p.u32(0x33);        // c
  CHECK(hexs(p) == norm("11000000 00000200 22000000 33000000"));
  //   typedef struct { [ref] uint32 *r; uint32 n; } E;  r -> 5, n = 6
  Push e;
  e.referent(true);
  e.u32(6);
  e.u32(5);  // deferred pointee
  CHECK(hexs(e) == norm("00000200 06000000 05000000"));
  Pull in(e.bytes());
  std::uint32_t n, r;
  CHECK(in.ref_referent());
  in.u32(n), in.u32(r);
  CHECK((in.ok() && n == 6 && r == 5));
  auto null_ref = hex("00000000 06000000");
  Pull bad(null_ref);
  CHECK_FALSE(bad.ref_referent());
  CHECK(bad.status() == Status{Error::bad_referent, 0});
}

// ---------------------------------------------------------------------------------------------
// Varying array with first_is/last_is (C706 14.3.3.3 and 4.2.18): the offset is first_is and the
// actual count last_is - first_is + 1; only those elements are sent.
//   typedef struct { uint32 first; uint32 last; [first_is(first), last_is(last)] uint16 a[8]; } W;
TEST_CASE("arrays: first_is / last_is", "[ndr][array][golden]") {
  std::array<std::uint16_t, 8> a{0, 0, 0x22, 0x33, 0x44, 0, 0, 0};
  Push p;
  p.u32(2);
  p.u32(4);
  p.variance_first_last(2, 4);
  p.array(std::span<const std::uint16_t>(a.data() + 2, 3));
  const char* golden = "02000000 04000000 | 02000000 03000000 | 2200 3300 4400";
  CHECK(hexs(p) == norm(golden));

  auto bytes = hex(golden);
  Pull in(bytes);
  std::uint32_t first, last;
  std::uint64_t offset, length;
  in.u32(first), in.u32(last);
  in.variance(offset, length, a.size());
  in.expect_count(offset, first);
  in.expect_count(length, last - first + 1);
  std::array<std::uint16_t, 8> back{};
  in.array(back.data() + offset, length);
  REQUIRE(in.ok());
  CHECK(back == a);
  // first 5, last 9 does not fit in 8 elements.
  auto bad = hex("05000000 09000000 05000000 05000000");
  Pull b(bad);
  b.u32(first), b.u32(last);
  CHECK_FALSE(b.variance(offset, length, 8));
  CHECK(b.status() == Status{Error::array_bounds, 8});
  // last_is below first_is - 1 cannot be sent.
  Push neg;
  neg.variance_first_last(3, 1);
  CHECK(neg.status().code == Error::array_bounds);
}

// Multi-dimensional conformant array in a conformant struct (C706 14.3.3.4 and 14.3.7.2): the
// maximum counts of all dimensions are hoisted to the front of the struct, then the members, then
// the elements in row-major order.
//   typedef struct { uint32 rows; uint32 cols; [size_is(rows, cols)] uint16 m[][]; } Matrix;
TEST_CASE("arrays: multi-dimensional conformant, NDR20 and NDR64", "[ndr][array][golden]") {
  std::vector<std::uint16_t> m{1, 2, 3, 4, 5, 6};
  for (auto syntax : {Syntax::ndr20, Syntax::ndr64}) {
    Push p(syntax);
    p.conformance(2);
    p.conformance(3);
    p.align(4);
    p.u32(2);
    p.u32(3);
    p.array(m);
    if (p.ndr64()) p.align(8);  // NDR64 pads the struct to its alignment (8, the counts')
    const char* golden =
        syntax == Syntax::ndr20
            ? "02000000 03000000 | 02000000 03000000 | 0100 0200 0300 0400 0500 0600"
            : "0200000000000000 0300000000000000 | 02000000 03000000 | 0100 0200 0300 0400 "
              "0500 0600 | 00000000";
    CHECK(hexs(p) == norm(golden));

    auto bytes = hex(golden);
    Pull in(bytes, syntax);
    std::uint64_t z1, z2;
    std::uint32_t rows, cols;
    in.conformance(z1), in.conformance(z2);
    in.align(4);
    in.u32(rows), in.u32(cols);
    in.expect_count(z1, rows);
    in.expect_count(z2, cols);
    std::vector<std::uint16_t> back;
    in.array(back, z1 * z2);
    if (in.ndr64()) in.align(8);
    REQUIRE(in.ok());
    CHECK(back == m);
    CHECK(in.trailing() == 0);
  }
}

// A fixed two-dimensional array: the elements in row-major order, nothing else (C706 14.3.3.1).
TEST_CASE("arrays: fixed multi-dimensional", "[ndr][array][golden]") {
  std::uint8_t f[2][3] = {{1, 2, 3}, {4, 5, 6}};
  Push p;
  p.array(std::span<const std::uint8_t>(&f[0][0], 6));
  CHECK(hexs(p) == "010203040506");
}

// Conformant-varying struct (C706 14.3.7.3): the conformance is hoisted to the front, the
// variance stays just before the elements.
//   typedef struct { uint32 size; uint32 len; [size_is(size), length_is(len)] uint8 data[]; } Cv;
TEST_CASE("arrays: conformant-varying struct", "[ndr][array][golden]") {
  Push p;
  p.conformance(5);
  p.u32(5);
  p.u32(3);
  p.variance(0, 3);
  p.array(std::vector<std::uint8_t>{0xaa, 0xbb, 0xcc});
  const char* golden = "05000000 | 05000000 03000000 | 00000000 03000000 | aabbcc";
  CHECK(hexs(p) == norm(golden));
  auto bytes = hex(golden);
  Pull in(bytes);
  std::uint64_t max, off, len;
  std::uint32_t size, l;
  in.conformance(max), in.u32(size), in.u32(l), in.variance(off, len, max);
  in.expect_count(max, size), in.expect_count(len, l);
  std::vector<std::uint8_t> data;
  in.array(data, len);
  REQUIRE(in.ok());
  CHECK(data == std::vector<std::uint8_t>{0xaa, 0xbb, 0xcc});
}

// ---------------------------------------------------------------------------------------------
// Strings (C706 14.3.4): a [string] is a conformant-varying array including its NUL.
TEST_CASE("strings: char, wchar_t, fixed, pidl forms, NDR64", "[ndr][string][golden]") {
  Push a;
  a.string(std::string_view("hi"));
  CHECK(hexs(a) == norm("03000000 00000000 03000000 686900"));
  Push w;
  w.string(std::u16string_view(u"hi"));
  CHECK(hexs(w) == norm("03000000 00000000 03000000 68006900 0000"));
  // [string] char name[8]: varying only, bounded by 8.
  Push f;
  f.string(std::string_view("abc"), kStrVarying, 8);
  CHECK(hexs(f) == norm("00000000 04000000 61626300"));
  Push too_long;
  too_long.string(std::string_view("abcdefgh"), kStrVarying, 8);
  CHECK(too_long.status().code == Error::count_too_large);
  // pidl STR_NULLTERM (no counts) and STR_NOTERM (counts, no NUL).
  Push nt;
  nt.string(std::string_view("hi"), kStrNullterm);
  CHECK(hexs(nt) == "686900");
  Push noterm;
  noterm.string(std::string_view("hi"), kStrConformantVarying | kStrNoterm);
  CHECK(hexs(noterm) == norm("02000000 00000000 02000000 6869"));
  Push n64(Syntax::ndr64);
  n64.string(std::string_view("hi"));
  CHECK(hexs(n64) ==
        norm("0300000000000000 0000000000000000 0300000000000000 686900"));

  // And back.
  for (auto [bytes, form, max] :
       {std::tuple{"03000000 00000000 03000000 686900", kStrConformantVarying, 0},
        {"00000000 03000000 68690000", kStrVarying, 8},
        {"686900", kStrNullterm, 0},
        {"02000000 00000000 02000000 6869", kStrConformantVarying | kStrNoterm, 0}}) {
    auto b = hex(bytes);
    Pull in(b);
    std::string s;
    REQUIRE(in.string(s, static_cast<std::uint8_t>(form), static_cast<std::uint64_t>(max)));
    CHECK(s == "hi");
  }
  auto wb = hex("0300000000000000 0000000000000000 0300000000000000 68006900 0000");
  Pull w64(wb, Syntax::ndr64);
  std::u16string ws;
  REQUIRE(w64.string(ws));
  CHECK(ws == u"hi");
}

// charset(UTF16) text is held as WTF-8: whatever units the peer sends come back unchanged.
TEST_CASE("strings: UTF-16 to UTF-8 is lossless, unpaired surrogates included",
          "[ndr][string][charset]") {
  const char* cases[] = {
      "05000000 00000000 05000000 00d8 4100 3dd8 00de 0000",  // lone high, 'A', a pair, NUL
      "03000000 00000000 03000000 00dc 00d8 0000",            // lone low then lone high
      "02000000 00000000 02000000 ffff 0000",                 // U+FFFF
  };
  for (const char* c : cases) {
    auto bytes = hex(c);
    Pull in(bytes);
    std::string wtf8;
    REQUIRE(in.string_utf16(wtf8));
    Push out;
    out.string_utf16(wtf8);
    CHECK(hexs(out) == to_hex(bytes));
  }
  auto pair = hex("03000000 00000000 03000000 3dd8 00de 0000");
  Pull in(pair);
  std::string s;
  REQUIRE(in.string_utf16(s));
  CHECK(s == "\xf0\x9f\x98\x80");  // U+1F600 as plain UTF-8
  Push bad;
  bad.string_utf16("\xff");
  CHECK(bad.status().code == Error::invalid_charset);
}

// ---------------------------------------------------------------------------------------------
// Pipes (C706 14.3.11; MS-RPCE 2.2.5.3.4.5): chunks of count + elements, ended by an empty chunk;
// NDR64 counts are 8 octets and each chunk ends with the negated count.
//   typedef pipe uint32 p;  chunks {1, 2, 3} and {4}
TEST_CASE("pipes: chunks in NDR20 and NDR64", "[ndr][pipe][golden]") {
  const std::vector<std::vector<std::uint32_t>> chunks{{1, 2, 3}, {4}};
  const char* golden20 = "03000000 01000000 02000000 03000000 | 01000000 04000000 | 00000000";
  const char* golden64 =
      "0300000000000000 01000000 02000000 03000000 00000000 fdffffffffffffff |"
      "0100000000000000 04000000 00000000 ffffffffffffffff |"
      "0000000000000000 0000000000000000";
  for (auto [syntax, golden] : {std::pair{Syntax::ndr20, golden20}, {Syntax::ndr64, golden64}}) {
    Push p(syntax);
    for (const auto& c : chunks) {
      p.pipe_chunk_begin(c.size());
      p.array(c);
      p.pipe_chunk_end(c.size());
    }
    p.pipe_end();
    CHECK(hexs(p) == norm(golden));

    auto bytes = hex(golden);
    Pull in(bytes, syntax);
    std::vector<std::vector<std::uint32_t>> back;
    for (;;) {
      std::uint64_t n = 0;
      if (!in.pipe_chunk_begin(n, 4)) break;
      std::vector<std::uint32_t> c;
      in.array(c, n);
      in.pipe_chunk_end(n);
      if (n == 0 || !in.ok()) break;
      back.push_back(std::move(c));
    }
    REQUIRE(in.ok());
    CHECK(back == chunks);
    CHECK(in.trailing() == 0);
  }
  auto bad = hex("0100000000000000 04000000 00000000 0100000000000000");
  Pull in(bad, Syntax::ndr64);
  std::uint64_t n;
  std::uint32_t x;
  in.pipe_chunk_begin(n, 4), in.u32(x);
  CHECK_FALSE(in.pipe_chunk_end(n));
  CHECK(in.status() == Status{Error::bad_pipe_chunk, 16});
}

// ---------------------------------------------------------------------------------------------
// pidl [relative]: a 32-bit offset from the relative base (the start of the buffer here) to the
// pointee, which goes in the buffers pass.
//   typedef [public] struct { uint32 x; [relative] uint32 *p; uint16 y; } R;
TEST_CASE("pidl relative pointers", "[ndr][relative][golden]") {
  Push p;
  p.u32(1);
  auto at = p.relative_ptr(true);
  p.u16(3);
  p.align(4);  // buffers pass: the pointee
  p.relative_ptr_target(at);
  p.u32(42);
  const char* golden = "01000000 0c000000 0300 0000 2a000000";
  CHECK(hexs(p) == norm(golden));
  auto bytes = hex(golden);
  Pull in(bytes);
  std::uint32_t x, rel, v;
  std::uint16_t y;
  in.u32(x), in.relative_ptr(rel), in.u16(y);
  std::size_t saved;
  REQUIRE(in.relative_ptr_seek(rel, saved));
  in.u32(v);
  in.relative_ptr_return(saved);
  REQUIRE(in.ok());
  CHECK((x == 1 && y == 3 && v == 42));
  CHECK(in.trailing() == 0);  // returning never moves back before what the pointee used
  std::size_t s2;
  Pull bad(bytes);
  CHECK_FALSE(bad.relative_ptr_seek(17, s2));
  CHECK(bad.status().code == Error::bad_relative_offset);
}

// pidl [subcontext(n)]: the content is its own stream (alignment restarts at its start) behind an
// n-octet size. Here subcontext(2) after one octet, holding { uint16 a; uint32 b; }: the header
// is at 2, the content at 4; then subcontext(0) with subcontext_size(10) at offset 1, where b is
// aligned relative to the content start (offset 1 + 4 = 5, not 8) and the content is padded to 10.
TEST_CASE("pidl subcontexts", "[ndr][subcontext][golden]") {
  Push p;
  p.u8(1);
  auto sc = p.subcontext_begin(2);
  p.u16(7);
  p.u32(9);
  p.subcontext_end(sc);
  CHECK(hexs(p) == norm("01 00 0800 | 0700 0000 09000000"));

  Push q;
  q.u8(1);
  auto sq = q.subcontext_begin(0);
  q.u16(7);
  q.u32(9);
  q.subcontext_end(sq, 10);  // subcontext_size(10): padded to 10
  const char* golden = "01 | 0700 0000 09000000 0000";
  CHECK(hexs(q) == norm(golden));
  auto bytes = hex(golden);
  Pull in(bytes);
  std::uint8_t a;
  std::uint16_t b;
  std::uint32_t c;
  Pull::Subcontext s;
  in.u8(a);
  REQUIRE(in.subcontext_begin(0, s, 10));
  in.u16(b), in.u32(c);
  REQUIRE(in.subcontext_end(s));
  CHECK((in.ok() && b == 7 && c == 9 && in.trailing() == 0));
  Pull strict(bytes);
  strict.u8(a);
  strict.subcontext_begin(0, s, 10);
  strict.u16(b), strict.u32(c);
  CHECK_FALSE(strict.subcontext_end(s, true));  // two octets of the 10 unread
  CHECK(strict.status().code == Error::subcontext_mismatch);
}

TEST_CASE("well-known types: DATA_BLOB, NTSTATUS, GUID text", "[ndr][types]") {
  Push p;
  p.data_blob(DataBlob{{1, 2, 3}});
  p.ntstatus(status::kAccessDenied);
  p.werror(werror::kMoreData);
  p.hresult(hresult::kInvalidArg);
  CHECK(hexs(p) == norm("03000000 010203 00 220000c0 ea000000 57000780"));
  Pull in(p.bytes());
  DataBlob b;
  NtStatus s;
  WError w;
  HResult h;
  in.data_blob(b), in.ntstatus(s), in.werror(w), in.hresult(h);
  REQUIRE(in.ok());
  CHECK(b.data == std::vector<std::uint8_t>{1, 2, 3});
  CHECK(s.name() == "NT_STATUS_ACCESS_DENIED");
  CHECK(w.name() == "WERR_MORE_DATA");
  CHECK(h.name() == "E_INVALIDARG");
  CHECK(NtStatus{0xc0001234}.name() == "NT_STATUS_0xc0001234");
  CHECK(NtStatus::from_name("NT_STATUS_0xc0001234") == NtStatus{0xc0001234});
  auto g = Guid::parse("{8A885D04-1CEB-11C9-9FE8-08002B104860}");
  REQUIRE(g);
  CHECK(g->to_string() == "8a885d04-1ceb-11c9-9fe8-08002b104860");
  CHECK_FALSE(Guid::parse("8a885d04-1ceb-11c9-9fe8-08002b10486"));
  CHECK(NtTime{0}.to_string() == "0");
  CHECK(NtTime{116444736000000000ull}.to_string() == "1970-01-01 00:00:00.0000000 UTC");
}
