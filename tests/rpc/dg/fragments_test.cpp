// Reassembly and Transmission (runtime/rpc/dg/fragments.h) on their own.
#include <catch2/catch.hpp>

#include "fragments.h"

using namespace nca::rpc;
using namespace nca::rpc::dg;
using namespace nca::rpc::dg::detail;

TEST_CASE("dg_reassembly_out_of_order_with_duplicates") {
  Reassembly r(1000);
  Bytes a{1, 2}, b{3}, c{4, 5, 6};
  CHECK(r.add(2, true, c) == Reassembly::Added::added);
  CHECK(r.highest_in_order() == 0xffff);  // fragment 0 missing
  CHECK(r.selack() == std::vector<uint32_t>{0x4});  // fragment 2 = bit 2 beyond fragnum 0xffff
  CHECK(r.add(0, false, a) == Reassembly::Added::added);
  CHECK(r.highest_in_order() == 0);
  CHECK(r.selack() == std::vector<uint32_t>{0x2});  // fragment 2 = bit 1 beyond fragment 0
  CHECK(r.add(0, false, a) == Reassembly::Added::duplicate);
  CHECK(!r.complete());
  CHECK(r.add(1, false, b) == Reassembly::Added::added);
  REQUIRE(r.complete());
  CHECK(r.take() == Bytes{1, 2, 3, 4, 5, 6});
  CHECK(r.bytes() == 0);
}

TEST_CASE("dg_reassembly_limits_and_inconsistent_last") {
  Reassembly r(4);
  Bytes three{1, 2, 3};
  CHECK(r.add(0, false, three) == Reassembly::Added::added);
  CHECK(r.add(1, false, three) == Reassembly::Added::too_large);
  CHECK(r.add(5, true, Bytes{}) == Reassembly::Added::added);
  CHECK(r.add(6, false, Bytes{}) == Reassembly::Added::inconsistent);  // beyond the last
  CHECK(r.add(4, true, Bytes{}) == Reassembly::Added::inconsistent);   // a second last
}

TEST_CASE("dg_transmission_window_grows_and_halves") {
  Bytes stub(100);
  Transmission t(stub, 10, 8);
  REQUIRE(t.count() == 10);
  auto first = t.next_burst();
  CHECK(first == std::vector<uint16_t>{0, 1});  // slow start: two
  CHECK(t.next_burst().empty());                // window full
  CHECK(t.on_fack(1, nullptr));                 // both arrived
  CHECK(t.window() == 4);                       // slow start: +1 per fragment acknowledged
  CHECK(t.next_burst() == std::vector<uint16_t>{2, 3, 4, 5});
  // Fragment 2 lost, 3 and 4 arrived (5 still in flight): the fack says so, 2 goes again.
  FackBody f;
  f.window_size = 8;
  f.selack = {0x6};  // bits 1, 2 beyond fragnum 1: fragments 3 and 4
  CHECK(t.on_fack(1, &f));
  CHECK(t.acked(3));
  CHECK(t.acked(4));
  auto again = t.next_burst();
  REQUIRE(!again.empty());
  CHECK(again.front() == 2);
  uint16_t w = t.window();
  t.on_timeout();
  CHECK(t.window() == std::max<uint16_t>(1, w / 2));
}

TEST_CASE("dg_transmission_empty_stub_is_one_fragment") {
  Transmission t(Bytes{}, 100, 4);
  CHECK(t.count() == 1);
  CHECK(!t.fragmented());
  CHECK(t.next_burst() == std::vector<uint16_t>{0});
  t.ack_all();
  CHECK(t.all_acked());
}
