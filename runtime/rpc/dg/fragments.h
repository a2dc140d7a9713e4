// The two halves of moving one fragmented PDU (a request or a response) over datagrams, shared
// by client and server (C706 10.2.3 "fragmentation" and 10.2.4 "flow control"):
//
//  - Reassembly collects the fragments of one PDU in any order, drops duplicates, bounds the
//    memory it holds, and describes what it has as a fack body (the highest in-order fragment and
//    a selective-ack bitmap of those received beyond it).
//  - Transmission cuts a stub into fragments and decides which to send: a congestion window
//    (in fragments) that starts at two, grows by one per fragment acknowledged (doubling per
//    round trip) up to the receiver's advertised window, and halves on a timeout; fragments a fack shows lost
//    (unacknowledged below one it acknowledged) are sent again.
//
// Both are plain values: no time, no I/O. Their owners (client call, server activity) decide when
// to ask them and put the fragments on the wire.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "nca/rpc/dg/pdu.h"

namespace nca::rpc::dg::detail {

class Reassembly {
 public:
  // `max_bytes`: the largest PDU accepted (stub bytes of all fragments together).
  explicit Reassembly(size_t max_bytes) : max_bytes_(max_bytes) {}

  enum class Added { added, duplicate, too_large, inconsistent };
  // One fragment: its number, whether its header says last fragment, its stub bytes. An
  // unfragmented PDU is fragment 0, last. `inconsistent`: a second, different last fragment, or
  // a fragment beyond the last one.
  Added add(uint16_t fragnum, bool last, ByteView stub);

  bool complete() const { return last_ && next_missing_ > *last_; }
  bool empty() const { return frags_.empty() && next_missing_ == 0; }
  size_t bytes() const { return bytes_; }
  // The whole stub, in order; the reassembly is empty afterwards. Precondition: complete().
  Bytes take();

  // The fack this state answers with: header fragnum = the highest fragment received in order
  // (0xffff when fragment 0 is missing) and the selective acks beyond it.
  uint16_t highest_in_order() const { return uint16_t(next_missing_ - 1); }
  std::vector<uint32_t> selack() const;

 private:
  size_t max_bytes_;
  size_t bytes_ = 0;
  uint32_t next_missing_ = 0;         // every fragment below it has arrived
  std::optional<uint32_t> last_;      // the number of the last fragment, once seen
  std::map<uint32_t, Bytes> frags_;   // arrived, including below next_missing_ until take()
};

class Transmission {
 public:
  // Cuts `stub` into fragments of at most `fragment_size` bytes (an empty stub is one empty
  // fragment). `window`: the receiver's window in fragments until a fack says otherwise.
  Transmission(Bytes stub, size_t fragment_size, uint16_t window);
  Transmission() = default;

  size_t count() const { return bounds_.size(); }
  bool fragmented() const { return count() > 1; }
  ByteView fragment(uint16_t n) const;
  bool acked(uint16_t n) const { return state_[n] == State::acked; }
  bool all_acked() const { return acked_count_ == count(); }
  bool all_sent() const;  // every fragment sent at least once

  // The fragments to send now, lowest first: unsent (or found lost) ones while fewer than the
  // congestion window are in flight. The caller sends them and asks for a fack on the last.
  std::vector<uint16_t> next_burst();
  // A fack (or a nocall's fack body): fragments 0..fragnum and the selacked ones arrived. Those
  // sent but unacknowledged below the highest acknowledged are marked lost. Returns whether it
  // acknowledged anything new.
  bool on_fack(uint16_t fragnum, const FackBody* body);
  // Whether a fack saying fragments 0..fragnum arrived in order contradicts what earlier facks
  // acknowledged: the receiver has forgotten fragments (it dropped a stalled reassembly), and
  // only restart() can get them to it again.
  bool contradicts(uint16_t fragnum) const;
  // Everything the peer has: stops sending (a response arriving acknowledges the request).
  void ack_all();
  // Nothing heard for a retransmission timeout: every fragment in flight is presumed lost and
  // the window halves (at least 1).
  void on_timeout();
  // The peer has forgotten the PDU (nocall without a body): send everything again.
  void restart();

  uint16_t window() const { return cwnd_; }

 private:
  enum class State : uint8_t { unsent, in_flight, acked };
  void mark(uint32_t n);
  Bytes stub_;
  std::vector<std::pair<size_t, size_t>> bounds_;  // [begin, end) of each fragment in stub_
  std::vector<State> state_;
  size_t acked_count_ = 0;
  size_t in_flight_ = 0;
  uint16_t peer_window_ = 1;
  uint16_t cwnd_ = 1;
};

}  // namespace nca::rpc::dg::detail
