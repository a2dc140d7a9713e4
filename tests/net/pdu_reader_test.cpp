// The PDU readers: DCE/RPC CO framing and the generic next-vector form.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "nca/net/pdu_reader.h"
#include "nca/net/sync.h"
#include "net_test_util.h"

using namespace nca::net;
using namespace nca::net::test;

TEST_CASE("co_frag_length_reads_either_byte_order", "[pdu]") {
  auto le = make_pdu(0x0234, 0, true);
  auto be = make_pdu(0x0234, 0, false);
  CHECK(le[8] == 0x34);
  CHECK(be[8] == 0x02);
  CHECK(co_frag_length(ConstBuffer(le.data(), 16), 4096).value() == 0x234);
  CHECK(co_frag_length(ConstBuffer(be.data(), 16), 4096).value() == 0x234);
  CHECK(co_frag_length(ConstBuffer(le.data(), 16), 0x233).status() == Errc::pdu_too_large);
  le[8] = 15;
  le[9] = 0;
  CHECK(co_frag_length(ConstBuffer(le.data(), 16), 4096).status() == Errc::pdu_malformed);
}

TEST_CASE("read_pdu_contract", "[pdu]") {
  auto transport = GENERATE(Transport::memory, Transport::socketpair, Transport::tcp);
  INFO("transport " << name(transport));
  Loop loop;

  SECTION("reads_that_straddle_pdu_boundaries") {
    auto [a, b] = make_pair_of(loop, transport);
    // Three PDUs (one header-only, one big-endian) sent as one byte stream cut at awkward places:
    // inside a header, inside frag_length, inside a body, and across PDU boundaries.
    std::vector<std::vector<std::uint8_t>> pdus = {make_pdu(16, 1), make_pdu(1000, 2, false),
                                                   make_pdu(70000 % 65536, 3)};
    std::vector<std::uint8_t> wire;
    for (auto& p : pdus) wire.insert(wire.end(), p.begin(), p.end());
    std::vector<std::size_t> cuts = {3, 9, 17, 30, 1000, 1017, 1020, 1030, wire.size()};
    std::vector<Bytes> got;
    std::vector<Status> statuses;
    std::function<void()> next_read = [&] {
      REQUIRE(read_pdu(*b, 65536, [&](Status s, Bytes pdu) {
        statuses.push_back(s);
        if (s.ok()) got.push_back(std::move(pdu));
        if (s.ok() && got.size() < pdus.size()) next_read();
      }).ok());
    };
    next_read();
    std::size_t from = 0;
    for (std::size_t cut : cuts) {
      REQUIRE(sync::write_all(*a, ConstBuffer(wire.data() + from, cut - from)).ok());
      from = cut;
      loop.run_until([] { return false; }, 2);  // let the reader see each piece on its own
    }
    loop.run_until([&] { return got.size() == pdus.size(); }, 5000);
    REQUIRE(got.size() == pdus.size());
    for (std::size_t i = 0; i < pdus.size(); ++i) {
      REQUIRE(got[i].size() == pdus[i].size());
      CHECK(std::memcmp(got[i].data(), pdus[i].data(), pdus[i].size()) == 0);
    }
  }

  SECTION("peer_closing_mid_pdu_is_truncated") {
    auto [a, b] = make_pair_of(loop, transport);
    auto pdu = make_pdu(100, 9);
    REQUIRE(sync::write_all(*a, ConstBuffer(pdu.data(), 40)).ok());
    REQUIRE(sync::disconnect(*a).ok());
    auto r = sync::read_pdu(*b, 4096);
    CHECK(r.status() == Errc::truncated);
  }

  SECTION("peer_closing_mid_header_is_truncated") {
    auto [a, b] = make_pair_of(loop, transport);
    auto pdu = make_pdu(100, 9);
    REQUIRE(sync::write_all(*a, ConstBuffer(pdu.data(), 5)).ok());
    REQUIRE(sync::disconnect(*a).ok());
    CHECK(sync::read_pdu(*b, 4096).status() == Errc::truncated);
  }

  SECTION("peer_closing_between_pdus_is_eof") {
    auto [a, b] = make_pair_of(loop, transport);
    auto pdu = make_pdu(64, 4);
    REQUIRE(sync::write_all(*a, pdu).ok());
    REQUIRE(sync::disconnect(*a).ok());
    auto first = sync::read_pdu(*b, 4096);
    REQUIRE(first.ok());
    CHECK(first->size() == 64);
    CHECK(sync::read_pdu(*b, 4096).status() == Errc::eof);
  }

  SECTION("pdu_larger_than_the_maximum_is_refused_after_the_header") {
    auto [a, b] = make_pair_of(loop, transport);
    auto big = make_pdu(5000, 1);
    auto small = make_pdu(20, 2);
    REQUIRE(sync::write_all(*a, big).ok());
    auto r = sync::read_pdu(*b, 4999);
    CHECK(r.status() == Errc::pdu_too_large);
    // Only the header was consumed: the body is still there to be read (or the stream dropped).
    std::vector<std::uint8_t> rest(5000 - 16);
    REQUIRE(sync::read_all(*b, rest).ok());
    CHECK(std::memcmp(rest.data(), big.data() + 16, rest.size()) == 0);
    REQUIRE(sync::write_all(*a, small).ok());
    CHECK(sync::read_pdu(*b, 4999).ok());
  }

  SECTION("frag_length_below_the_header_is_malformed") {
    auto [a, b] = make_pair_of(loop, transport);
    auto pdu = make_pdu(16, 0);
    pdu[8] = 10;
    REQUIRE(sync::write_all(*a, pdu).ok());
    CHECK(sync::read_pdu(*b, 4096).status() == Errc::pdu_malformed);
  }

  SECTION("read_pdu_while_a_read_is_outstanding_is_busy") {
    auto [a, b] = make_pair_of(loop, transport);
    int calls = 0;
    REQUIRE(read_pdu(*b, 4096, [&](Status s, Bytes) { ++calls; CHECK(s == Errc::cancelled); }).ok());
    CHECK(read_pdu(*b, 4096, [&](Status, Bytes) { ++calls; }) == Errc::busy);
    REQUIRE(sync::disconnect(*b).ok());
    CHECK(calls == 1);
  }

  require_clean_close(loop);
}

