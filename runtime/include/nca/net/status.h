// Status and Result: how nca::net reports expected failures (as values, never exceptions).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "nca/base/require.h"

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

// Either a T or a failed Status. Accessing value() of a failed Result is a bug (NCA_REQUIRE).
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status error) : v_(error) { NCA_REQUIRE(!error.ok(), "a Result error must not be ok"); }
  Result(Errc code, int sys_code = 0, const char* detail = nullptr)
      : Result(Status(code, sys_code, detail)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  Status status() const { return ok() ? Status() : std::get<1>(v_); }

  T& value() & {
    NCA_REQUIRE(ok(), status().message());
    return std::get<0>(v_);
  }
  const T& value() const& {
    NCA_REQUIRE(ok(), status().message());
    return std::get<0>(v_);
  }
  T&& value() && {
    NCA_REQUIRE(ok(), status().message());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace nca::net
