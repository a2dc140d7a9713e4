// 10,000 calls of mixed sizes and kinds through the simulated network with every fault at once
// (loss, duplication, reordering by delay, truncation, corruption, each up to 30%), under the
// manual clock: every call gets exactly one answer, every at-most-once call runs exactly once,
// and two runs with the same seed are identical.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>

#include "sim.h"

using namespace dgtest;

namespace {

struct Summary {
  uint64_t calls = 0, answers = 0, wrong = 0, failed = 0, once_runs_ok = 0, idempotent_runs = 0;
  uint64_t packets = 0, duplicates = 0;
  Ms end{0};
  bool operator==(const Summary&) const = default;
};

Summary run_mixed(uint64_t seed, size_t calls, Faults faults) {
  dgd::ServerEngineConfig cfg;
  cfg.max_request_size = 256 * 1024;
  World w(seed, cfg);
  w.net.faults = faults;
  w.net.trace = getenv("DG_TRACE") != nullptr;
  dgd::ClientEngineConfig ccfg;
  ccfg.initial_rto = Ms(200);
  ccfg.max_rto = Ms(3000);
  ccfg.comm_timeout = Ms(3600 * 1000);  // every call must finish: no giving up here
  for (int i = 0; i < 4; ++i) w.add_client(ccfg);

  std::mt19937_64 rng(seed * 7919);
  struct Expect {
    uint16_t opnum;
    uint32_t reply;
    int answers = 0;
    bool ok = false;
  };
  std::map<uint64_t, Expect> expect;
  Summary s;
  uint64_t next_tag = 1;
  size_t started = 0;
  // Up to 8 calls in flight per client; new ones start as others finish.
  std::vector<size_t> in_flight(w.clients.size(), 0);
  auto start_one = [&](size_t ci) {
    uint64_t tag = next_tag++;
    uint32_t size_class = uint32_t(rng() % 10);
    // Mostly small, some a few fragments, a few large (up to ~40 fragments).
    uint32_t req = size_class < 6 ? uint32_t(rng() % 200) : size_class < 9 ? uint32_t(rng() % 8000) : uint32_t(rng() % 50000);
    uint32_t rep = size_class < 6 ? uint32_t(rng() % 200) : size_class < 9 ? uint32_t(rng() % 8000) : uint32_t(rng() % 50000);
    uint32_t delay = rng() % 20 == 0 ? uint32_t(rng() % 3000) : 0;
    uint16_t opnum = rng() % 4 == 0 ? 1 : 0;
    expect[tag] = Expect{opnum, rep};
    dgd::ClientCallSpec spec;
    spec.interface = kTestIf;
    spec.opnum = opnum;
    if (opnum == 1) spec.flags1 = kFlagIdempotent;
    spec.stub = request_stub(tag, delay, rep, req);
    ++in_flight[ci];
    ++started;
    w.clients[ci]->engine->start(std::move(spec), [&, tag, ci](dgd::ClientOutcome o) {
      --in_flight[ci];
      Expect& e = expect[tag];
      ++e.answers;
      e.ok = o.status.ok() && o.stub == expected_reply(tag, e.reply);
      if (!e.ok)
        fprintf(stderr, "call %llu (opnum %u): %s\n", (unsigned long long)tag, e.opnum, to_string(o.status).c_str());
    });
  };
  while (true) {
    for (size_t ci = 0; ci < w.clients.size(); ++ci)
      while (in_flight[ci] < 8 && started < calls) start_one(ci);
    if (!w.step()) break;
  }
  s.calls = expect.size();
  for (auto& [tag, e] : expect) {
    s.answers += e.answers == 1 ? 1 : 0;
    if (e.answers == 1 && !e.ok) ++s.wrong;
    if (e.answers != 1) ++s.failed;
    int runs = w.service.executions.count(tag) ? w.service.executions[tag] : 0;
    if (e.opnum == 0 && runs == 1) ++s.once_runs_ok;
    if (e.opnum == 1) s.idempotent_runs += runs >= 1 ? 1 : 0;
  }
  s.packets = w.net.sent;
  s.duplicates = w.server->stats().duplicates;
  s.end = w.clock.now();
  return s;
}

}  // namespace

TEST_CASE("dg_fault_injection_10000_calls_exactly_once") {
  Faults f;
  f.loss = 0.3;
  f.duplicate = 0.3;
  f.truncate = 0.1;
  f.corrupt = 0.1;
  f.min_delay = Ms(1);
  f.max_delay = Ms(80);  // wide spread: datagrams overtake each other
  // DG_FI_SEED=N runs another seed (the default one is what CI checks).
  uint64_t seed = getenv("DG_FI_SEED") ? std::strtoull(getenv("DG_FI_SEED"), nullptr, 10) : 2026;
  Summary s = run_mixed(seed, 10000, f);
  CHECK(s.calls == 10000);
  CHECK(s.answers == 10000);  // exactly one answer per call
  CHECK(s.failed == 0);
  CHECK(s.wrong == 0);
  // exactly one execution per at-most-once call; every idempotent call ran (at least once)
  CHECK(s.once_runs_ok + s.idempotent_runs == 10000);
  CHECK(s.duplicates > 0);  // the injector did duplicate, and the server noticed
}

TEST_CASE("dg_fault_injection_is_deterministic") {
  Faults f;
  f.loss = 0.2;
  f.duplicate = 0.2;
  f.truncate = 0.05;
  f.corrupt = 0.05;
  f.max_delay = Ms(50);
  Summary a = run_mixed(77, 500, f);
  Summary b = run_mixed(77, 500, f);
  CHECK(a == b);
  CHECK(a.answers == 500);
  Summary c = run_mixed(78, 500, f);
  CHECK(c.packets != a.packets);  // another seed is another run
}