TEST_CASE("readv_pdu_generic_next_vector", "[pdu]") {
  // A different framing through the same machinery: a 1-byte length, then that many bytes,
  // repeated until a zero length.
  Loop loop;
  {
    auto [a, b] = memory_stream_pair(loop);
    std::uint8_t len = 0;
    std::vector<std::string> records;
    std::string current;
    int phase = 0;  // 0: read a length; 1: read a body
    int calls_to_next = 0;
    auto next = [&](std::vector<MutableBuffer>& out) -> Status {
      ++calls_to_next;
      if (phase == 1) records.push_back(current);
      if (phase == 0 && calls_to_next > 1 && len == 0) return Status();  // terminator read
      if (phase == 0 && calls_to_next > 1) {
        current.assign(len, '\0');
        out.emplace_back(reinterpret_cast<std::uint8_t*>(current.data()), len);
        phase = 1;
        return Status();
      }
      phase = 0;
      out.emplace_back(&len, 1);
      return Status();
    };
    Status result(Errc::busy);
    REQUIRE(readv_pdu(*b, next, [&](Status s) { result = s; }).ok());
    std::vector<std::uint8_t> wire = {3, 'a', 'b', 'c', 1, 'z', 0};
    REQUIRE(sync::write_all(*a, wire).ok());
    loop.run_until([&] { return result != Errc::busy; }, 5000);
    CHECK(result.ok());
    CHECK(records == std::vector<std::string>{"abc", "z"});
  }
  require_clean_close(loop);
}

TEST_CASE("readv_pdu_next_vector_error_ends_the_read", "[pdu]") {
  Loop loop;
  {
    auto [a, b] = memory_stream_pair(loop);
    std::uint8_t byte;
    int calls = 0;
    Status result;
    auto next = [&](std::vector<MutableBuffer>& out) -> Status {
      if (calls++ == 0) {
        out.emplace_back(&byte, 1);
        return Status();
      }
      return Status(Errc::pdu_malformed, 0, "test says no");
    };
    int done = 0;
    REQUIRE(readv_pdu(*b, next, [&](Status s) { ++done; result = s; }).ok());
    REQUIRE(sync::write_all(*a, ConstBuffer(&byte, 1)).ok());
    loop.run_until([&] { return done == 1; }, 5000);
    CHECK(done == 1);
    CHECK(result == Errc::pdu_malformed);
    // A next vector that gives nothing at the start is a caller mistake.
    CHECK(readv_pdu(*b, [](std::vector<MutableBuffer>&) { return Status(); }, [](Status) {}) ==
          Errc::invalid_argument);
  }
  require_clean_close(loop);
}
