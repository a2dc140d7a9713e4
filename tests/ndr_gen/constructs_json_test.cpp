// JSON round trips of generated code, one construct at a time (constructs.idl): for each value,
// JSON -> value -> bytes -> value. to_json, then dump to text and parse it back (as a user's
// file would), from_json into a fresh value, which must equal the original; its push must give
// the bytes the original pushes (NDR20 and NDR64), and pulling those bytes gives the value
// again. The one documented loss is a full pointer's aliasing (json.h): two pointers to one
// object come back as two equal objects, so the value is equal but the bytes differ.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "constructs_ndr.h"
#include "constructs_types.h"
#include "nca/ndr/ndr.h"
#include "gen_codec.h"
#include "test_util.h"

namespace {

using nca::ndr::Syntax;
using ndr_test::to_hex;

// to_json, text, parse, from_json: the value a JSON file would give back.
template <class T>
T through_json(const T& v) {
  nlohmann::json j;
  to_json(j, v);
  auto text = j.dump();
  INFO("json " << text);
  T back{};
  from_json(nlohmann::json::parse(text), back);
  return back;
}

using ndr_gen_test::pulled;
using ndr_gen_test::pushed;

// JSON -> value -> bytes -> value, for a type with push/pull of its own.
template <class T>
void round_trip(const T& v) {
  T back = through_json(v);
  CHECK(back == v);
  for (Syntax s : {Syntax::ndr20, Syntax::ndr64}) {
    auto bytes = pushed(back, s);
    CHECK(bytes == pushed(v, s));
    CHECK(pulled<T>(bytes, s) == v);
  }
}

// The same for an operation's [in] (out = false) or [out] half.
template <class Op>
void op_round_trip(const Op& r, bool out) {
  Op back = r;
  nlohmann::json j;
  if (out) {
    to_json(j, r.out);
    back.out = {};
    from_json(nlohmann::json::parse(j.dump()), back.out);
    CHECK(back.out == r.out);
  } else {
    to_json(j, r.in);
    back.in = {};
    from_json(nlohmann::json::parse(j.dump()), back.in);
    CHECK(back.in == r.in);
  }
  INFO("json " << j.dump());
  for (Syntax s : {Syntax::ndr20, Syntax::ndr64}) {
    nca::ndr::Push a(s), b(s);
    out ? push_out(a, r) : push_in(a, r);
    out ? push_out(b, back) : push_in(b, back);
    REQUIRE(a.ok());
    CHECK(to_hex(b.bytes()) == to_hex(a.bytes()));
    nca::ndr::Pull p(b.bytes(), s);
    Op again = r;  // an [out] pull takes sizes from the [in] half
    REQUIRE((out ? pull_out(p, again) : pull_in(p, again)));
    CHECK((out ? again.out == r.out : again.in == r.in));
  }
}

}  // namespace

using namespace ndrgen;

TEST_CASE("ndr_gen_json: scalars, enums, bitmaps", "[ndr_gen][json]") {
  c_scalars v;
  v.b = true;
  v.u8v = 0xab;
  v.s16 = -2;
  v.u32v = 0xffffffff;
  v.h = 0x8102030405060708;  // above INT64_MAX as unsigned
  v.f = 1.5f;
  v.d = -2.25;
  v.wc = u'\u00e9';
  round_trip(v);
  c_enums e;
  e.a = E16_B;
  e.b = static_cast<c_enum32>(0x7);  // a value the IDL does not list
  e.c = E8_B;
  e.m = BM_A | BM_B;
  round_trip(e);
  c_widths w;
  w.a = W16_B;
  w.m8 = B8_X;
  w.b = W32_B;
  w.m32 = B32_X;
  w.m64 = B64_X;
  round_trip(w);
}

TEST_CASE("ndr_gen_json: unions, empty and default arms", "[ndr_gen][json]") {
  c_with_union w;
  w.level = 1;
  w.u.set_small(0x7f);
  round_trip(w);
  w.level = 2;
  w.u.set_big(0xaabbccdd);
  round_trip(w);
  w.level = 3;
  w.u.set_case_3();  // the empty arm: JSON {"case_3": null}
  round_trip(w);
  nlohmann::json j;
  to_json(j, w.u);
  CHECK(j == nlohmann::json::parse(R"({"case_3": null})"));
  w.level = 9;
  w.u.set_other(0x0102030405060708);  // the default arm
  round_trip(w);
  c_with_nodisc nd;
  nd.level = 2;
  nd.u.set_y(0xbeef);
  round_trip(nd);
  c_with_encap en;
  en.pre = 0x55;
  en.e.kind = 2;
  en.e.set_b(0x1122334455667788);
  round_trip(en);
  en.e.kind = 1;
  en.e.set_a(7);
  round_trip(en);
}

