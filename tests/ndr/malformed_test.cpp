// Malformed input: each violation gives its own error code at the offset where it happened, no
// crash (these run under ASan/UBSan too), and memory stays within Limits::max_alloc.
#include <catch2/catch.hpp>

#include <random>

#include "samba_goldens.h"
#include "samples.h"
#include "test_util.h"

using namespace nca::ndr;
using namespace samples;
using ndr_test::Bytes;
using ndr_test::hex;
using ndr_test::pull_bytes;


namespace {

//   typedef struct Node { uint32 v; [unique] struct Node *next; } Node;
struct Node {
  std::uint32_t v = 0;
  Unique<Node> next;
};
bool pull(Pull& p, int pass, Node& n) {
  if (pass & kScalars) {
    p.align(4);
    p.u32(n.v);
    p.unique_pointer(n.next);
  }
  if ((pass & kBuffers) && n.next) {
    auto nest = p.nest();
    if (!nest) return false;
    pull(p, kScalarsAndBuffers, *n.next);
  }
  return p.ok();
}

Bytes linked_list(std::uint32_t n) {
  Push p;
  for (std::uint32_t i = 0; i < n; ++i) {
    p.u32(i);
    p.referent(i + 1 < n);
  }
  return p.to_vector();
}

}  // namespace

TEST_CASE("malformed: every truncation of a valid message fails cleanly", "[ndr][malformed]") {
  for (const char* golden : {kSambaTransNames, kSambaSidArray}) {
    Bytes full = hex(golden);
    for (std::size_t n = 0; n < full.size(); ++n) {
      Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      TransNameArray t;
      SidArray s;
      Status st = golden == kSambaTransNames ? pull_bytes(cut, t) : pull_bytes(cut, s);
      CAPTURE(n, st.to_string());
      CHECK_FALSE(st.ok());
      CHECK((st.code == Error::buffer_overrun || st.code == Error::missing_padding ||
             st.code == Error::count_exceeds_remaining));
      CHECK(st.offset <= n);
    }
  }
}

TEST_CASE("malformed: huge counts are refused before anything is allocated", "[ndr][malformed]") {
  // A conformance of 0xffffffff with 8 bytes behind it.
  Bytes b = hex("ffffffff 0000000000000000");
  Pull p(b);
  std::uint64_t n;
  p.conformance(n);
  std::vector<std::uint32_t> v;
  CHECK_FALSE(p.array(v, n));
  CHECK(p.status() == Status{Error::count_exceeds_remaining, 4});
  CHECK(p.allocated() == 0);
  CHECK(v.empty());

  // The same through resize() for an array of structs (min wire size 16).
  Pull q(b);
  q.conformance(n);
  std::vector<TranslatedName> names;
  CHECK_FALSE(q.resize(names, n, 16));
  CHECK(q.status().code == Error::count_exceeds_remaining);
  CHECK(q.allocated() == 0);

  // NDR64 2^63 count.
  Bytes b64 = hex("0000000000000080 00");
  Pull r(b64, Syntax::ndr64);
  r.conformance(n);
  CHECK_FALSE(r.check_count(n, 1, 1));
  CHECK(r.status().code == Error::count_exceeds_remaining);

  // A string claiming 0x7fffffff characters.
  Bytes s = hex("ffffff7f 00000000 ffffff7f 4100");
  Pull t(s);
  std::string str;
  CHECK_FALSE(t.string(str));
  CHECK(t.status() == Status{Error::count_exceeds_remaining, 12});

  // [range(0,1000)] count of lsa_TransNameArray.
  TransNameArray a;
  CHECK(pull_bytes(hex("e9030000 00000200"), a) == Status{Error::range_violation, 4});
  // Conformance that differs from size_is(count).
  CHECK(pull_bytes(hex("01000000 00000200 02000000"), a) ==
        Status{Error::array_size_mismatch, 12});
}

TEST_CASE("malformed: total allocation per decode is bounded", "[ndr][malformed]") {
  TransNameArray big;
  big.names.emplace(100, TranslatedName{1, LsaString{}, 0});
  big.count = 100;
  Push p;
  push(p, kScalarsAndBuffers, big);
  REQUIRE(p.ok());
  Limits small;
  small.max_alloc = 1000;
  TransNameArray back;
  auto st = pull_bytes(p.to_vector(), back, Syntax::ndr20, {}, small);
  CHECK(st == Status{Error::alloc_limit, 12});
  // With the default limit it decodes.
  CHECK(pull_bytes(p.to_vector(), back).ok());
  CHECK(back.names->size() == 100);
}

TEST_CASE("malformed: bad referent ids", "[ndr][malformed]") {
  // An embedded [ref] pointer that is null.
  Bytes null_ref = hex("00000000");
  Pull a(null_ref);
  CHECK_FALSE(a.ref_referent());
  CHECK(a.status() == Status{Error::bad_referent, 0});
  // A full pointer id reused for an object of another type.
  Bytes b = hex("00000200 00000200 2a000000");
  Pull p(b);
  Full<std::uint32_t> x;
  Full<std::uint16_t> y;
  CHECK(p.full_pointer(x));
  CHECK_FALSE(p.full_pointer(y));
  CHECK(p.status() == Status{Error::bad_referent, 4});
}

namespace {

//   typedef struct Ring { uint32 v; [ptr] struct Ring *next; } Ring;   (a [ptr] Ring* at top level)
struct Ring {
  std::uint32_t v = 0;
  Full<Ring> next;
};
bool pull(Pull& p, int pass, Ring& r) {
  if (pass & kScalars) {
    p.u32(r.v);
    p.full_pointer(r.next);
  }
  if (pass & kBuffers) {
    if (auto g = p.full_pointee(r.next.get())) {
      auto nest = p.nest();
      pull(p, kScalarsAndBuffers, *r.next);
    }
  }
  return p.ok();
}
Status pull_ring(const Bytes& b, Full<Ring>& top, Limits limits = {}) {
  Pull p(b, Syntax::ndr20, {}, limits);
  p.full_pointer(top);
  if (auto g = p.full_pointee(top.get())) pull(p, kScalarsAndBuffers, *top);
  return p.status();
}

}  // namespace

