// CallStats: the four counters of C706's rpc_mgmt_inq_stats (what the management interface's
// inq_stats reports), in their wire order. The ServerCore owns one; its protocol engines count
// the calls and packets they receive and send, and client handles given a pointer to it
// (cn::ClientConfig::stats) count the calls the process initiates.
//
// Threading: any thread (relaxed atomics: each counter is exact, the four are not a snapshot).
// The counters wrap at 2^32, as the wire's unsigned32 and Windows' counters do.
#pragma once

#include <atomic>
#include <cstdint>

namespace nca::rpc {

struct CallStats {
  std::atomic<uint32_t> calls_in{0};   // rpc_c_stats_calls_in: calls received and dispatched
  std::atomic<uint32_t> calls_out{0};  // rpc_c_stats_calls_out: calls this process initiated
  std::atomic<uint32_t> pkts_in{0};    // rpc_c_stats_pkts_in: PDUs (fragments) received
  std::atomic<uint32_t> pkts_out{0};   // rpc_c_stats_pkts_out: PDUs (fragments) sent

  static void count(std::atomic<uint32_t>& counter, uint32_t n = 1) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
};

// Counts into `stats` when it is not null (the engines' hooks are optional).
inline void count_if(CallStats* stats, std::atomic<uint32_t> CallStats::*counter, uint32_t n = 1) {
  if (stats) CallStats::count(stats->*counter, n);
}

}  // namespace nca::rpc
