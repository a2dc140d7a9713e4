#include "nca/net/status.h"

#include <uv.h>

namespace nca::net {

Status Status::from_uv(int uv_code, const char* detail) {
  switch (uv_code) {
    case 0: return Status();
    case UV_ECANCELED: return Status(Errc::cancelled, uv_code, detail);
    case UV_EOF: return Status(Errc::eof, uv_code, detail);
    case UV_ENAMETOOLONG: return Status(Errc::name_too_long, uv_code, detail);
    case UV_EINVAL: return Status(Errc::invalid_argument, uv_code, detail);
    case UV_ENOTCONN: return Status(Errc::not_connected, uv_code, detail);
    case UV_EBUSY: return Status(Errc::busy, uv_code, detail);
    default: return Status(Errc::system, uv_code, detail);
  }
}

const char* to_string(Errc code) {
  switch (code) {
    case Errc::ok: return "ok";
    case Errc::cancelled: return "cancelled";
    case Errc::eof: return "end of stream";
    case Errc::truncated: return "peer closed mid-message";
    case Errc::not_connected: return "not connected";
    case Errc::busy: return "operation already outstanding";
    case Errc::invalid_argument: return "invalid argument";
    case Errc::name_too_long: return "name too long";
    case Errc::pdu_too_large: return "PDU larger than the maximum";
    case Errc::pdu_malformed: return "malformed PDU";
    case Errc::system: return "system error";
  }
  return "unknown";
}

std::string Status::message() const {
  std::string text = to_string(code_);
  if (detail_ != nullptr) {
    text += ": ";
    text += detail_;
  }
  if (sys_code_ != 0) {
    text += " (";
    text += uv_err_name(sys_code_);
    text += ": ";
    text += uv_strerror(sys_code_);
    text += ")";
  }
  return text;
}

}  // namespace nca::net
