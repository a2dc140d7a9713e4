// Executor: where completions run. nca::rpc never runs a completion inside the call that started
// it (libuv's rule); it posts it to the executor of the handle or server that owns the call. The
// connection-oriented engine adapts nca::net's loop to this interface; tests use ManualExecutor.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <utility>

#include "nca/rpc/clock.h"
#include "nca/rpc/function.h"

namespace nca::rpc {

// An Executor is the Clock its timers run on (now(): see clock.h).
class Executor : public Clock {
 public:
  using TimerId = uint64_t;  // never 0

  virtual ~Executor() = default;

  // Runs `task` once, later, on the executor's thread; never inside post(). Tasks run in the order
  // they were posted. A task still queued when the executor is destroyed is destroyed unrun.
  // Thread: the executor's own thread only (no locking anywhere in nca::rpc).
  virtual void post(UniqueFunction<void()> task) = 0;

  // Runs `task` once after `delay` (never inside start_timer, even for a zero delay), unless
  // cancel_timer(id) is called first.
  virtual TimerId start_timer(Duration delay, UniqueFunction<void()> task) = 0;
  // After this returns the timer's task never runs. Unknown, fired or cancelled ids are ignored.
  virtual void cancel_timer(TimerId id) = 0;
};

// A single-threaded executor driven by hand, with a fake clock: for tests and for synchronous
// wrappers that want to run "the loop" until a call completes.
class ManualExecutor final : public Executor {
 public:
  void post(UniqueFunction<void()> task) override;
  TimerId start_timer(Duration delay, UniqueFunction<void()> task) override;
  void cancel_timer(TimerId id) override;

  // Runs posted tasks, including those they post, until none is queued. Returns how many ran.
  size_t run();
  // Moves the clock forward by `d`, firing due timers in deadline order (equal deadlines in start
  // order) and running posted tasks after each. Returns how many tasks and timers ran.
  size_t advance(Duration d);

  Duration now() const override { return now_; }
  size_t queued() const { return tasks_.size(); }
  size_t timers() const { return timers_.size(); }
  bool idle() const { return tasks_.empty() && timers_.empty(); }

 private:
  Duration now_{0};
  TimerId next_timer_ = 1;
  std::deque<UniqueFunction<void()>> tasks_;
  // Ordered by (deadline, id): ids grow, so equal deadlines fire in start order.
  std::map<std::pair<Duration, TimerId>, UniqueFunction<void()>> timers_;
  std::map<TimerId, Duration> deadline_of_;
};

}  // namespace nca::rpc
