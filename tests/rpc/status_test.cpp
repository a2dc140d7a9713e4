#include <catch2/catch.hpp>

#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

using namespace nca::rpc;

TEST_CASE("fault_names_known_codes_and_hex_for_unknown", "[rpc][status]") {
  // Codes as C706 appendix E and MS-RPCE 2.2.2.11 give them.
  CHECK(fault_code_name(0x1c010002) == "nca_s_op_rng_error");
  CHECK(fault_code_name(0x1c010003) == "nca_s_unk_if");
  CHECK(fault_code_name(0x1c00001a) == "nca_s_fault_context_mismatch");
  CHECK(fault_code_name(0x000006f7) == "nca_s_fault_ndr");
  CHECK(fault_code_name(0x00000005) == "nca_s_fault_access_denied");
  CHECK(fault_code_name(0x1c000021) == "nca_s_fault_user_defined");
  CHECK(fault_code_name(0xc0000022).empty());

  CHECK(to_string(Status::fault(FaultCode::op_rng_error, "opnum 9")) ==
        "fault nca_s_op_rng_error (0x1c010002): opnum 9");
  CHECK(to_string(Status::fault(0xc0000022)) == "fault 0xc0000022");
  CHECK(to_string(Status::timeout("no reply within 5 ms")) == "timeout: no reply within 5 ms");
  CHECK(to_string(Status::ndr(2, "size")) == "ndr error 2: size");
  CHECK(to_string(Status{}) == "ok");
}

TEST_CASE("status_kinds_are_distinct", "[rpc][status]") {
  CHECK(Status{}.ok());
  CHECK(Status::fault(FaultCode::fault_cancel).kind == StatusKind::fault);
  CHECK(Status::cancelled().kind == StatusKind::cancelled);
  CHECK_FALSE(Status::cancelled().is_fault(FaultCode::fault_cancel));
  CHECK(Status::transport(104, "reset").kind == StatusKind::transport);
  CHECK(Status::protocol(0x1c01000b, "bad pdu").kind == StatusKind::protocol);
}

TEST_CASE("user_exception_fault_body_round_trip", "[rpc][status]") {
  Bytes body = encode_fault_body(Fault::exception(2));
  // DCE 1.1: status then index, NDR uint32 little-endian.
  CHECK(body == Bytes{0x21, 0x00, 0x00, 0x1c, 0x02, 0x00, 0x00, 0x00});
  Fault f = decode_fault(0x1c000021, body);
  REQUIRE(f.user_exception);
  CHECK(*f.user_exception == 2);

  Bytes big{0x1c, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x07};
  Fault fb = decode_fault(0x1c000021, big, /*little_endian=*/false);
  REQUIRE(fb.user_exception);
  CHECK(*fb.user_exception == 7);

  // Ordinary faults carry no body; a short or disagreeing body names no exception.
  CHECK(encode_fault_body(Fault(FaultCode::op_rng_error)).empty());
  CHECK_FALSE(decode_fault(0x1c000021, Bytes{0x21, 0, 0, 0x1c}).user_exception);
  CHECK_FALSE(decode_fault(0x1c000021, Bytes{0x02, 0, 0, 0x1c, 1, 0, 0, 0}).user_exception);
  CHECK_FALSE(decode_fault(0x1c010002, body).user_exception);

  const std::string_view names[] = {"overflow", "divide_by_zero"};
  Status s = Status::from_fault(decode_fault(0x1c000021, encode_fault_body(Fault::exception(1))), names);
  CHECK(s.exception_name == "divide_by_zero");
  CHECK(to_string(s) == "fault nca_s_fault_user_defined (0x1c000021): user exception 'divide_by_zero' (#1)");
  // An index beyond the client's list stays a number.
  Status unknown = Status::from_fault(Fault::exception(5), names);
  CHECK(unknown.exception_name.empty());
  CHECK(*unknown.user_exception == 5);
}

TEST_CASE("uuid_parse_and_print", "[rpc][uuid]") {
  auto u = Uuid::parse("8A885D04-1ceb-11c9-9fe8-08002b104860");
  REQUIRE(u);
  CHECK(u->bytes[0] == 0x8a);
  CHECK(u->bytes[15] == 0x60);
  CHECK(u->to_string() == "8a885d04-1ceb-11c9-9fe8-08002b104860");
  CHECK(*u == kNdr20.uuid);
  CHECK(to_string(kNdr64) == "71710533-beba-4937-8319-b5dbef9ccc36 v1.0");
  CHECK_FALSE(Uuid::parse("8a885d04-1ceb-11c9-9fe8-08002b10486"));
  CHECK_FALSE(Uuid::parse("8a885d04-1ceb-11c9-9fe8x08002b104860"));
  CHECK_FALSE(Uuid::parse("8a885d04-1ceb-11c9-9fe8-08002b10486g"));
  CHECK(Uuid{}.is_nil());
  CHECK_FALSE(u->is_nil());
}
