#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "nca/net/stream_queue.h"
#include "nca/net/sync.h"
#include "net_test_util.h"

using namespace nca::net;
using namespace nca::net::test;

TEST_CASE("write_queue_serialises_many_writers", "[queue]") {
  auto transport = GENERATE(Transport::memory, Transport::socketpair);
  INFO("transport " << name(transport));
  Loop loop;
  {
    auto [a, b] = make_pair_of(loop, transport);
    WriteQueue writes(*a);
    constexpr int kPdus = 50;
    std::vector<int> completed;
    std::vector<std::vector<std::uint8_t>> sent;
    for (int i = 0; i < kPdus; ++i) {
      sent.push_back(make_pdu(16 + static_cast<std::size_t>(i) * 97, static_cast<std::uint8_t>(i)));
      writes.write(Bytes::copy_of(sent.back()), [&completed, i](Status s) {
        CHECK(s.ok());
        completed.push_back(i);
      });
    }
    CHECK(writes.length() == kPdus);
    CHECK(completed.empty());  // never inside the call
    ReadQueue reads(*b);
    std::vector<Bytes> got;
    for (int i = 0; i < kPdus; ++i) {
      reads.read_pdu(65536, [&got](Status s, Bytes pdu) {
        CHECK(s.ok());
        got.push_back(std::move(pdu));
      });
    }
    loop.run_until([&] { return got.size() == kPdus && completed.size() == kPdus; }, 10000);
    REQUIRE(got.size() == kPdus);
    for (int i = 0; i < kPdus; ++i) {
      CHECK(completed[i] == i);
      REQUIRE(got[i].size() == sent[i].size());
      CHECK(std::memcmp(got[i].data(), sent[i].data(), sent[i].size()) == 0);
    }
    CHECK(writes.length() == 0);
    CHECK(reads.length() == 0);
  }
  require_clean_close(loop);
}

TEST_CASE("read_queue_mixes_readv_and_read_pdu", "[queue]") {
  Loop loop;
  {
    auto [a, b] = memory_stream_pair(loop);
    ReadQueue reads(*b);
    std::uint8_t prefix[4];
    std::vector<std::string> order;
    reads.readv({MutableBuffer(prefix)}, [&](Status s) { CHECK(s.ok()); order.push_back("prefix"); });
    reads.read_pdu(4096, [&](Status s, Bytes pdu) {
      CHECK(s.ok());
      CHECK(pdu.size() == 33);
      order.push_back("pdu");
    });
    auto pdu = make_pdu(33, 5);
    std::vector<std::uint8_t> wire = {'n', 'c', 'a', '!'};
    wire.insert(wire.end(), pdu.begin(), pdu.end());
    REQUIRE(sync::write_all(*a, wire).ok());
    loop.run_until([&] { return order.size() == 2; }, 5000);
    CHECK(order == std::vector<std::string>{"prefix", "pdu"});
    CHECK(std::memcmp(prefix, "nca!", 4) == 0);
  }
  require_clean_close(loop);
}

TEST_CASE("queue_destroyed_cancels_what_has_not_started", "[queue]") {
  Loop loop;
  {
    auto [a, b] = memory_stream_pair(loop);
    std::vector<Status> results;
    {
      ReadQueue reads(*b);
      for (int i = 0; i < 3; ++i) {
        reads.read_pdu(4096, [&](Status s, Bytes) { results.push_back(s); });
      }
    }
    CHECK(results.empty());  // deferred, never inside the destructor
    loop.run_until([&] { return results.size() == 2; }, 5000);
    REQUIRE(results.size() == 2);
    CHECK(results[0] == Errc::cancelled);
    CHECK(results[1] == Errc::cancelled);
    // The first one is in flight on the stream: it ends when the stream does.
    REQUIRE(sync::disconnect(*b).ok());
    REQUIRE(results.size() == 3);
    CHECK(results[2] == Errc::cancelled);
  }
  require_clean_close(loop);
}

TEST_CASE("queued_writes_after_disconnect_fail_not_connected", "[queue]") {
  Loop loop;
  {
    auto [a, b] = memory_stream_pair(loop);
    WriteQueue writes(*a);
    REQUIRE(sync::disconnect(*a).ok());
    std::vector<Status> results;
    writes.write(Bytes::copy_of(make_pdu(16, 0)), [&](Status s) { results.push_back(s); });
    writes.write(Bytes::copy_of(make_pdu(16, 0)), [&](Status s) { results.push_back(s); });
    CHECK(results.empty());
    loop.run_until([&] { return results.size() == 2; }, 5000);
    REQUIRE(results.size() == 2);
    CHECK(results[0] == Errc::not_connected);
    CHECK(results[1] == Errc::not_connected);
  }
  require_clean_close(loop);
}
