// Malformed input through generated code: truncation, huge counts, bad referent ids and unknown
// union discriminants each fail with their own error, without crashing and without allocating
// more than the bytes present justify.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "epmapper_types.h"
#include "mgmt_types.h"
#include "nca/ndr/ndr.h"
#include "rpcecho_types.h"

namespace {

std::vector<std::uint8_t> hex(const std::string& h) {
  std::vector<std::uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
  return out;
}

// Samba's bytes (tests/ndr_gen/samba_vectors.py): TestCall2 level 5 reply, and an epm_Map request.
const char kTestCall2Out5[] = "05000000000000001100000000000000282726252423222100000000";
const char kEpmMapIn[] =
    "0100000000000000000000000000000000000000020000004b0000004b000000050013000d0883afe11f5dc91191"
    "a408002b14a0fa03000200000013000d045d888aeb1cc9119fe808002b10486002000200000001000b02000000"
    "0100070200008701000904007f00000100000000000000000000000000000000000000000004000000";

}  // namespace

TEST_CASE("ndr_gen_malformed: every truncation of a reply fails, none crashes", "[ndr_gen][malformed]") {
  auto full = hex(kTestCall2Out5);
  for (size_t n = 0; n < full.size(); ++n) {
    rpcecho::echo_TestCall2 r;
    r.in.level = 5;
    nca::ndr::Pull p(std::span(full.data(), n));
    INFO("prefix " << n);
    CHECK_FALSE(rpcecho::pull_out(p, r));
    auto code = p.status().code;
    CHECK((code == nca::ndr::Error::buffer_overrun || code == nca::ndr::Error::missing_padding));
  }
  rpcecho::echo_TestCall2 r;
  r.in.level = 5;
  nca::ndr::Pull p(full);
  CHECK(rpcecho::pull_out(p, r));
  CHECK(r.out.info.info5().v1 == 0x11);
}

TEST_CASE("ndr_gen_malformed: every truncation of an epm_Map request fails", "[ndr_gen][malformed]") {
  auto full = hex(kEpmMapIn);
  for (size_t n = 0; n < full.size(); ++n) {
    epmapper::epm_Map r;
    nca::ndr::Pull p(std::span(full.data(), n));
    INFO("prefix " << n);
    CHECK_FALSE(epmapper::pull_in(p, r));
  }
  epmapper::epm_Map r;
  nca::ndr::Pull p(full);
  REQUIRE(epmapper::pull_in(p, r));
  REQUIRE(r.in.map_tower);
  CHECK(r.in.map_tower->tower.num_floors == 5);
}

TEST_CASE("ndr_gen_malformed: huge counts fail before allocating", "[ndr_gen][malformed]") {
  // EchoData request: len = 0xffffffff, conformance 0xffffffff, then 4 bytes.
  auto bytes = hex("ffffffffffffffff01020304");
  rpcecho::echo_EchoData r;
  nca::ndr::Pull p(bytes);
  CHECK_FALSE(rpcecho::pull_in(p, r));
  CHECK(p.status().code == nca::ndr::Error::count_exceeds_remaining);
  CHECK(p.allocated() < 1024);
  CHECK(r.in.in_data.empty());

  // inq_stats reply: a unique referent to a statistics struct claiming 2^30 counters.
  auto stats = hex("0000020000000040" "00000040" "01000000");
  mgmt::mgmt_inq_stats s;
  s.in.max_count = 4;
  nca::ndr::Pull q(stats);
  CHECK_FALSE(mgmt::pull_out(q, s));
  CHECK(q.allocated() < 1024);

  // A conformance that disagrees with its size_is member: array_size_mismatch.
  auto mismatch = hex("0300000005000000010002000300");
  rpcecho::echo_TestSurrounding t;
  nca::ndr::Pull m(mismatch);
  CHECK_FALSE(rpcecho::pull_in(m, t));
  CHECK(m.status().code == nca::ndr::Error::array_size_mismatch);
}

TEST_CASE("ndr_gen_malformed: a full pointer id reused for another type is a bad referent",
          "[ndr_gen][malformed]") {
  // epm_Map's object (GUID) has id 1; give map_tower (epm_twr_t) the same id.
  auto bytes = hex(kEpmMapIn);
  bytes[20] = 0x01;  // map_tower's referent id: 2 -> 1
  epmapper::epm_Map r;
  nca::ndr::Pull p(bytes);
  CHECK_FALSE(epmapper::pull_in(p, r));
  CHECK(p.status().code == nca::ndr::Error::bad_referent);
}

TEST_CASE("ndr_gen_malformed: unknown and mismatched union discriminants", "[ndr_gen][malformed]") {
  // Level 9 has no arm in echo_Info and there is no default.
  auto bytes = hex("0900000000000000");
  rpcecho::echo_TestCall2 r;
  r.in.level = 9;
  nca::ndr::Pull p(bytes);
  CHECK_FALSE(rpcecho::pull_out(p, r));
  CHECK(p.status().code == nca::ndr::Error::bad_switch_value);

  // The wire says 5, the request said 3.
  auto full = hex(kTestCall2Out5);
  rpcecho::echo_TestCall2 r2;
  r2.in.level = 3;
  nca::ndr::Pull q(full);
  CHECK_FALSE(rpcecho::pull_out(q, r2));
  CHECK(q.status().code == nca::ndr::Error::bad_switch_value);

  // Push refuses a value whose arm is not the one the discriminant selects.
  rpcecho::echo_TestCall2 w;
  w.in.level = 2;
  w.out.info.set_info1({7});
  nca::ndr::Push out;
  rpcecho::push_out(out, w);
  CHECK(out.status().code == nca::ndr::Error::bad_switch_value);

  // Checked access: reading another arm throws.
  CHECK_THROWS_AS(w.out.info.info2(), std::bad_variant_access);
}