TEST_CASE("malformed: full pointers that form a cycle", "[ndr][malformed][ptr]") {
  // Two nodes, each pointing at the other: 0x20000 -> {1, 0x20004 -> {2, 0x20000}}.
  Bytes ring = hex("00000200 01000000 04000200 02000000 00000200");
  Full<Ring> top;
  CHECK(pull_ring(ring, top) == Status{Error::pointer_cycle, 16});
  // A chain that shares a node without a cycle is fine: {1, -> {2, null}}.
  Bytes chain = hex("00000200 01000000 04000200 02000000 00000000");
  REQUIRE(pull_ring(chain, top).ok());
  CHECK((top->v == 1 && top->next->v == 2 && !top->next->next));
  // Allowed on request; the caller then owns breaking the cycle.
  Limits allow;
  allow.allow_pointer_cycles = true;
  REQUIRE(pull_ring(ring, top, allow).ok());
  CHECK(top->next->next.get() == top.get());
  top->next->next.reset();
}

TEST_CASE("malformed: padding, missing or nonzero", "[ndr][malformed]") {
  // The buffer ends inside the padding before a u16.
  Bytes one = hex("01");
  Pull a(one);
  std::uint8_t x;
  std::uint16_t y;
  a.u8(x);
  CHECK_FALSE(a.u16(y));
  CHECK(a.status() == Status{Error::missing_padding, 1});
  // Nonzero padding: accepted by default (as Windows and Samba do), refused when strict.
  Bytes dirty = hex("01 ff 0302");
  Pull lenient(dirty);
  lenient.u8(x), lenient.u16(y);
  CHECK((lenient.ok() && y == 0x0203));
  Limits strict;
  strict.strict_padding = true;
  Pull s(dirty, Syntax::ndr20, {}, strict);
  s.u8(x);
  CHECK_FALSE(s.u16(y));
  CHECK(s.status() == Status{Error::nonzero_padding, 1});
  Pull s2(dirty, Syntax::ndr20, {}, strict);
  s2.u8(x);
  CHECK_FALSE(s2.align(4));
  CHECK(s2.status() == Status{Error::nonzero_padding, 1});
}

TEST_CASE("malformed: strings", "[ndr][malformed]") {
  std::string s;
  Bytes noterm = hex("02000000 00000000 02000000 6869");
  Pull a(noterm);
  CHECK_FALSE(a.string(s));
  CHECK(a.status() == Status{Error::string_not_terminated, 13});
  Bytes offset = hex("03000000 01000000 02000000 6800");
  Pull b(offset);
  CHECK_FALSE(b.string(s));
  CHECK(b.status() == Status{Error::bad_string_offset, 4});
  Bytes bounds = hex("02000000 00000000 03000000 686900");
  Pull c(bounds);
  CHECK_FALSE(c.string(s));
  CHECK(c.status() == Status{Error::array_bounds, 4});
  Bytes nul_missing = hex("6869");
  Pull d(nul_missing);
  CHECK_FALSE(d.string(s, kStrNullterm));
  CHECK(d.status().code == Error::string_not_terminated);
}

TEST_CASE("malformed: deep nesting stops at the depth limit", "[ndr][malformed]") {
  Node n;
  CHECK(pull_bytes(linked_list(100), n).ok());
  Limits shallow;
  shallow.max_depth = 10;
  auto st = pull_bytes(linked_list(100), n, Syntax::ndr20, {}, shallow);
  CHECK(st == Status{Error::depth_limit, 11 * 8});
  // The default limit (1024) stops a list of 5000 long before the stack is at risk.
  CHECK(pull_bytes(linked_list(5000), n).code == Error::depth_limit);
}

TEST_CASE("malformed: errors are sticky and later reads yield zero", "[ndr][malformed]") {
  Bytes b = hex("0100");
  Pull p(b);
  std::uint32_t x = 7;
  CHECK_FALSE(p.u32(x));
  CHECK(x == 0);
  std::uint8_t y = 7;
  CHECK_FALSE(p.u8(y));  // the byte is there, but the Pull has failed
  CHECK(y == 0);
  CHECK(p.status() == Status{Error::buffer_overrun, 0});
}

TEST_CASE("malformed: random corruption never crashes or over-allocates", "[ndr][malformed]") {
  std::mt19937 rng(12345);
  Limits limits;
  limits.max_alloc = 1 << 20;
  std::size_t failures = 0;
  for (const char* golden : {kSambaTransNames, kSambaSidArray}) {
    const Bytes base = hex(golden);
    for (int iter = 0; iter < 5000; ++iter) {
      Bytes b = base;
      int flips = 1 + static_cast<int>(rng() % 4);
      for (int k = 0; k < flips; ++k) b[rng() % b.size()] = static_cast<std::uint8_t>(rng());
      Pull p(b, Syntax::ndr20, DataRep::from_bytes(rng() % 2 ? 0x10 : 0x00, 0), limits);
      if (golden == kSambaTransNames) {
        TransNameArray t;
        pull(p, kScalarsAndBuffers, t);
      } else {
        SidArray s;
        pull(p, kScalarsAndBuffers, s);
      }
      CHECK(p.allocated() <= limits.max_alloc);
      if (!p.ok()) {
        ++failures;
        CHECK(p.status().offset <= b.size());
      }
    }
  }
  CHECK(failures > 0);  // the corruption does reach checks
}
