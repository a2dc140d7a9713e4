// Tower decoding and endpoint-database lookups, each against a baseline measured in the same run:
//  - decode: Tower::decode of a 5-floor ncacn_ip_tcp tower against copying its octets into a
//    fresh vector (the least any decoder that keeps the data must do);
//  - lookup: a full ept_lookup walk (batches of 500) over N entries against copying the same N
//    entries out of a std::vector in batches of 500 (the copies a lookup hands back).
//   usage: epm_bench [iterations] [entries]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "nca/epm/database.h"

using namespace nca::epm;
using nca::rpc::Binding;

namespace {

template <class F>
double ns_per(long n, F f) {
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) f(i);
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() / double(n);
}

volatile size_t sink;

}  // namespace

int main(int argc, char** argv) {
  const long iterations = argc > 1 ? std::atol(argv[1]) : 200000;
  const int entries = argc > 2 ? std::atoi(argv[2]) : 10000;
  const nca::rpc::SyntaxId iface{nca::rpc::Uuid::from_literal("12345778-1234-abcd-ef00-0123456789ac"), 1, 0};
  const Tower tower = tower_from_binding(Binding::parse("ncacn_ip_tcp:10.0.0.1[49664]").value(), iface).value();
  const nca::rpc::Bytes octets = tower.encode();

  ns_per(iterations / 10, [&](long) { sink = Tower::decode(octets).ok(); });
  double copy = ns_per(iterations, [&](long) { sink = nca::rpc::Bytes(octets).size(); });
  double decode = ns_per(iterations, [&](long) { sink = Tower::decode(octets).ok(); });
  std::printf("tower decode   copy %8.1f ns   decode %8.1f ns   decode/copy %.2f\n", copy, decode, decode / copy);

  EndpointDatabase db(DatabaseLimits{size_t(entries) + 1, 500});
  std::vector<Entry> plain;
  for (int i = 0; i < entries; ++i) {
    Binding b;
    b.set_protseq(nca::rpc::Protseq::kNcacnIpTcp).set_host("10.0.0.1").set_endpoint(std::to_string(1024 + i % 60000));
    nca::rpc::SyntaxId id = iface;
    id.minor = uint16_t(i / 60000);
    plain.push_back(Entry{{}, tower_from_binding(b, id).value(), "svc"});
  }
  if (db.insert(plain, false) != kEptOk) return 1;
  const long walks = std::max(1L, iterations / entries);
  auto copy_all = [&](long) {
    // The same copies in the same batch sizes, without matching, liveness or cursor.
    size_t got = 0;
    for (size_t at = 0; at < plain.size(); at += 500) {
      std::vector<Entry> batch;
      for (size_t i = at; i < std::min(plain.size(), at + 500); ++i) batch.push_back(plain[i]);
      got += batch.size();
    }
    sink = got;
  };
  auto walk_all = [&](long) {
    auto c = db.begin_lookup({}, LookupEnd::kWindows);
    size_t got = 0;
    for (;;) {
      auto b = db.next(c, 500);
      got += b.entries.size();
      if (b.done) break;
    }
    sink = got;
  };
  ns_per(walks, copy_all);  // warm-up: the allocator's first growth is in neither measurement
  ns_per(walks, walk_all);
  double base = ns_per(walks, copy_all);
  double walk = ns_per(walks, walk_all);
  std::printf("lookup %6d   copy %10.0f ns   lookup walk %10.0f ns   walk/copy %.2f\n", entries, base, walk, walk / base);
  return 0;
}
