// Errors as values: Status (what a client call ends with), Fault (what a server answers a call
// with), Result<T, E> (a value or an error), and the fault status codes of C706 appendix E and
// MS-RPCE 2.2.2.11.
//
// Kinds are kept apart (ARCHITECTURE.md, "Faults and exceptions"): a fault is the server's verdict
// on a call, transport/ndr/protocol errors are our side failing to carry it, timeout/cancelled are
// the caller giving up. Application results (an NTSTATUS, a WERROR, any return value declared in
// the IDL) are [out] values of the operation and never appear here.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "nca/base/require.h"

namespace nca::rpc {

using Bytes = std::vector<uint8_t>;

// Fault status codes. Values from C706 appendix E ("nca_s_*") and MS-RPCE 2.2.2.11 (the three
// Microsoft additions). The enumerators drop the "nca_s_" prefix; fault_code_name() gives the
// spec's name. A fault PDU may carry any 32-bit code (Windows servers send Win32 errors and
// NTSTATUS values too), so Fault and Status hold a plain uint32_t.
enum class FaultCode : uint32_t {
  // C706 E.1, reject and fault status codes (0x1c01xxxx)
  comm_failure = 0x1c010001,
  op_rng_error = 0x1c010002,  // opnum out of range for the interface
  unk_if = 0x1c010003,        // interface not registered
  wrong_boot_time = 0x1c010006,
  you_crashed = 0x1c010009,
  proto_error = 0x1c01000b,
  out_args_too_big = 0x1c010013,
  server_too_busy = 0x1c010014,
  fault_string_too_long = 0x1c010015,
  unsupported_type = 0x1c010017,
  // C706 E.2, fault status codes (0x1c00xxxx)
  fault_int_div_by_zero = 0x1c000001,
  fault_addr_error = 0x1c000002,
  fault_fp_div_zero = 0x1c000003,
  fault_fp_underflow = 0x1c000004,
  fault_fp_overflow = 0x1c000005,
  fault_invalid_tag = 0x1c000006,
  fault_invalid_bound = 0x1c000007,
  rpc_version_mismatch = 0x1c000008,
  unspec_reject = 0x1c000009,
  bad_actid = 0x1c00000a,
  who_are_you_failed = 0x1c00000b,
  manager_not_entered = 0x1c00000c,
  fault_cancel = 0x1c00000d,
  fault_ill_inst = 0x1c00000e,
  fault_fp_error = 0x1c00000f,
  fault_int_overflow = 0x1c000010,
  fault_unspec = 0x1c000012,
  fault_remote_comm_failure = 0x1c000013,
  fault_pipe_empty = 0x1c000014,
  fault_pipe_closed = 0x1c000015,
  fault_pipe_order = 0x1c000016,
  fault_pipe_discipline = 0x1c000017,
  fault_pipe_comm_error = 0x1c000018,
  fault_pipe_memory = 0x1c000019,
  fault_context_mismatch = 0x1c00001a,  // unknown, closed or foreign context handle
  fault_remote_no_memory = 0x1c00001b,
  invalid_pres_context_id = 0x1c00001c,
  unsupported_authn_level = 0x1c00001d,
  invalid_checksum = 0x1c00001f,
  invalid_crc = 0x1c000020,
  fault_user_defined = 0x1c000021,  // a user exception declared in the IDL, see Fault
  fault_tx_open_failed = 0x1c000022,
  fault_codeset_conv_error = 0x1c000023,
  fault_object_not_found = 0x1c000024,
  fault_no_client_stub = 0x1c000025,
  // MS-RPCE 2.2.2.11 (Win32 error values on the wire)
  fault_access_denied = 0x00000005,   // ERROR_ACCESS_DENIED
  fault_cant_perform = 0x000006d8,    // EPT_S_CANT_PERFORM_OP
  fault_ndr = 0x000006f7,             // RPC_X_BAD_STUB_DATA: undecodable stub data
};

// The spec's name of a known code ("nca_s_op_rng_error"), or "" for an unknown one.
std::string_view fault_code_name(uint32_t code);

struct FaultCodeName {
  FaultCode code;
  std::string_view name;
};
// Every FaultCode with its name, in declaration order (for decoders and tests).
std::span<const FaultCodeName> fault_code_names();

// What a server answers a call with instead of [out] data: the status of a fault PDU.
//
// User exceptions (the DCE `exceptions(...)` interface attribute) travel as DCE 1.1 sends them:
// status nca_s_fault_user_defined, and the fault's stub data holds two NDR uint32 values, the
// status again and the exception's index in the interface's `exceptions` list (encode_fault_body).
// A Windows client ignores fault stub data (MS-RPCE 2.2.2.8) and sees nca_s_fault_user_defined,
// which is all it can know of an exception it never declared.
struct Fault {
  uint32_t code = static_cast<uint32_t>(FaultCode::fault_unspec);
  std::optional<uint32_t> user_exception;  // set only with code == fault_user_defined
  std::string message;                     // for logs on the server; never sent

