// What only the in-memory pair does: bounded buffering (the rest of its contract is checked with
// the socket streams in stream_test.cpp).
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "nca/net/sync.h"
#include "net_test_util.h"

using namespace nca::net;
using namespace nca::net::test;

TEST_CASE("memory_write_beyond_capacity_waits_for_the_reader", "[memory]") {
  Loop loop;
  {
    auto [a, b] = memory_stream_pair(loop, 1000);
    std::vector<std::uint8_t> out(2500);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(i % 253);
    int wrote = 0;
    REQUIRE(a->write(out, [&](Status s) { CHECK(s.ok()); ++wrote; }).ok());
    loop.run_until([] { return false; }, 5);
    CHECK(wrote == 0);  // 1000 buffered, 1500 waiting
    CHECK(b->pending_bytes().value() == 2500);
    std::vector<std::uint8_t> in(2000);
    REQUIRE(sync::read_all(*b, in).ok());
    loop.run_until([] { return false; }, 5);
    CHECK(wrote == 1);  // the last 500 now fit
    std::vector<std::uint8_t> tail(500);
    REQUIRE(sync::read_all(*b, tail).ok());
    in.insert(in.end(), tail.begin(), tail.end());
    CHECK(in == out);
  }
  require_clean_close(loop);
}

TEST_CASE("memory_pair_addresses_are_empty", "[memory]") {
  Loop loop;
  {
    auto [a, b] = memory_stream_pair(loop);
    CHECK(a->local_address().empty());
    CHECK(b->remote_address().to_string() == "none");
    CHECK(&a->loop() == &loop);
  }
  require_clean_close(loop);
}
