#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "nca/net/loop.h"
#include "nca/net/stream.h"
#include "net_test_util.h"

using namespace nca::net;
using nca::net::test::require_clean_close;

TEST_CASE("loop_defer_runs_later_in_order", "[loop]") {
  Loop loop;
  std::vector<int> order;
  loop.defer([&] {
    order.push_back(1);
    loop.defer([&] { order.push_back(3); });
  });
  loop.defer([&] { order.push_back(2); });
  CHECK(order.empty());  // never inside the call
  loop.run();
  CHECK(order == std::vector<int>{1, 2, 3});
  require_clean_close(loop);
}

TEST_CASE("loop_post_from_another_thread", "[loop]") {
  Loop loop;
  loop.keep_alive(true);
  std::atomic<int> ran{0};
  std::thread::id where;
  std::thread poster([&] {
    for (int i = 0; i < 100; ++i) loop.post([&] { ++ran; });
    loop.post([&] {
      where = std::this_thread::get_id();
      loop.keep_alive(false);
    });
  });
  loop.run();
  poster.join();
  CHECK(ran == 100);
  CHECK(where == std::this_thread::get_id());
  require_clean_close(loop);
}

TEST_CASE("loop_timer_one_shot_and_repeating", "[loop]") {
  Loop loop;
  int once_count = 0;
  int again_count = 0;
  {
    Timer once(loop);
    Timer again(loop);
    once.start(5, [&] { ++once_count; });
    again.start_repeating(1, 1, [&] {
      if (++again_count == 3) again.stop();
    });
    loop.run();
    CHECK(!once.active());
  }
  CHECK(once_count == 1);
  CHECK(again_count == 3);
  require_clean_close(loop);
}

TEST_CASE("loop_timer_stopped_never_fires", "[loop]") {
  Loop loop;
  int fired = 0;
  {
    Timer t(loop);
    t.start(1, [&] { ++fired; });
    t.stop();
    Timer u(loop);
    u.start(1, [&] { ++fired; });
  }  // destroyed while pending
  loop.run();
  CHECK(fired == 0);
  require_clean_close(loop);
}

TEST_CASE("loop_close_reports_open_objects", "[loop]") {
  Loop loop;
  auto pair = memory_stream_pair(loop);
  Status s = loop.close();
  CHECK(s == Errc::busy);
  CHECK(loop.open_count() == 2);
  pair.first.reset();
  pair.second.reset();
  require_clean_close(loop);
}

TEST_CASE("loop_run_until_gives_up_when_out_of_work", "[loop]") {
  Loop loop;
  CHECK(!loop.run_until([] { return false; }));
  bool flag = false;
  loop.defer([&] { flag = true; });
  CHECK(loop.run_until([&] { return flag; }));
  CHECK(!loop.run_until([] { return false; }, 5));  // times out
  require_clean_close(loop);
}

TEST_CASE("loop_run_until_stops_when_a_timer_makes_it_true", "[loop]") {
  // The condition turns true in the timer phase, before the poll: run_until must not then block
  // in poll while another handle (a read that never completes) keeps the loop alive.
  Loop loop;
  {
    auto [a, b] = memory_stream_pair(loop);
    auto sp = stream_socketpair(loop);
    REQUIRE(sp.ok());
    std::uint8_t byte;
    REQUIRE(sp.value().first->read({&byte, 1}, [](Status) {}).ok());
    bool fired = false;
    Timer t(loop);
    t.start(1, [&] { fired = true; });
    CHECK(loop.run_until([&] { return fired; }));
  }
  require_clean_close(loop);
}