TEST_CASE("ndr_gen_json: pointers, arrays, strings", "[ndr_gen][json]") {
  c_pointers p;
  p.u = 5u;
  p.f1 = std::make_shared<std::uint32_t>(7);
  p.f2 = std::make_shared<std::uint32_t>(8);
  p.last = std::uint16_t{9};
  round_trip(p);
  round_trip(c_pointers{});
  // Aliasing is not kept in JSON: equal value, two referents instead of one.
  p.f2 = p.f1;
  auto back = through_json(p);
  CHECK(back == p);
  CHECK_FALSE(back.f1.same_object(back.f2));

  c_fixed f;
  f.pairs = {c_pair{1, 2}, c_pair{3, 4}};
  f.grid = {{{1, 2, 3}, {4, 5, 6}}};
  round_trip(f);
  c_conf c;
  c.n = 3;
  c.a = {1, 2, 0xffff};
  round_trip(c);
  c_confvar cv;
  cv.size = 4;
  cv.len = 2;
  cv.data = {0x00, 0xff};
  round_trip(cv);
  c_maxis m;
  m.max = 1;
  m.a = std::vector<std::uint32_t>{10, 20};
  round_trip(m);
  c_ptr_array pa;
  pa.n = 3;
  pa.ptrs = std::vector<nca::ndr::Unique<std::uint32_t>>{nca::ndr::Unique<std::uint32_t>(1u), {}, nca::ndr::Unique<std::uint32_t>(3u)};
  round_trip(pa);
  c_struct_array sa;
  sa.n = 2;
  sa.pairs = std::vector<c_pair>{c_pair{1, 2}, c_pair{3, 4}};
  round_trip(sa);
  c_cstring cs;
  cs.id = 1;
  cs.name = u"Dom\u00e4ne";
  round_trip(cs);
  c_strings s;
  s.s8.emplace("bytes \xff\x01");        // held as sent, not UTF-8
  s.s16.emplace(u"a\xd800z");          // a lone surrogate survives
  s.text.emplace("Dom\xc3\xa4ne \xed\xa0\x80");  // WTF-8 with a lone surrogate
  round_trip(s);
  round_trip(c_strings{});
}

TEST_CASE("ndr_gen_json: relative pointers, pidl constructs, interface pointers", "[ndr_gen][json]") {
  c_relative r;
  r.tag = 1;
  r.rel = 0x11223344u;
  r.relpair = c_pair{5, 6};
  round_trip(r);
  c_relative none;
  none.tag = 2;
  round_trip(none);
  c_pidl d;
  d.inner = c_pair{1, 2};
  d.seven = 7;
  d.unaligned = 0xaabbccdd;
  d.blob.data = {0xee, 0x00};
  round_trip(d);
  c_with_itf it;
  it.id = 3;
  it.obj.objref = std::vector<std::uint8_t>{'M', 'E', 'O', 'W'};
  round_trip(it);
  it.obj.objref.reset();
  round_trip(it);
}

TEST_CASE("ndr_gen_json: operations with pipes and interface pointers", "[ndr_gen][json]") {
  c_Pipes r;
  r.in.before = 0x11;
  r.in.data.chunks = {{1, 2}, {3}};
  r.in.after = 0x22;
  r.out.back.chunks = {{c_pair{1, 2}}, {c_pair{3, 4}, c_pair{5, 6}}};
  r.out.total = 3;
  op_round_trip(r, false);
  op_round_trip(r, true);
  r.in.data.chunks.clear();  // an empty pipe
  op_round_trip(r, false);

  c_Itf i;
  i.in.p.objref = std::vector<std::uint8_t>{'M', 'E', 'O', 'W'};
  i.out.q.objref = std::vector<std::uint8_t>{};
  op_round_trip(i, false);
  op_round_trip(i, true);
}
