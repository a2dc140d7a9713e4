// Where the sec_trailer of a request, response or fault fragment goes (MS-RPCE 2.2.2.11,
// C706 13.2.6.1): after the stub, padded with auth_pad_length zero bytes so that stub plus
// padding is a multiple of 16, as Windows and Samba pad it (counted from the stub's start, not
// the fragment's). bind, alter_context, their answers and auth3 carry no padding (0).
#pragma once

#include <cstddef>
#include <cstdint>

namespace nca::rpc::auth {

inline constexpr size_t kAuthPadAlignment = 16;
inline constexpr size_t kSecTrailerSize = 8;  // auth_type .. auth_context_id

// auth_pad_length for a fragment carrying `stub_bytes` of stub data.
constexpr uint8_t auth_pad_length(size_t stub_bytes) {
  return uint8_t((kAuthPadAlignment - stub_bytes % kAuthPadAlignment) % kAuthPadAlignment);
}

// The stub bytes a protected fragment of at most `max_frag` bytes carries: what is left after
// the `head_size` header, the trailer and the `signature_size` verifier, rounded down to the
// padding alignment so that only the last fragment needs padding.
constexpr size_t protected_stub_per_fragment(size_t max_frag, size_t head_size,
                                             size_t signature_size) {
  size_t room = max_frag - head_size - kSecTrailerSize - signature_size;
  return room - room % kAuthPadAlignment;
}

}  // namespace nca::rpc::auth
