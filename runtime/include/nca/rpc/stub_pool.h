// StubPool: stub buffers kept for reuse between the calls of one connection (client) or of one
// server thread. For protocol engines (the cn engine uses one per client handle and one per
// Server); header-only.
//
// Why: a large call allocates its reassembly buffer and frees its reply's stub once written. Left
// to malloc, buffers of 64 KiB and more are mmapped or trimmed back to the kernel when freed,
// so every large call takes its page faults again (on this project's VMs a 1 MiB call spent
// most of its CPU time faulting its buffers in). The stub of a PDU that has been written is
// exactly the memory the next call's reassembly needs: it is kept here and handed out again.
//
// Bounds: at most `max_bytes` of capacity is kept (default 8 MiB); a buffer that would not fit
// is freed. Buffers under kMinKept bytes are not kept (malloc serves those well).
//
// Threading: one thread (the loop's).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "nca/rpc/status.h"

namespace nca::rpc {

class StubPool {
 public:
  static constexpr size_t kMinKept = 16 * 1024;

  explicit StubPool(size_t max_bytes = 8 * 1024 * 1024) : max_bytes_(max_bytes) {}

  // An empty buffer with capacity for at least `wanted` bytes: for kMinKept bytes or more, a
  // kept one when one is big enough (the smallest such); else a new reservation.
  Bytes take(size_t wanted) {
    Bytes out;
    if (wanted < kMinKept) {
      out.reserve(wanted);
      return out;
    }
    size_t best = kept_.size();
    for (size_t i = 0; i < kept_.size(); ++i)
      if (kept_[i].capacity() >= wanted && (best == kept_.size() || kept_[i].capacity() < kept_[best].capacity()))
        best = i;
    if (best != kept_.size()) {
      out = std::move(kept_[best]);
      kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(best));
      bytes_ -= out.capacity();
      out.clear();
    }
    out.reserve(wanted);
    return out;
  }

  // Keeps `buf`'s memory for a later take(), if the pool has room for it.
  void give(Bytes&& buf) {
    size_t cap = buf.capacity();
    if (cap < kMinKept || cap > max_bytes_) return;
    // Room is made by dropping the smallest kept buffers first: large ones are the costly kind.
    while (bytes_ + cap > max_bytes_ && !kept_.empty()) {
      size_t smallest = 0;
      for (size_t i = 1; i < kept_.size(); ++i)
        if (kept_[i].capacity() < kept_[smallest].capacity()) smallest = i;
      if (kept_[smallest].capacity() >= cap) return;  // what is kept is worth more
      bytes_ -= kept_[smallest].capacity();
      kept_.erase(kept_.begin() + static_cast<std::ptrdiff_t>(smallest));
    }
    bytes_ += cap;
    kept_.push_back(std::move(buf));
  }

  size_t kept_bytes() const { return bytes_; }

 private:
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::vector<Bytes> kept_;
};

}  // namespace nca::rpc
