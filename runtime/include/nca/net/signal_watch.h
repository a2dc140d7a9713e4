// SignalWatch: runs a callback on a Loop's thread when the process receives one of a set of
// signals (SIGINT and SIGTERM for a server that stops cleanly), so programs do not touch libuv's
// signal handles themselves.
//
// Contract: `on_signal` runs at most once, on the loop's thread, never inside the constructor,
// at the first of the watched signals to arrive; the watch then stops watching by itself, so the
// loop can end. Destroying the watch before that stops watching too, and `on_signal` never runs.
// While it watches, the watch keeps the loop's run() running (it is an active handle).
// Threading: the loop's thread only. The Loop must outlive the watch.
#pragma once

#include <initializer_list>

#include "nca/net/callback.h"
#include "nca/net/loop.h"

namespace nca::net {

class SignalWatch {
 public:
  SignalWatch(Loop& loop, std::initializer_list<int> signals, Callback<void()> on_signal);
  ~SignalWatch();
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

  // Whether the signal arrived (and on_signal ran).
  bool fired() const;

  struct Core;

 private:
  Core* core_;  // freed by the last of (this watch, the handles' close callbacks)
};

}  // namespace nca::net
