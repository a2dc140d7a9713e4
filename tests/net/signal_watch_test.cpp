// SignalWatch: the callback runs once on the loop at the first watched signal, never inside the
// constructor; the watch then stops by itself so run() returns; destroying it first means the
// callback never runs. SIGUSR1/SIGUSR2, raised in this process while a watch holds them (their
// default action would end the process otherwise).
#include <catch2/catch.hpp>

#include <csignal>

#include "nca/net/loop.h"
#include "nca/net/signal_watch.h"
#include "net_test_util.h"

using namespace nca::net;
using nca::net::test::require_clean_close;

TEST_CASE("signal_watch_runs_once_at_the_first_signal_then_lets_the_loop_end", "[loop]") {
  Loop loop;
  int runs = 0;
  {
    SignalWatch watch(loop, {SIGUSR1, SIGUSR2}, [&] { ++runs; });
    std::raise(SIGUSR2);
    CHECK(runs == 0);  // delivered through the loop, not inside raise()
    CHECK_FALSE(watch.fired());
    loop.run();  // returns: the watch stopped watching after the signal
    CHECK(runs == 1);
    CHECK(watch.fired());
  }
  require_clean_close(loop);
}

TEST_CASE("signal_watch_destroyed_before_a_signal_never_runs", "[loop]") {
  Loop loop;
  int runs = 0;
  {
    SignalWatch watch(loop, {SIGUSR1}, [&] { ++runs; });
    CHECK(loop.open_count() > 0);  // it keeps the loop alive while it watches
  }
  loop.run();
  CHECK(runs == 0);
  require_clean_close(loop);
}
