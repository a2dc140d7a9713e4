// Golden bytes produced by Samba 4.17's own NDR code (`samples/samba_pack.py pack CASE`, i.e.
// samba.ndr.ndr_pack on the public types of lsa.idl, misc.idl, security.idl, srvsvc.idl and
// samr.idl). Both directions: our push must give exactly these bytes, and our pull of them must
// give back the value. samba_interop_test.cpp re-runs Samba live against the same values.
#include <catch2/catch.hpp>

#include "samba_goldens.h"
#include "samples.h"
#include "test_util.h"

using namespace nca::ndr;
using namespace samples;
using ndr_test::hex;
using ndr_test::pull_bytes;
using ndr_test::push_hex;

namespace {

LsaString lsa_string(std::string s) {
  LsaString v;
  auto units = *utf16_length(s);
  v.length = v.size = static_cast<std::uint16_t>(2 * units);
  v.string = std::move(s);
  return v;
}

}  // namespace

TransNameArray sample_trans_names() {
  TransNameArray a;
  a.names.emplace();
  std::uint32_t i = 0;
  for (auto [t, s] : {std::pair{1u, "alice"}, {2u, "Dom\xc3\xa4ne"}, {8u, ""}}) {
    a.names->push_back(TranslatedName{t, lsa_string(s), i++});
  }
  a.count = static_cast<std::uint32_t>(a.names->size());
  return a;
}

// count=3, names -> referent 0x00020000 | conformance 3 | 3 x (enum16, pad, length, size,
// referent, sid_index) | the three strings as conformant-varying arrays of UTF-16 units (no NUL,
// the last one empty but present).
const char* const kSambaTransNames =
    "03000000 00000200"
    "03000000"
    "0100 0000 0a00 0a00 04000200 00000000"
    "0200 0000 0c00 0c00 08000200 01000000"
    "0800 0000 0000 0000 0c000200 02000000"
    "05000000 00000000 05000000 61006c0069006300 6500 0000"
    "06000000 00000000 06000000 44006f006d00e4006e006500"
    "00000000 00000000 00000000";

TEST_CASE("samba golden: lsa_TransNameArray (array of structs with strings)", "[ndr][golden]") {
  auto v = sample_trans_names();
  CHECK(push_hex(v) == ndr_test::to_hex(hex(kSambaTransNames)));
  TransNameArray back;
  REQUIRE(pull_bytes(hex(kSambaTransNames), back).ok());
  CHECK(back == v);
}

TEST_CASE("samba golden: GUID and policy_handle (context handle wire form)", "[ndr][golden]") {
  auto g = *Guid::parse("01234567-89ab-cdef-0123-456789abcdef");
  Push p;
  p.guid(g);
  CHECK(ndr_test::to_hex(p.bytes()) == "67452301ab89efcd0123456789abcdef");
  Push h;
  h.context_handle(ContextHandle{7, g});
  CHECK(ndr_test::to_hex(h.bytes()) == "0700000067452301ab89efcd0123456789abcdef");
  Pull in(h.bytes());
  ContextHandle back;
  REQUIRE(in.context_handle(back));
  CHECK(back == ContextHandle{7, g});
  CHECK(in.trailing() == 0);
}

SidArray sample_sid_array() {
  SidArray a;
  a.sids.emplace();
  a.sids->push_back(SidPtr{DomSid{1, 2, {0, 0, 0, 0, 0, 5}, {32, 544}}});
  a.sids->push_back(SidPtr{DomSid{1, 5, {0, 0, 0, 0, 0, 5}, {21, 1, 2, 3, 500}}});
  a.num_sids = 2;
  return a;
}

SrvInfo101 sample_srv_info101() {
  return SrvInfo101{500, std::string("SRV1"), 6, 1, 0x1003, std::nullopt};
}

LogonHours sample_logon_hours() {
  LogonHours v;
  v.units_per_week = 168;
  v.bits.emplace();
  for (std::uint8_t i = 0; i < 21; ++i) v.bits->push_back(i);
  return v;
}

const char* const kSambaSidArray =
    "02000000 00000200"  // num_sids, sids -> 0x00020000
    "02000000"           // conformance
    "04000200 08000200"  // two lsa_SidPtr: referents
    // dom_sid2 S-1-5-32-544: hoisted conformance 2, rev 1, num_auths 2, authority 5, 32, 544
    "02000000 01 02 000000000005 20000000 20020000"
    // dom_sid2 S-1-5-21-1-2-3-500
    "05000000 01 05 000000000005 15000000 01000000 02000000 03000000 f4010000";

TEST_CASE("samba golden: lsa_SidArray (array of pointers to conformant structs)",
          "[ndr][golden]") {
  auto a = sample_sid_array();
  CHECK(push_hex(a) == ndr_test::to_hex(hex(kSambaSidArray)));
  SidArray back;
  REQUIRE(pull_bytes(hex(kSambaSidArray), back).ok());
  CHECK(back == a);
}

const char* const kSambaSrvInfo101 =
    "f4010000 00000200 06000000 01000000 03100000 00000000"
    "05000000 00000000 05000000 5300520056003100 0000";

TEST_CASE("samba golden: srvsvc_NetSrvInfo101 ([string] UTF-16, v1_enum, null pointer)",
          "[ndr][golden]") {
  auto v = sample_srv_info101();
  CHECK(push_hex(v) == ndr_test::to_hex(hex(kSambaSrvInfo101)));
  SrvInfo101 back;
  REQUIRE(pull_bytes(hex(kSambaSrvInfo101), back).ok());
  CHECK(back == v);
}

const char* const kSambaLogonHours =
    "a800 0000 00000200"          // units_per_week 168, pad, referent
    "ec040000 00000000 15000000"  // conformance 1260, offset 0, length 21
    "000102030405060708090a0b0c0d0e0f1011121314";

TEST_CASE("samba golden: samr_LogonHours (conformant-varying array behind a pointer)",
          "[ndr][golden]") {
  auto v = sample_logon_hours();
  CHECK(push_hex(v) == ndr_test::to_hex(hex(kSambaLogonHours)));
  LogonHours back;
  REQUIRE(pull_bytes(hex(kSambaLogonHours), back).ok());
  CHECK(back == v);
}
