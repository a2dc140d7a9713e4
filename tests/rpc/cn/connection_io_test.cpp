// The engines' private I/O pieces (runtime/rpc/cn): FragmentReader, which reads whatever has
// arrived into one buffer and hands out whole fragments, and StubPool, which keeps written stubs
// for the next reassembly. Over memory streams, each test with its own loop.
#include <catch2/catch.hpp>

#include <memory>
#include <vector>

#include "connection_io.h"
#include "nca/net/loop.h"
#include "nca/net/stream.h"
#include "nca/net/sync.h"
#include "nca/rpc/stub_pool.h"

using namespace nca;
using namespace nca::rpc::cn;

namespace {

// A fragment of `length` bytes: a CO header (version 5.0, little-endian) with call_id `id`,
// then a body of bytes derived from the id.
std::vector<uint8_t> fragment(uint16_t length, uint32_t id) {
  std::vector<uint8_t> f(length);
  f[0] = 5;
  f[2] = uint8_t(PduType::request);
  f[3] = kPfcFirstFrag | kPfcLastFrag;
  f[4] = 0x10;
  f[8] = uint8_t(length);
  f[9] = uint8_t(length >> 8);
  for (int i = 0; i < 4; ++i) f[12 + i] = uint8_t(id >> (8 * i));
  for (size_t i = kHeaderSize; i < length; ++i) f[i] = uint8_t(id * 31 + i);
  return f;
}

struct Sink final : detail::FragmentSink {
  std::vector<std::vector<uint8_t>> got;
  size_t pause_after = SIZE_MAX;  // on_fragment returns false after this many
  uint16_t refuse_longer_than = UINT16_MAX;
  int refused = 0;
  int ended = 0;
  net::Status end;
  bool inside_start = false;
  bool delivered_inside_start = false;

  bool accept_header(const Header& h) override { return h.frag_length <= refuse_longer_than; }
  void on_refused(const Header&) override { ++refused; }
  bool on_fragment(std::span<uint8_t> f) override {
    if (inside_start) delivered_inside_start = true;
    got.emplace_back(f.begin(), f.end());
    return got.size() != pause_after;
  }
  void on_read_end(net::Status st) override {
    ++ended;
    end = st;
  }
};

void write_all(net::Loop& loop, net::Stream& s, const std::vector<uint8_t>& bytes) {
  (void)loop;
  REQUIRE(net::sync::write_all(s, bytes).ok());
}

}  // namespace

TEST_CASE("fragment_reader_hands_out_many_fragments_of_one_read_in_order", "[cn]") {
  net::Loop loop;
  {
    auto [a, b] = net::memory_stream_pair(loop);
    Sink sink;
    detail::FragmentReader reader(*b, sink);
    std::vector<uint8_t> all;
    std::vector<std::vector<uint8_t>> sent;
    for (uint32_t i = 0; i < 200; ++i) {
      sent.push_back(fragment(uint16_t(16 + (i * 37) % 300), i));
      all.insert(all.end(), sent.back().begin(), sent.back().end());
    }
    REQUIRE(reader.start().ok());
    write_all(loop, *a, all);  // 200 fragments, ~32 KiB, in one write
    REQUIRE(loop.run_until([&] { return sink.got.size() == 200; }, 5000));
    CHECK(sink.got == sent);
    a.reset();
    REQUIRE(loop.run_until([&] { return sink.ended == 1; }, 5000));
    CHECK(sink.end == net::Errc::eof);  // at a fragment boundary
  }
  loop.run();
}

TEST_CASE("fragment_reader_joins_fragments_split_anywhere_and_grows_for_large_ones", "[cn]") {
  net::Loop loop;
  {
    auto [a, b] = net::memory_stream_pair(loop);
    Sink sink;
    detail::FragmentReader reader(*b, sink);
    REQUIRE(reader.start().ok());
    // Larger than the reader's first buffer, then small ones; sent 7 bytes at a time so that
    // headers and bodies are split across reads.
    std::vector<std::vector<uint8_t>> sent = {fragment(60000, 1), fragment(17, 2), fragment(65535, 3),
                                              fragment(16, 4)};
    std::vector<uint8_t> all;
    for (auto& f : sent) all.insert(all.end(), f.begin(), f.end());
    for (size_t at = 0; at < all.size(); at += 7) {
      std::vector<uint8_t> piece(all.begin() + at, all.begin() + std::min(all.size(), at + 7));
      write_all(loop, *a, piece);
      loop.run_until([] { return false; }, 0);
    }
    REQUIRE(loop.run_until([&] { return sink.got.size() == 4; }, 5000));
    CHECK(sink.got == sent);
  }
  loop.run();
}

