// The engines' clock (nca/rpc/clock.h): every Executor is one, the loop's executor measures its
// timers on it, and tests drive time by hand.
#include <catch2/catch.hpp>

#include <optional>

#include "nca/net/loop.h"
#include "nca/rpc/clock.h"
#include "nca/rpc/loop_executor.h"
#include "nca/rpc/executor.h"

using namespace nca;
using namespace std::chrono_literals;

TEST_CASE("cn_loop_executor_timers_run_on_its_clock", "[cn]") {
  net::Loop loop;
  rpc::LoopExecutor executor(loop);
  const rpc::Clock& clock = executor;
  rpc::Clock::Duration start = clock.now();
  std::optional<rpc::Clock::Duration> fired;
  executor.start_timer(30ms, [&] { fired = clock.now(); });
  REQUIRE(loop.run_until([&] { return fired.has_value(); }, 5000));
  CHECK(*fired - start >= 30ms);
  CHECK(loop.close().ok());
}

TEST_CASE("manual_clocks_move_only_by_hand", "[cn]") {
  rpc::ManualClock clock;
  CHECK(clock.now() == 0ms);
  clock.advance(250ms);
  CHECK(clock.now() == 250ms);

  rpc::ManualExecutor executor;
  const rpc::Clock& as_clock = executor;
  std::optional<rpc::Clock::Duration> fired;
  executor.start_timer(100ms, [&] { fired = as_clock.now(); });
  executor.advance(99ms);
  CHECK_FALSE(fired);
  executor.advance(1ms);
  REQUIRE(fired);
  CHECK(*fired == 100ms);
}
