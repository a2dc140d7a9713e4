// nca::ndr errors: one code per kind of violation, reported with the byte offset where it happened.
//
// Push and Pull never throw and never abort on bad data. Both carry a *sticky* Status: the first
// failure is recorded (code + offset), and from then on every operation on that Push/Pull fails
// without reading, writing or allocating anything. Generated code may therefore check as rarely as
// it likes (at least once at the end: `pull.status()`), and loops driven by counts read after a
// failure see zero and end at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace nca::ndr {

enum class Error : std::uint8_t {
  ok = 0,
  buffer_overrun,           // a read needs more bytes than remain
  missing_padding,          // the buffer ends inside alignment padding
  nonzero_padding,          // padding byte is not zero (only with Limits::strict_padding)
  count_exceeds_remaining,  // a count read from the wire cannot fit in the bytes that remain
  array_size_mismatch,      // wire conformance differs from the [size_is] value the IDL gives
  array_bounds,             // variance (offset, length / first_is, last_is) outside the array
  count_too_large,          // a count does not fit its wire form (NDR20 32-bit) or memory
  depth_limit,              // nesting deeper than Limits::max_depth
  alloc_limit,              // a decode would allocate more than Limits::max_alloc
  bad_referent,             // a referent id that is null where forbidden or of the wrong type
  bad_switch_value,         // union discriminant with no arm and no [default]
  range_violation,          // value outside its [range(lo, hi)]
  string_not_terminated,    // [string] data whose last character is not NUL
  bad_string_offset,        // [string] with a nonzero offset
  invalid_charset,          // text that cannot be converted (push: ill-formed UTF-8)
  unsupported_drep,         // EBCDIC characters or non-IEEE floats declared by the peer
  bad_relative_offset,      // [relative] offset outside the buffer or before its base
  subcontext_mismatch,      // [subcontext] size differs from what its content used
  bad_pipe_chunk,           // NDR64 pipe chunk trailer is not the negated count
  bad_value,                // a value that the IDL does not allow
  pointer_cycle,            // full pointers that lead back to an object being decoded
  missing_external,         // generated code needs a value the caller did not set (externals.h)
};

// A short, lowercase, stable name ("buffer_overrun").
std::string_view error_name(Error e) noexcept;

// The result of an NDR operation: ok, or the first error and the offset (from the start of the
// buffer handed to Pull, or of the output of Push) where it happened.
struct Status {
  Error code = Error::ok;
  std::size_t offset = 0;

  constexpr bool ok() const noexcept { return code == Error::ok; }
  constexpr explicit operator bool() const noexcept { return ok(); }
  friend constexpr bool operator==(const Status&, const Status&) = default;
  // "buffer_overrun at offset 12"
  std::string to_string() const;
};

}  // namespace nca::ndr
