// The default read_some of Stream, for transports that only implement exact reads.
#include "nca/net/stream.h"

#include <algorithm>
#include <memory>

namespace nca::net {

Status Stream::read_some(MutableBuffer buf, ReadSomeCallback cb) {
  if (buf.empty()) return Status(Errc::invalid_argument, 0, "empty read");
  // What has arrived can be read without waiting; with nothing there, one byte is waited for.
  Result<std::size_t> pending = pending_bytes();
  if (!pending.ok()) return pending.status();
  std::size_t n = std::clamp<std::size_t>(pending.value(), 1, buf.size());
  return read({buf.data(), n}, [cb = std::move(cb), n](Status st) mutable { cb(st, st.ok() ? n : 0); });
}

}  // namespace nca::net