TEST_CASE("fragment_reader_resumes_with_buffered_fragments_from_the_loop", "[cn]") {
  net::Loop loop;
  {
    auto [a, b] = net::memory_stream_pair(loop);
    Sink sink;
    sink.pause_after = 3;
    detail::FragmentReader reader(*b, sink);
    REQUIRE(reader.start().ok());
    std::vector<uint8_t> all;
    for (uint32_t i = 0; i < 10; ++i) {
      auto f = fragment(100, i);
      all.insert(all.end(), f.begin(), f.end());
    }
    write_all(loop, *a, all);
    REQUIRE(loop.run_until([&] { return sink.got.size() == 3; }, 5000));
    loop.run_until([] { return false; }, 20);
    CHECK(sink.got.size() == 3);  // paused: nothing more is delivered
    sink.pause_after = SIZE_MAX;
    sink.inside_start = true;
    REQUIRE(reader.start().ok());
    sink.inside_start = false;
    CHECK_FALSE(sink.delivered_inside_start);
    REQUIRE(loop.run_until([&] { return sink.got.size() == 10; }, 5000));
    for (uint32_t i = 0; i < 10; ++i) CHECK(sink.got[i] == fragment(100, i));
  }
  loop.run();
}

TEST_CASE("fragment_reader_ends_truncated_inside_a_fragment_and_refuses_by_header", "[cn]") {
  net::Loop loop;
  {
    SECTION("truncated") {
      auto [a, b] = net::memory_stream_pair(loop);
      Sink sink;
      detail::FragmentReader reader(*b, sink);
      REQUIRE(reader.start().ok());
      auto f = fragment(1000, 7);
      f.resize(600);
      write_all(loop, *a, f);
      a.reset();
      REQUIRE(loop.run_until([&] { return sink.ended == 1; }, 5000));
      CHECK(sink.end == net::Errc::truncated);
      CHECK(sink.got.empty());
    }
    SECTION("refused") {
      auto [a, b] = net::memory_stream_pair(loop);
      Sink sink;
      sink.refuse_longer_than = 5000;
      detail::FragmentReader reader(*b, sink);
      REQUIRE(reader.start().ok());
      auto ok = fragment(100, 1);
      auto big = fragment(6000, 2);
      std::vector<uint8_t> all(ok);
      all.insert(all.end(), big.begin(), big.begin() + kHeaderSize);  // its body never comes
      write_all(loop, *a, all);
      REQUIRE(loop.run_until([&] { return sink.refused == 1; }, 5000));
      CHECK(sink.got.size() == 1);
      CHECK(sink.ended == 0);
    }
  }
  loop.run();
}

TEST_CASE("stub_pool_reuses_written_stubs_within_its_bound", "[cn]") {
  rpc::StubPool pool(3 * 1024 * 1024);
  rpc::Bytes big(1024 * 1024, 1);
  const uint8_t* memory = big.data();
  pool.give(std::move(big));
  CHECK(pool.kept_bytes() >= 1024 * 1024);
  // A small request is not served from the pool; a large one gets the kept memory, empty.
  rpc::Bytes small = pool.take(100);
  CHECK(small.empty());
  CHECK(pool.kept_bytes() >= 1024 * 1024);
  rpc::Bytes again = pool.take(512 * 1024);
  CHECK(again.empty());
  CHECK(again.data() == memory);
  CHECK(again.capacity() >= 1024 * 1024);
  CHECK(pool.kept_bytes() == 0);
  // Never more than the bound is kept: a buffer beyond it is freed, and smaller kept ones
  // make room for a larger one.
  pool.give(rpc::Bytes(4 * 1024 * 1024));
  CHECK(pool.kept_bytes() == 0);
  pool.give(rpc::Bytes(1024 * 1024));
  pool.give(rpc::Bytes(1024 * 1024));
  pool.give(rpc::Bytes(2 * 1024 * 1024));
  CHECK(pool.kept_bytes() <= 3 * 1024 * 1024);
  CHECK(pool.take(2 * 1024 * 1024).capacity() >= 2 * 1024 * 1024);
  // Buffers below the pool's floor are left to malloc.
  pool.give(rpc::Bytes(100));
  CHECK(pool.kept_bytes() <= 1024 * 1024);
}
