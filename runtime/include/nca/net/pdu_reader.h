// Reading whole PDUs from a Stream: the generic next-vector reader (Samba's
// tstream_readv_pdu) and the DCE/RPC connection-oriented reader built on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nca/net/buffer.h"
#include "nca/net/callback.h"
#include "nca/net/status.h"
#include "nca/net/stream.h"

namespace nca::net {

// Supplies the buffers to read next. Called once when the read starts, then each time the
// buffers it gave are full. It appends to `out` (empty on entry); leaving `out` empty ends the
// read with ok; returning an error ends it with that error. The buffers must stay valid until
// the next call or the completion.
using NextVector = Callback<Status(std::vector<MutableBuffer>& out)>;

// Reads as next directs, then runs done exactly once (never inside this call). Uses the stream's
// read slot throughout. Start errors (the first next() failing or returning nothing, the stream
// busy or disconnected) are returned and done never runs. Errc::eof when the peer closed before
// the first byte; Errc::truncated when it closed after some.
Status readv_pdu(Stream& stream, NextVector next, IoCallback done);

// The DCE/RPC connection-oriented common header (C706 12.6.3).
inline constexpr std::size_t kCoHeaderSize = 16;
inline constexpr std::size_t kCoFragLengthOffset = 8;
inline constexpr std::uint8_t kDrepLittleEndian = 0x10;  // in drep[0], header byte 4

// frag_length of a CO header: little- or big-endian per drep[0]. Errc::pdu_malformed if below
// 16, Errc::pdu_too_large if above max_size.
Result<std::size_t> co_frag_length(ConstBuffer header, std::size_t max_size);

// Reads one whole CO PDU (header and body) into one buffer of exactly frag_length bytes: the body
// goes straight from the socket into its final place (no intermediate copy). The callback runs
// once with ok and the PDU, or an error and an empty Bytes: Errc::eof at a clean PDU boundary,
// Errc::truncated inside a PDU, Errc::pdu_too_large / Errc::pdu_malformed for a bad
// frag_length (nothing beyond the header is read or allocated then).
using PduCallback = Callback<void(Status, Bytes)>;
Status read_pdu(Stream& stream, std::size_t max_size, PduCallback cb);

}  // namespace nca::net
