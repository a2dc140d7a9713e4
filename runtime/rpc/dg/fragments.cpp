#include "fragments.h"

#include <algorithm>

#include "nca/base/require.h"

namespace nca::rpc::dg::detail {

// ---- Reassembly -------------------------------------------------------------------------------

Reassembly::Added Reassembly::add(uint16_t fragnum, bool last, ByteView stub) {
  const uint32_t n = fragnum;
  if (last) {
    if (last_ && *last_ != n) return Added::inconsistent;
    if (!frags_.empty() && frags_.rbegin()->first > n) return Added::inconsistent;
  } else if (last_ && n >= *last_) {
    return Added::inconsistent;
  }
  if (n < next_missing_ || frags_.count(n)) return Added::duplicate;
  if (stub.size() > max_bytes_ - bytes_) return Added::too_large;
  if (last) last_ = n;
  frags_.emplace(n, Bytes(stub.begin(), stub.end()));
  bytes_ += stub.size();
  while (frags_.count(next_missing_)) ++next_missing_;
  return Added::added;
}

Bytes Reassembly::take() {
  NCA_REQUIRE(complete());
  Bytes out;
  if (frags_.size() == 1) {
    out = std::move(frags_.begin()->second);
  } else {
    out.reserve(bytes_);
    for (auto& [n, b] : frags_) out.insert(out.end(), b.begin(), b.end());
  }
  frags_.clear();
  bytes_ = 0;
  next_missing_ = 0;
  last_.reset();
  return out;
}

std::vector<uint32_t> Reassembly::selack() const {
  std::vector<uint32_t> bits;
  for (auto it = frags_.upper_bound(next_missing_); it != frags_.end(); ++it) {
    // Bit k acknowledges fragment highest_in_order() + 1 + k (pdu.h); bit 0 is next_missing_
    // itself, missing by definition, as C706's layout has it.
    uint32_t off = it->first - next_missing_;
    size_t word = off / 32;
    if (word >= 8) break;  // at most 256 fragments beyond: plenty for any window we advertise
    if (bits.size() <= word) bits.resize(word + 1, 0);
    bits[word] |= 1u << (off % 32);
  }
  return bits;
}

// ---- Transmission -----------------------------------------------------------------------------

Transmission::Transmission(Bytes stub, size_t fragment_size, uint16_t window)
    : stub_(std::move(stub)), peer_window_(std::max<uint16_t>(window, 1)) {
  NCA_REQUIRE(fragment_size > 0);
  size_t at = 0;
  do {
    size_t end = std::min(stub_.size(), at + fragment_size);
    bounds_.emplace_back(at, end);
    at = end;
  } while (at < stub_.size());
  state_.assign(bounds_.size(), State::unsent);
  // Slow start (C706 10.2.4): a few fragments at first, more as facks come back.
  cwnd_ = std::min<uint16_t>(peer_window_, 2);
}

ByteView Transmission::fragment(uint16_t n) const {
  auto [b, e] = bounds_[n];
  return ByteView(stub_).subspan(b, e - b);
}

bool Transmission::all_sent() const {
  return std::none_of(state_.begin(), state_.end(), [](State s) { return s == State::unsent; });
}

std::vector<uint16_t> Transmission::next_burst() {
  std::vector<uint16_t> out;
  for (size_t n = 0; n < state_.size() && in_flight_ < cwnd_; ++n) {
    if (state_[n] != State::unsent) continue;
    state_[n] = State::in_flight;
    ++in_flight_;
    out.push_back(uint16_t(n));
  }
  return out;
}

void Transmission::mark(uint32_t n) {
  if (n >= state_.size() || state_[n] == State::acked) return;
  if (state_[n] == State::in_flight) --in_flight_;
  state_[n] = State::acked;
  ++acked_count_;
}

bool Transmission::on_fack(uint16_t fragnum, const FackBody* body) {
  const size_t before = acked_count_;
  // fragnum 0xffff: fragment 0 has not arrived (nothing in order yet).
  uint32_t highest = fragnum == 0xffff ? 0 : uint32_t(fragnum) + 1;  // acked below this
  for (uint32_t n = 0; n < highest && n < state_.size(); ++n) mark(n);
  uint32_t top = highest;  // one past the highest fragment acknowledged
  if (body) {
    if (body->window_size != 0) peer_window_ = body->window_size;
    for (size_t w = 0; w < body->selack.size(); ++w)
      for (uint32_t i = 0; i < 32; ++i)
        if ((body->selack[w] >> i) & 1) {
          uint32_t n = uint32_t(uint16_t(fragnum + 1)) + uint32_t(w * 32 + i);
          if (n < state_.size()) {
            mark(n);
            top = std::max(top, n + 1);
          }
        }
  }
  // A fragment in flight below one acknowledged after it was sent is lost (datagrams overtake
  // each other rarely, and a wrong guess only costs a duplicate the receiver drops).
  for (uint32_t n = 0; n < top && n < state_.size(); ++n)
    if (state_[n] == State::in_flight) {
      state_[n] = State::unsent;
      --in_flight_;
    }
  const bool progress = acked_count_ > before;
  // Slow start: one more fragment per fragment acknowledged (the window doubles per round
  // trip) up to the receiver's window.
  if (progress) cwnd_ = uint16_t(std::min<size_t>(cwnd_ + (acked_count_ - before), peer_window_));
  cwnd_ = std::min(cwnd_, peer_window_);
  return progress;
}

bool Transmission::contradicts(uint16_t fragnum) const {
  const size_t in_order = fragnum == 0xffff ? 0 : size_t(fragnum) + 1;
  size_t prefix = 0;
  while (prefix < state_.size() && state_[prefix] == State::acked) ++prefix;
  return in_order < prefix;
}

void Transmission::ack_all() {
  for (uint32_t n = 0; n < state_.size(); ++n) mark(n);
}

void Transmission::on_timeout() {
  for (auto& s : state_)
    if (s == State::in_flight) s = State::unsent;
  in_flight_ = 0;
  cwnd_ = std::max<uint16_t>(1, cwnd_ / 2);
}

void Transmission::restart() {
  for (auto& s : state_) s = State::unsent;
  in_flight_ = 0;
  acked_count_ = 0;
  cwnd_ = std::max<uint16_t>(1, cwnd_ / 2);
}

}  // namespace nca::rpc::dg::detail
