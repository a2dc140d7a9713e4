// Status and Result: how nca::net reports expected failures (as values, never exceptions).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "nca/base/require.h"
#include "nca/base/result.h"

namespace nca::net {

// What went wrong, as far as a caller needs to branch on it. The operating system's (libuv's)
// code is kept beside it in Status::sys_code() for logs and rare special cases.
enum class Errc : std::uint8_t {
  ok = 0,
  cancelled,         // the handle was closed (disconnect, destruction) while the operation waited
  eof,               // the peer closed its end cleanly, at a boundary (no partial data pending)
  truncated,         // the peer closed its end in the middle of a read or PDU
  not_connected,     // the stream or datagram was already disconnected
  busy,              // an operation of the same kind is already outstanding (one at a time)
  invalid_argument,  // a caller mistake detected at start: bad address, wrong family, empty buffer
  name_too_long,     // a unix socket path that does not fit sockaddr_un
  pdu_too_large,     // a PDU whose declared length exceeds the caller's maximum
  pdu_malformed,     // a PDU whose declared length is impossible (smaller than its header)
  system,            // any other error from the operating system; see sys_code()
};

// A cheap value: an Errc, the libuv error code it came from (negative errno, 0 if none) and an
// optional static detail string. message() builds the text for logs on demand.
class Status {
 public:
  constexpr Status() = default;
  constexpr Status(Errc code, int sys_code = 0, const char* detail = nullptr)
      : code_(code), sys_code_(sys_code), detail_(detail) {}

  // Maps a libuv result (0 or a negative UV_E* code) to a Status: UV_ECANCELED is
  // Errc::cancelled, UV_EOF Errc::eof, UV_ENAMETOOLONG Errc::name_too_long, UV_EINVAL
  // Errc::invalid_argument, UV_ENOTCONN Errc::not_connected, UV_EBUSY Errc::busy, the rest system.
  static Status from_uv(int uv_code, const char* detail = nullptr);

  constexpr bool ok() const { return code_ == Errc::ok; }
  constexpr explicit operator bool() const { return ok(); }
  constexpr Errc code() const { return code_; }
  constexpr int sys_code() const { return sys_code_; }
  constexpr const char* detail() const { return detail_; }
  std::string message() const;

  friend constexpr bool operator==(const Status& s, Errc e) { return s.code_ == e; }

 private:
  Errc code_ = Errc::ok;
  int sys_code_ = 0;
  const char* detail_ = nullptr;
};

const char* to_string(Errc code);

}  // namespace nca::net

// A net::Result never holds an ok Status, and a failed value() prints the status's message.
template <>
struct nca::base::ResultErrorTraits<nca::net::Status> {
  static void check(const nca::net::Status& s) { NCA_REQUIRE(!s.ok(), "a Result error must not be ok"); }
  static std::string describe(const nca::net::Status& s) { return s.message(); }
};

namespace nca::net {

// Either a T or a failed Status (`return Errc::eof;` makes the Status in place); status() is the
// error, or an ok Status when the Result holds a value.
template <class T>
using Result = base::Result<T, Status>;

}  // namespace nca::net
