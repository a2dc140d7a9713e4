// Benchmark of generated NDR code (not of the engine alone: see ndr_bench for that):
//  (a) benchgen::lsa_TransNameArray, 1,000 lsa_TranslatedName with a UTF-16 string each;
//  (b) rpcecho::echo_EchoData's request, a 64 KiB byte array.
// Push and pull are reported as MB/s and ns per element, against memcpy of the same bytes in the
// same run, and against Samba's library timed through its Python bindings
// (bench_generated_samba.py, Python overhead measured on a one-byte type subtracted).
//
//   bench_generated_ndr [--no-samba]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench_generated_types.h"
#include "nca/ndr/ndr.h"
#include "rpcecho_types.h"

namespace {

template <class F>
double ns_per_call(F&& f, double min_seconds = 0.3) {
  using clock = std::chrono::steady_clock;
  for (long n = 1;; n *= 2) {
    auto t0 = clock::now();
    for (long i = 0; i < n; ++i) f();
    double s = std::chrono::duration<double>(clock::now() - t0).count();
    if (s >= min_seconds) return s / n * 1e9;
  }
}

volatile std::size_t g_sink;

struct Row {
  const char* name;
  double ns;
  std::size_t bytes, elements;
};

void report(const Row& r, double memcpy_ns, double samba_ns) {
  std::printf("%-12s %10.0f ns  %8.1f MB/s  %7.1f ns/elem  %6.2fx memcpy", r.name, r.ns,
              r.bytes / r.ns * 1e3, r.ns / r.elements, r.ns / memcpy_ns);
  if (samba_ns > 0) std::printf("  Samba %10.0f ns  %6.1fx faster", samba_ns, samba_ns / r.ns);
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  bool samba = !(argc > 1 && std::strcmp(argv[1], "--no-samba") == 0);
  constexpr int kNames = 1000;

  benchgen::lsa_TransNameArray a;
  a.count = kNames;
  auto& names = a.names.emplace();
  names.resize(kNames);
  for (int i = 0; i < kNames; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "user%05d", i);
    names[i].sid_type = benchgen::SID_NAME_USER;
    names[i].name.string = std::string(buf);
    names[i].name.length = names[i].name.size = 18;
    names[i].sid_index = static_cast<std::uint32_t>(i);
  }
  rpcecho::echo_EchoData b;
  b.in.len = 65536;
  b.in.in_data.resize(65536);
  for (std::size_t i = 0; i < b.in.in_data.size(); ++i) b.in.in_data[i] = static_cast<std::uint8_t>(i);

  nca::ndr::Push pa, pb;
  push(pa, nca::ndr::kScalarsAndBuffers, a);
  rpcecho::push_in(pb, b);
  if (!pa.ok() || !pb.ok()) {
    std::fprintf(stderr, "push failed\n");
    return 1;
  }
  std::vector<std::uint8_t> wa = pa.to_vector(), wb = pb.to_vector();

  Row rows[4] = {
      {"a push", ns_per_call([&] {
         pa.clear();
         push(pa, nca::ndr::kScalarsAndBuffers, a);
         g_sink = pa.size();
       }), wa.size(), kNames},
      {"a pull", ns_per_call([&] {
         benchgen::lsa_TransNameArray v;
         nca::ndr::Pull p(wa);
         pull(p, nca::ndr::kScalarsAndBuffers, v);
         g_sink = v.count;
       }), wa.size(), kNames},
      {"b push", ns_per_call([&] {
         pb.clear();
         rpcecho::push_in(pb, b);
         g_sink = pb.size();
       }), wb.size(), 65536},
      {"b pull", ns_per_call([&] {
         rpcecho::echo_EchoData v;
         nca::ndr::Pull p(wb);
         rpcecho::pull_in(p, v);
         g_sink = v.in.in_data.size();
       }), wb.size(), 65536},
  };
  // Baselines: memcpy of the same number of bytes (into a fresh vector, as a pull allocates).
  double memcpy_a = ns_per_call([&] {
    std::vector<std::uint8_t> c(wa.size());
    std::memcpy(c.data(), wa.data(), wa.size());
    g_sink = c[wa.size() / 2];
  });
  double memcpy_b = ns_per_call([&] {
    std::vector<std::uint8_t> c(wb.size());
    std::memcpy(c.data(), wb.data(), wb.size());
    g_sink = c[wb.size() / 2];
  });

  double samba_ns[4] = {0, 0, 0, 0};
  if (samba) {
    std::string cmd = std::string("/usr/bin/python3 ") + BENCH_SAMBA_SCRIPT + " " + std::to_string(kNames);
    if (FILE* f = popen(cmd.c_str(), "r")) {
      char name[32];
      double ns;
      std::size_t bytes;
      while (std::fscanf(f, "%31s %lf %zu", name, &ns, &bytes) == 3) {
        std::string n = name;
        int k = n == "a_push" ? 0 : n == "a_pull" ? 1 : n == "b_push" ? 2 : n == "b_pull" ? 3 : -1;
        if (k >= 0) samba_ns[k] = ns;
        if (k == 0 && bytes != wa.size()) std::printf("note: Samba's (a) is %zu bytes, ours %zu\n", bytes, wa.size());
        if (k == 2 && bytes != wb.size()) std::printf("note: Samba's (b) is %zu bytes, ours %zu\n", bytes, wb.size());
      }
      pclose(f);
    }
  }
  std::printf("(a) struct with %d small structs and a string each: %zu bytes; memcpy %.0f ns\n", kNames,
              wa.size(), memcpy_a);
  report(rows[0], memcpy_a, samba_ns[0]);
  report(rows[1], memcpy_a, samba_ns[1]);
  std::printf("(b) 64 KiB byte array: %zu bytes; memcpy %.0f ns\n", wb.size(), memcpy_b);
  report(rows[2], memcpy_b, samba_ns[2]);
  report(rows[3], memcpy_b, samba_ns[3]);
  return 0;
}
