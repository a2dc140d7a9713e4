// ManualExecutor keeps the Executor contract the handles rely on.
#include <catch2/catch.hpp>

#include <string>

#include "nca/rpc/executor.h"

using namespace nca::rpc;
using namespace std::chrono_literals;

TEST_CASE("executor_posts_run_later_in_order", "[rpc][executor]") {
  ManualExecutor ex;
  std::string trace;
  ex.post([&] {
    trace += 'a';
    ex.post([&] { trace += 'c'; });  // posted from a task: runs in the same run()
  });
  ex.post([&] { trace += 'b'; });
  CHECK(trace.empty());
  CHECK(ex.run() == 3);
  CHECK(trace == "abc");
  CHECK(ex.idle());
}

TEST_CASE("executor_timers_fire_by_deadline_and_cancel", "[rpc][executor]") {
  ManualExecutor ex;
  std::string trace;
  ex.start_timer(20ms, [&] { trace += '2'; });
  auto cancelled = ex.start_timer(10ms, [&] { trace += 'x'; });
  ex.start_timer(10ms, [&] { trace += '1'; });
  ex.start_timer(0ms, [&] { trace += '0'; });
  CHECK(trace.empty());  // not even the zero-delay timer fires inside start_timer or run()
  ex.run();
  CHECK(trace.empty());
  ex.cancel_timer(cancelled);
  ex.cancel_timer(cancelled);  // twice: ignored
  ex.cancel_timer(999);        // unknown: ignored
  ex.advance(10ms);
  CHECK(trace == "01");
  CHECK(ex.now() == 10ms);
  ex.advance(10ms);
  CHECK(trace == "012");
  CHECK(ex.idle());
}

TEST_CASE("executor_timer_tasks_may_post_and_start_timers", "[rpc][executor]") {
  ManualExecutor ex;
  std::string trace;
  ex.start_timer(5ms, [&] {
    trace += 't';
    ex.post([&] { trace += 'p'; });
    ex.start_timer(5ms, [&] { trace += 'u'; });
  });
  ex.advance(7ms);
  CHECK(trace == "tp");  // the posted task ran right after its timer
  ex.advance(2ms);
  CHECK(trace == "tp");
  ex.advance(1ms);
  CHECK(trace == "tpu");
}