  Fault() = default;
  Fault(FaultCode c, std::string m = {}) : code(static_cast<uint32_t>(c)), message(std::move(m)) {}
  explicit Fault(uint32_t c, std::string m = {}) : code(c), message(std::move(m)) {}
  static Fault exception(uint32_t index, std::string m = {}) {
    Fault f(FaultCode::fault_user_defined, std::move(m));
    f.user_exception = index;
    return f;
  }
  bool is(FaultCode c) const { return code == static_cast<uint32_t>(c); }
};

// Stub data of a fault PDU for `f`: empty, except for user exceptions (8 bytes: status, index;
// little-endian NDR, the byte order we push).
Bytes encode_fault_body(const Fault& f);
// The fault a client sees for a fault PDU with `status` and stub data `body` in the peer's byte
// order. A user-defined fault whose body is missing or disagrees keeps no exception index.
Fault decode_fault(uint32_t status, std::span<const uint8_t> body, bool little_endian = true);

enum class StatusKind : uint8_t {
  ok,
  fault,      // the server answered with a fault PDU; code = its status
  transport,  // the connection failed; code = the transport's error (a libuv/errno value)
  ndr,        // stub data could not be marshalled or unmarshalled here; code = the NDR error
  timeout,    // the call's deadline passed
  cancelled,  // the caller (or the handle closing) cancelled the call
  protocol,   // the peer broke the protocol (bad PDU, bind refused, ...); code = nca status if any
};
std::string_view to_string(StatusKind kind);

// How a call ended. A default Status is ok. Copyable; cheap when ok.
struct Status {
  StatusKind kind = StatusKind::ok;
  uint32_t code = 0;
  std::string message;
  std::optional<uint32_t> user_exception;  // kind fault, code fault_user_defined: the index
  std::string exception_name;              // its IDL name when the interface declared it

  Status() = default;
  Status(StatusKind k, uint32_t c, std::string m = {}) : kind(k), code(c), message(std::move(m)) {}

  static Status fault(uint32_t code, std::string m = {}) { return {StatusKind::fault, code, std::move(m)}; }
  static Status fault(FaultCode c, std::string m = {}) { return fault(static_cast<uint32_t>(c), std::move(m)); }
  // The client-side view of a server's fault; `exception_names` is the interface's `exceptions`
  // list, used to name a user exception.
  static Status from_fault(const Fault& f, std::span<const std::string_view> exception_names = {});
  static Status ndr(uint32_t code, std::string m) { return {StatusKind::ndr, code, std::move(m)}; }
  static Status transport(uint32_t code, std::string m) { return {StatusKind::transport, code, std::move(m)}; }
  static Status protocol(uint32_t code, std::string m) { return {StatusKind::protocol, code, std::move(m)}; }
  static Status timeout(std::string m = {}) { return {StatusKind::timeout, 0, std::move(m)}; }
  static Status cancelled(std::string m = {}) { return {StatusKind::cancelled, 0, std::move(m)}; }

  bool ok() const { return kind == StatusKind::ok; }
  bool is_fault(FaultCode c) const { return kind == StatusKind::fault && code == static_cast<uint32_t>(c); }
};

// "fault nca_s_op_rng_error (0x1c010002): opnum 7 out of range", "timeout: ...",
// "fault nca_s_fault_user_defined (0x1c000021): user exception 'overflow' (#1)".
std::string to_string(const Status& s);
std::string to_string(const Fault& f);

// A value or an error. E must not be usable as T.
template <class T, class E = Status>
class Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(E error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { NCA_REQUIRE(ok(), "value() of a failed Result"); return std::get<0>(v_); }
  const T& value() const& { NCA_REQUIRE(ok(), "value() of a failed Result"); return std::get<0>(v_); }
  T&& value() && { NCA_REQUIRE(ok(), "value() of a failed Result"); return std::get<0>(std::move(v_)); }
  const E& error() const { NCA_REQUIRE(!ok(), "error() of a successful Result"); return std::get<1>(v_); }
  E&& take_error() && { NCA_REQUIRE(!ok(), "error() of a successful Result"); return std::get<1>(std::move(v_)); }

  T& operator*() & { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> v_;
};

}  // namespace nca::rpc
