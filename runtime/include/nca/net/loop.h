// Loop: the event loop one thread runs (it owns libuv's uv_loop_t), with deferred calls,
// cross-thread posts and timers. Every nca::net object lives on exactly one Loop and is used
// only from the thread that runs it; Loop::post is the one call that is safe from other threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <uv.h>

#include "nca/net/callback.h"
#include "nca/net/status.h"

namespace nca::net {

class Loop {
 public:
  // Creates the loop. Writing to a socket whose peer has gone raises SIGPIPE on POSIX systems;
  // the first Loop sets SIGPIPE to "ignore" when it is still at its default action so that such
  // writes fail with an error value instead of killing the process.
  Loop();
  // Closes the loop (see close()). Destroying a Loop that still has open handles or live
  // nca::net objects is a bug and aborts with the count.
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Runs until nothing is left that could produce an event (no active handle or request, no
  // deferred call) or until stop(). Must not be called from inside a callback of this loop.
  void run();
  // Runs until done() returns true; returns false if the loop ran out of work first (done() would
  // never become true). done() is checked before each iteration. Not reentrant, like run().
  bool run_until(const std::function<bool()>& done);
  // Like run_until, giving up after timeout_ms of loop time; returns done().
  bool run_until(const std::function<bool()>& done, std::uint64_t timeout_ms);
  // Makes the current run() / run_until() return after the current iteration.
  void stop();

  // Runs fn on this loop's thread in a later iteration, never inside the caller. Runs exactly
  // once, in the order of defer() calls; close() runs the ones still pending.
  void defer(Callback<void()> fn);
  // Thread-safe: runs fn on the loop's thread in a later iteration, exactly once (close() runs
  // the ones still pending). Does not by itself keep run() running; see keep_alive().
  void post(Callback<void()> fn);
  // Whether run() keeps waiting for post()s while nothing else is active (default false).
  void keep_alive(bool on);

  // Loop time in milliseconds (cached at the start of the iteration, as libuv does).
  std::uint64_t now_ms() const;

  // Finishes pending closes and deferred calls, then checks that nothing is left open: returns
  // Errc::busy (detail names what) while any handle or nca::net object of this loop is still
  // open; the loop stays usable then. Once it returns ok the loop is closed for good.
  Status close();
  // Handles (libuv's, other than the loop's own) plus nca::net objects not yet released.
  std::size_t open_count() const;

  // For implementations of nca::net objects (and future virtual streams), not for engines:
  // the libuv loop, and a count of live objects that close() checks.
  uv_loop_t* uv() { return &loop_; }
  void retain_object() { ++objects_; }
  void release_object() { --objects_; }
  bool in_run() const { return running_; }

 private:
  static void on_idle(uv_idle_t* idle);
  static void on_check(uv_check_t* check);
  void run_deferred_batch();
  static void on_async(uv_async_t* async);
  void drain_posts();

  uv_loop_t loop_;
  uv_idle_t idle_;    // started while deferred calls wait: it makes the next poll non-blocking
  // Runs deferred calls right after the poll phase, in the iteration that deferred them: a call
  // completed from an I/O callback (a write finished by uv_try_write) then costs no extra
  // zero-timeout poll.
  uv_check_t check_;
  uv_async_t async_;  // wakes the loop for post()
  // Runs before each poll during run_until: stops the loop once the condition holds, so a
  // condition made true by a timer or a deferred call never leaves the loop blocked in poll.
  uv_prepare_t prepare_;
  const std::function<bool()>* until_ = nullptr;
  std::vector<Callback<void()>> deferred_;
  std::mutex post_mutex_;
  std::vector<Callback<void()>> posted_;
  std::size_t objects_ = 0;
  bool running_ = false;
  bool closed_ = false;
};

// A timer on a Loop. The callback runs on the loop once per expiry, never inside start(), and
// never after stop() or destruction. Destroying the Timer closes its handle (the memory is
// released once libuv's close completes). Move-only.
class Timer {
 public:
  explicit Timer(Loop& loop);
  ~Timer();
  Timer(Timer&&) noexcept;
  Timer& operator=(Timer&&) noexcept;

  // One-shot after timeout_ms; replaces any earlier start.
  void start(std::uint64_t timeout_ms, Callback<void()> cb);
  // First after timeout_ms, then every repeat_ms (> 0) until stop().
  void start_repeating(std::uint64_t timeout_ms, std::uint64_t repeat_ms, Callback<void()> cb);
  void stop();
  bool active() const;

 private:
  struct Core;
  Core* core_;
};

}  // namespace nca::net
