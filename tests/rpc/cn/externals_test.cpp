// Generated code and names IDL leaves to the caller (nca/ndr/externals.h, GENERATED_CODE.md):
// dcerpc.idl's request selects its object UUID arm with NDR_DCERPC_REQUEST_OBJECT_PRESENT, a
// value only the caller (who has the PDU header) knows. Byte-level agreement with Samba is
// checked in samba_pdu_golden.py; this checks the mechanism itself.
#include <catch2/catch.hpp>

#include "dcerpc_types.h"
#include "nca/ndr/ndr.h"

namespace {

using nca::ndr::Error;

dcerpc::dcerpc_request request(bool with_object) {
  dcerpc::dcerpc_request r;
  r.alloc_hint = 4;
  r.context_id = 1;
  r.opnum = 2;
  if (with_object) r.object.set_object(nca::ndr::Guid::from_fields(0x01020304, 0x0506, 0x0708, {9, 10}, {11, 12, 13, 14, 15, 16}));
  else r.object.set_empty();
  r.stub_and_verifier.data = {0xaa, 0xbb, 0xcc, 0xdd};
  return r;
}

}  // namespace

TEST_CASE("externals_unset_name_fails_push_and_pull", "[cn][externals]") {
  nca::ndr::Push p;
  push(p, nca::ndr::kScalarsAndBuffers, request(false));
  CHECK(p.status().code == Error::missing_external);
  CHECK(p.status().offset == 8);  // after alloc_hint, context_id, opnum

  const uint8_t bytes[12] = {4, 0, 0, 0, 1, 0, 2, 0, 0xaa, 0xbb, 0xcc, 0xdd};
  nca::ndr::Pull in(bytes);
  dcerpc::dcerpc_request r;
  CHECK_FALSE(pull(in, nca::ndr::kScalarsAndBuffers, r));
  CHECK(in.status().code == Error::missing_external);
}

TEST_CASE("externals_select_the_union_arm", "[cn][externals]") {
  for (bool present : {false, true}) {
    INFO("object present: " << present);
    nca::ndr::Push p;
    REQUIRE(p.externals().set(dcerpc::NDR_DCERPC_REQUEST_OBJECT_PRESENT, present));
    push(p, nca::ndr::kScalarsAndBuffers, request(present));
    REQUIRE(p.ok());
    CHECK(p.size() == (present ? 28u : 12u));
    if (present) CHECK(p.bytes()[8] == 0x04);  // the GUID's time_low, little-endian

    nca::ndr::Pull in(p.bytes());
    in.externals().set(dcerpc::NDR_DCERPC_REQUEST_OBJECT_PRESENT, present);
    dcerpc::dcerpc_request r;
    REQUIRE(pull(in, nca::ndr::kScalarsAndBuffers, r));
    CHECK(r == request(present));

    // The same bytes read with the other value: the arm and the stub split differ.
    nca::ndr::Pull other(p.bytes());
    other.externals().set(dcerpc::NDR_DCERPC_REQUEST_OBJECT_PRESENT, !present);
    dcerpc::dcerpc_request r2;
    if (pull(other, nca::ndr::kScalarsAndBuffers, r2)) CHECK_FALSE(r2 == request(present));
  }
}

TEST_CASE("externals_value_disagreeing_with_the_arm_is_bad_switch_value", "[cn][externals]") {
  nca::ndr::Push p;
  p.externals().set(dcerpc::NDR_DCERPC_REQUEST_OBJECT_PRESENT, 0);
  push(p, nca::ndr::kScalarsAndBuffers, request(true));
  CHECK(p.status().code == Error::bad_switch_value);
}

TEST_CASE("externals_table_is_bounded_and_replaces", "[cn][externals]") {
  nca::ndr::Externals e;
  CHECK_FALSE(e.get("A").has_value());
  CHECK(e.set("A", 1));
  CHECK(e.set("A", 2));
  CHECK(e.get("A") == 2);
  for (size_t i = 1; i < nca::ndr::Externals::kMax; ++i) CHECK(e.set(i == 1 ? "B" : i == 2 ? "C" : "D", 0));
  CHECK_FALSE(e.set("E", 5));
  CHECK_FALSE(e.get("E").has_value());
  e.clear();
  CHECK_FALSE(e.get("A").has_value());
}
