#include "nca/rpc/status.h"

#include <cstdio>

namespace nca::rpc {

namespace {

// Names as C706 appendix E and MS-RPCE 2.2.2.11 spell them, so a log line can be searched for in
// the specifications.
constexpr FaultCodeName kCodeNames[] = {
    {FaultCode::comm_failure, "nca_s_comm_failure"},
    {FaultCode::op_rng_error, "nca_s_op_rng_error"},
    {FaultCode::unk_if, "nca_s_unk_if"},
    {FaultCode::wrong_boot_time, "nca_s_wrong_boot_time"},
    {FaultCode::you_crashed, "nca_s_you_crashed"},
    {FaultCode::proto_error, "nca_s_proto_error"},
    {FaultCode::out_args_too_big, "nca_s_out_args_too_big"},
    {FaultCode::server_too_busy, "nca_s_server_too_busy"},
    {FaultCode::fault_string_too_long, "nca_s_fault_string_too_long"},
    {FaultCode::unsupported_type, "nca_s_unsupported_type"},
    {FaultCode::fault_int_div_by_zero, "nca_s_fault_int_div_by_zero"},
    {FaultCode::fault_addr_error, "nca_s_fault_addr_error"},
    {FaultCode::fault_fp_div_zero, "nca_s_fault_fp_div_zero"},
    {FaultCode::fault_fp_underflow, "nca_s_fault_fp_underflow"},
    {FaultCode::fault_fp_overflow, "nca_s_fault_fp_overflow"},
    {FaultCode::fault_invalid_tag, "nca_s_fault_invalid_tag"},
    {FaultCode::fault_invalid_bound, "nca_s_fault_invalid_bound"},
    {FaultCode::rpc_version_mismatch, "nca_s_rpc_version_mismatch"},
    {FaultCode::unspec_reject, "nca_s_unspec_reject"},
    {FaultCode::bad_actid, "nca_s_bad_actid"},
    {FaultCode::who_are_you_failed, "nca_s_who_are_you_failed"},
    {FaultCode::manager_not_entered, "nca_s_manager_not_entered"},
    {FaultCode::fault_cancel, "nca_s_fault_cancel"},
    {FaultCode::fault_ill_inst, "nca_s_fault_ill_inst"},
    {FaultCode::fault_fp_error, "nca_s_fault_fp_error"},
    {FaultCode::fault_int_overflow, "nca_s_fault_int_overflow"},
    {FaultCode::fault_unspec, "nca_s_fault_unspec"},
    {FaultCode::fault_remote_comm_failure, "nca_s_fault_remote_comm_failure"},
    {FaultCode::fault_pipe_empty, "nca_s_fault_pipe_empty"},
    {FaultCode::fault_pipe_closed, "nca_s_fault_pipe_closed"},
    {FaultCode::fault_pipe_order, "nca_s_fault_pipe_order"},
    {FaultCode::fault_pipe_discipline, "nca_s_fault_pipe_discipline"},
    {FaultCode::fault_pipe_comm_error, "nca_s_fault_pipe_comm_error"},
    {FaultCode::fault_pipe_memory, "nca_s_fault_pipe_memory"},
    {FaultCode::fault_context_mismatch, "nca_s_fault_context_mismatch"},
    {FaultCode::fault_remote_no_memory, "nca_s_fault_remote_no_memory"},
    {FaultCode::invalid_pres_context_id, "nca_s_invalid_pres_context_id"},
    {FaultCode::unsupported_authn_level, "nca_s_unsupported_authn_level"},
    {FaultCode::invalid_checksum, "nca_s_invalid_checksum"},
    {FaultCode::invalid_crc, "nca_s_invalid_crc"},
    {FaultCode::fault_user_defined, "nca_s_fault_user_defined"},
    {FaultCode::fault_tx_open_failed, "nca_s_fault_tx_open_failed"},
    {FaultCode::fault_codeset_conv_error, "nca_s_fault_codeset_conv_error"},
    {FaultCode::fault_object_not_found, "nca_s_fault_object_not_found"},
    {FaultCode::fault_no_client_stub, "nca_s_fault_no_client_stub"},
    {FaultCode::fault_access_denied, "nca_s_fault_access_denied"},
    {FaultCode::fault_cant_perform, "nca_s_fault_cant_perform"},
    {FaultCode::fault_ndr, "nca_s_fault_ndr"},
};

uint32_t read_u32(std::span<const uint8_t> b, bool little_endian) {
  if (little_endian) return b[0] | b[1] << 8 | b[2] << 16 | uint32_t{b[3]} << 24;
  return uint32_t{b[0]} << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

void write_u32_le(Bytes& out, uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

std::string hex32(uint32_t v) {
  char buf[11];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

// The text helpers append rather than write `"literal" + std::string`: g++ 12 at -O2 warns
// falsely (-Wrestrict) on the latter.

// "nca_s_op_rng_error (0x1c010002)", "0xc0000022" for unknown codes.
std::string code_text(uint32_t code) {
  auto name = fault_code_name(code);
  return name.empty() ? hex32(code) : std::string(name) + " (" + hex32(code) + ")";
}

std::string exception_text(uint32_t index, std::string_view name) {
  std::string s = "user exception ";
  if (!name.empty()) s.append("'").append(name).append("' ");
  return s.append("(#").append(std::to_string(index)).append(")");
}

std::string join(std::string head, const std::string& tail) {
  return tail.empty() ? head : head + ": " + tail;
}

}  // namespace

std::span<const FaultCodeName> fault_code_names() { return kCodeNames; }

std::string_view fault_code_name(uint32_t code) {
  for (const auto& [c, name] : kCodeNames)
    if (static_cast<uint32_t>(c) == code) return name;
  return {};
}

Bytes encode_fault_body(const Fault& f) {
  Bytes body;
  if (f.user_exception && f.is(FaultCode::fault_user_defined)) {
    write_u32_le(body, f.code);
    write_u32_le(body, *f.user_exception);
  }
  return body;
}

Fault decode_fault(uint32_t status, std::span<const uint8_t> body, bool little_endian) {
  Fault f(status);
  // DCE 1.1 puts the status in the body too and the exception index after it. A body that
  // disagrees with the header is not trusted: the fault stays, unnamed.
  if (f.is(FaultCode::fault_user_defined) && body.size() >= 8 &&
      read_u32(body.first(4), little_endian) == status)
    f.user_exception = read_u32(body.subspan(4, 4), little_endian);
  return f;
}

Status Status::from_fault(const Fault& f, std::span<const std::string_view> exception_names) {
  Status s = fault(f.code);
  if (f.user_exception && f.is(FaultCode::fault_user_defined)) {
    s.user_exception = f.user_exception;
    if (*f.user_exception < exception_names.size())
      s.exception_name = std::string(exception_names[*f.user_exception]);
  }
  return s;
}

std::string_view to_string(StatusKind kind) {
  switch (kind) {
    case StatusKind::ok: return "ok";
    case StatusKind::fault: return "fault";
    case StatusKind::transport: return "transport error";
    case StatusKind::ndr: return "ndr error";
    case StatusKind::timeout: return "timeout";
    case StatusKind::cancelled: return "cancelled";
    case StatusKind::protocol: return "protocol error";
  }
  return "unknown status kind";
}

std::string to_string(const Status& s) {
  std::string head(to_string(s.kind));
  switch (s.kind) {
    case StatusKind::ok:
    case StatusKind::timeout:
    case StatusKind::cancelled:
      break;
    case StatusKind::fault:
    case StatusKind::protocol:
      head.append(" ").append(code_text(s.code));
      break;
    case StatusKind::transport:
    case StatusKind::ndr:
      head.append(" ").append(std::to_string(s.code));
      break;
  }
  if (s.user_exception) head.append(": ").append(exception_text(*s.user_exception, s.exception_name));
  return join(head, s.message);
}

std::string to_string(const Fault& f) {
  std::string head = "fault " + code_text(f.code);
  if (f.user_exception) head.append(": ").append(exception_text(*f.user_exception, {}));
  return join(head, f.message);
}

}  // namespace nca::rpc
