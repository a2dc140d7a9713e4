#include "nca/ndr/error.h"

namespace nca::ndr {

std::string_view error_name(Error e) noexcept {
  switch (e) {
    case Error::ok: return "ok";
    case Error::buffer_overrun: return "buffer_overrun";
    case Error::missing_padding: return "missing_padding";
    case Error::nonzero_padding: return "nonzero_padding";
    case Error::count_exceeds_remaining: return "count_exceeds_remaining";
    case Error::array_size_mismatch: return "array_size_mismatch";
    case Error::array_bounds: return "array_bounds";
    case Error::count_too_large: return "count_too_large";
    case Error::depth_limit: return "depth_limit";
    case Error::alloc_limit: return "alloc_limit";
    case Error::bad_referent: return "bad_referent";
    case Error::bad_switch_value: return "bad_switch_value";
    case Error::range_violation: return "range_violation";
    case Error::string_not_terminated: return "string_not_terminated";
    case Error::bad_string_offset: return "bad_string_offset";
    case Error::invalid_charset: return "invalid_charset";
    case Error::unsupported_drep: return "unsupported_drep";
    case Error::bad_relative_offset: return "bad_relative_offset";
    case Error::subcontext_mismatch: return "subcontext_mismatch";
    case Error::bad_pipe_chunk: return "bad_pipe_chunk";
    case Error::bad_value: return "bad_value";
    case Error::pointer_cycle: return "pointer_cycle";
    case Error::missing_external: return "missing_external";
  }
  return "unknown";
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(error_name(code)) + " at offset " + std::to_string(offset);
}

}  // namespace nca::ndr
