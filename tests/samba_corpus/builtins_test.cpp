// The pidl built-ins the runtime marshals by name (nca/ndr/samba/builtins.h). Expected bytes are
// worked out from Samba's libndr (librpc/ndr/ndr_string.c, ndr_dns_utils.c, ndr_dnsp.c,
// ndr_sec_helper.c): push gives them, pull gives the value back.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "nca/ndr/samba/builtins.h"

namespace s = nca::ndr::samba;
using Bytes = std::vector<std::uint8_t>;

namespace {
constexpr std::uint32_t kNullterm = s::kLibndrStrNullterm;
constexpr std::uint32_t kRemaining = s::kLibndrRemaining;

Bytes bytes_of(const nca::ndr::Push& p) { return Bytes(p.bytes().begin(), p.bytes().end()); }
}  // namespace

TEST_CASE("string_array: NUL-terminated UTF-16 strings, then an empty one") {
  const std::vector<std::string> v{"a", "bc"};
  nca::ndr::Push p;
  s::push_string_array(p, v, kNullterm);
  REQUIRE(p.ok());
  CHECK(bytes_of(p) == Bytes{0x61, 0, 0, 0, 0x62, 0, 0x63, 0, 0, 0, 0, 0});
  nca::ndr::Pull q(p.bytes());
  std::vector<std::string> back;
  REQUIRE(s::pull_string_array(q, back, kNullterm));
  CHECK(back == v);
  CHECK(q.remaining() == 0);
}

TEST_CASE("string_array: NDR_REMAINING sends no closing empty string") {
  const std::vector<std::string> v{"a", "bc"};
  nca::ndr::Push p;
  s::push_string_array(p, v, kNullterm | kRemaining);
  CHECK(bytes_of(p) == Bytes{0x61, 0, 0, 0, 0x62, 0, 0x63, 0, 0, 0});
  nca::ndr::Pull q(p.bytes());
  std::vector<std::string> back;
  REQUIRE(s::pull_string_array(q, back, kNullterm | kRemaining));
  CHECK(back == v);
}

TEST_CASE("string_array: STR_NOTERM|NDR_REMAINING separates with NULs, the last unterminated") {
  const std::vector<std::string> v{"ab", "c"};
  const std::uint32_t f = s::kLibndrStrNoterm | kRemaining | s::kLibndrStrAscii;
  nca::ndr::Push p;
  s::push_string_array(p, v, f);
  CHECK(bytes_of(p) == Bytes{'a', 'b', 0, 'c'});
  nca::ndr::Pull q(p.bytes());
  std::vector<std::string> back;
  REQUIRE(s::pull_string_array(q, back, f));
  CHECK(back == v);
}

TEST_CASE("string_array: flags libndr refuses are bad_value, not a guess") {
  nca::ndr::Push p;
  s::push_string_array(p, {"a"}, 0);
  CHECK(p.status().code == nca::ndr::Error::bad_value);
}

TEST_CASE("dns_string: a suffix pushed before becomes a label pointer") {
  nca::ndr::Push p;
  s::push_dns_string(p, "a.example", 0);
  s::push_dns_string(p, "b.example", 0);
  REQUIRE(p.ok());
  CHECK(bytes_of(p) == Bytes{1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 1, 'b', 0xc0, 0x02});
  nca::ndr::Pull q(p.bytes());
  std::string first, second;
  REQUIRE(s::pull_dns_string(q, first, 0));
  REQUIRE(s::pull_dns_string(q, second, 0));
  CHECK(first == "a.example");
  CHECK(second == "b.example");
  CHECK(q.remaining() == 0);
}

TEST_CASE("dns_string: LIBNDR_FLAG_NO_COMPRESSION writes every label") {
  nca::ndr::Push p;
  s::push_dns_string(p, "a.b", s::kLibndrNoCompression);
  s::push_dns_string(p, "a.b", s::kLibndrNoCompression);
  CHECK(bytes_of(p) == Bytes{1, 'a', 1, 'b', 0, 1, 'a', 1, 'b', 0});
}

TEST_CASE("dns_string: a pointer loop fails instead of spinning") {
  const Bytes loop{0xc0, 0x00};
  nca::ndr::Pull q(loop);
  std::string name;
  CHECK_FALSE(s::pull_dns_string(q, name, 0));
  CHECK(q.status().code == nca::ndr::Error::bad_value);
}

TEST_CASE("nbt_string: a trailing dot stays on the last label") {
  nca::ndr::Push p;
  s::push_nbt_string(p, "NAME.", 0);
  CHECK(bytes_of(p) == Bytes{5, 'N', 'A', 'M', 'E', '.', 0});
}

TEST_CASE("dnsp_name and dnsp_string") {
  nca::ndr::Push p;
  s::push_dnsp_name(p, "ab.c", 0);
  s::push_dnsp_name(p, "", 0);
  s::push_dnsp_string(p, "xyz", 0);
  CHECK(bytes_of(p) == Bytes{6, 2, 2, 'a', 'b', 1, 'c', 0, 1, 0, 0, 3, 'x', 'y', 'z'});
  nca::ndr::Pull q(p.bytes());
  std::string name, root, str;
  REQUIRE(s::pull_dnsp_name(q, name, 0));
  REQUIRE(s::pull_dnsp_name(q, root, 0));
  REQUIRE(s::pull_dnsp_string(q, str, 0));
  CHECK(name == "ab.c");
  CHECK(root.empty());
  CHECK(str == "xyz");
}

TEST_CASE("dom_sid2, dom_sid28 and dom_sid0") {
  s::DomSid sid;
  sid.sid_rev_num = 1;
  sid.num_auths = 2;
  sid.id_auth = {0, 0, 0, 0, 0, 5};
  sid.sub_auths[0] = 32;
  sid.sub_auths[1] = 544;
  CHECK(s::to_string(sid) == "S-1-5-32-544");
  const Bytes body{1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0};

  nca::ndr::Push p2;
  s::push_dom_sid2(p2, sid, 0);
  Bytes want2{2, 0, 0, 0};
  want2.insert(want2.end(), body.begin(), body.end());
  CHECK(bytes_of(p2) == want2);
  nca::ndr::Pull q2(p2.bytes());
  s::DomSid back;
  REQUIRE(s::pull_dom_sid2(q2, back, 0));
  CHECK(back == sid);

  nca::ndr::Push p28;
  s::push_dom_sid28(p28, sid, 0);
  Bytes want28 = body;
  want28.resize(28, 0);
  CHECK(bytes_of(p28) == want28);
  nca::ndr::Pull q28(p28.bytes());
  REQUIRE(s::pull_dom_sid28(q28, back, 0));
  CHECK(back == sid);

  nca::ndr::Push p0;
  s::push_dom_sid0(p0, s::DomSid{}, 0);
  CHECK(p0.size() == 0);
  nca::ndr::Pull q0(p0.bytes());
  REQUIRE(s::pull_dom_sid0(q0, back, 0));
  CHECK(back == s::DomSid{});
}

TEST_CASE("uint1632 widens in NDR64") {
  nca::ndr::Push p20;
  s::push_uint1632(p20, 7, 0);
  CHECK(bytes_of(p20) == Bytes{7, 0});
  nca::ndr::Push p64(nca::ndr::Syntax::ndr64);
  s::push_uint1632(p64, 7, 0);
  CHECK(bytes_of(p64) == Bytes{7, 0, 0, 0});
}
