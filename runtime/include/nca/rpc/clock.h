// Time as the engines see it: a monotonic count of milliseconds from an arbitrary start. Every
// Executor is a Clock (the time its timers are measured in), so an engine that needs "now" for
// its own state (retransmission, idle connections, a handshake's age) asks the executor it was
// given, and a test drives it by hand with ManualExecutor (or a ManualClock alone for a state
// machine that takes no timers). Threading: the owner's thread.
#pragma once

#include <chrono>

namespace nca::rpc {

class Clock {
 public:
  using Duration = std::chrono::milliseconds;
  virtual ~Clock() = default;
  // Monotonic: never goes back.
  virtual Duration now() const = 0;
};

// A clock moved by hand.
class ManualClock final : public Clock {
 public:
  Duration now() const override { return now_; }
  void advance(Duration d) { now_ += d; }

 private:
  Duration now_{0};
};

}  // namespace nca::rpc
