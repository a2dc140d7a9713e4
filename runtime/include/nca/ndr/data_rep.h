// Transfer syntax, the peer's data representation, and decode limits.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nca::ndr {

// NDR20 (8a885d04-1ceb-11c9-9fe8-08002b104860 v2) or NDR64 (71710533-beba-4937-8319-b5dbef9ccc36
// v1). NDR64 differs only in sizes and alignments; see runtime/ndr/README.md.
enum class Syntax : std::uint8_t { ndr20, ndr64 };

// The data representation label of C706 14.1, as carried in a PDU's drep[0..1].
struct DataRep {
  bool little_endian = true;  // drep[0] high nibble: 1 little-endian, 0 big-endian
  bool ebcdic = false;        // drep[0] low nibble: 0 ASCII, 1 EBCDIC
  std::uint8_t float_format = 0;  // drep[1]: 0 IEEE, 1 VAX, 2 Cray, 3 IBM

  static constexpr DataRep from_bytes(std::uint8_t b0, std::uint8_t b1) noexcept {
    return DataRep{(b0 & 0xf0) != 0, (b0 & 0x0f) == 1, b1};
  }
  // The label push writes: little-endian, ASCII, IEEE (0x10 0x00).
  static constexpr DataRep native() noexcept { return DataRep{}; }
  constexpr std::uint8_t byte0() const noexcept {
    return static_cast<std::uint8_t>((little_endian ? 0x10 : 0x00) | (ebcdic ? 1 : 0));
  }
};

// Bounds on one decode (one Pull and its sub-scopes). Every one is checked; the defaults are meant
// to be safe for data from an untrusted peer and still pass any real RPC message.
struct Limits {
  // Nesting of constructed types and pointees (Pull::Nest). Deep linked lists need depth.
  std::size_t max_depth = 1024;
  // Total bytes a decode may allocate, as charged by Pull::charge() and the array/string helpers.
  std::size_t max_alloc = std::size_t{64} << 20;
  // Reject nonzero padding bytes. Windows and Samba do not check padding, so it is off by default:
  // turning it on is for tests and fuzzing, not for talking to peers.
  bool strict_padding = false;
  // Full pointers that point back to an object still being decoded form a cycle, which
  // std::shared_ptr cannot free: refused (pointer_cycle) unless allowed here, in which case the
  // caller must break the cycles it receives.
  bool allow_pointer_cycles = false;
};

// The wire forms of a character string (C706 14.3.4 and pidl's LIBNDR_FLAG_STR_* flags), combined
// as bits. Counts are 32-bit in NDR20 and 64-bit in NDR64.
enum StrForm : std::uint8_t {
  kStrSize = 1,      // a maximum count precedes the characters
  kStrLen = 2,       // an offset (always 0) and an actual count precede the characters
  kStrNoterm = 4,    // no NUL terminator is sent (push adds none, pull requires none)
  kStrNullterm = 8,  // no counts at all: the characters run to the first NUL (pidl STR_NULLTERM)
};
// [string] T *p, and [string] T a[] of a conformant struct: max count, offset, actual count.
inline constexpr std::uint8_t kStrConformantVarying = kStrSize | kStrLen;
// [string] T a[N] (a fixed array): offset and actual count only; N bounds the actual count.
inline constexpr std::uint8_t kStrVarying = kStrLen;

// The passes of the two-pass walk (runtime/ndr/README.md): generated push/pull functions take a
// combination. A top-level value or a pointee is walked with both at once.
enum Pass : std::uint8_t {
  kScalars = 1,  // the fixed part: scalars, referent ids, embedded structs and unions
  kBuffers = 2,  // the deferred part: pointees of the pointers the scalars pass wrote
  kScalarsAndBuffers = 3,
};

// pidl [flag()] bits that change how the engine itself behaves, for a scope (save with flags(),
// set, restore). The other pidl flags are decided by generated code.
enum Flag : std::uint32_t {
  kFlagNoAlign = 1,    // NDR_NOALIGN: align() does nothing
  kFlagBigEndian = 2,  // NDR_BIG_ENDIAN: integers in this scope are big-endian (push and pull)
  kFlagLittleEndian = 4,  // NDR_LITTLE_ENDIAN: integers in this scope are little-endian even in a
                          // big-endian stream (pidl's epm_tower); overrides kFlagBigEndian
};

}  // namespace nca::ndr
