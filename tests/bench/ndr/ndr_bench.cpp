// NDR push/pull speed, against memcpy of the same bytes and against Samba's own NDR library, all
// measured in this run.
//
//  (a) lsa_TransNameArray with 1,000 lsa_TranslatedName entries, each with an 8-character name:
//      a struct holding an array of small structs with a string each (lsa.idl, a public type so
//      Samba's library exports its push/pull functions).
//  (b) a 64 KiB byte array, as pidl's DATA_BLOB (uint3264 length + bytes).
//
// Samba: Debian's libndr-standard.so.0 / libndr.so.3 (Samba 4.17), loaded with dlopen and called
// through ndr_push_struct_blob / ndr_pull_struct_blob (a) and ndr_push_DATA_BLOB /
// ndr_pull_DATA_BLOB (b), the functions pidl-generated code and Samba's Python bindings use. The
// C structures below are the layouts of Samba's public headers (librpc/gen_ndr/lsa.h). Each run
// also checks that Samba's bytes equal ours, so both sides do the same work.
//
// Two kinds of ncarpc code are timed: the engine driven by hand-written code (tests/ndr/samples.h,
// "ncarpc ...") and the code ncaidl generates for bench_generated.idl, the same wire layouts
// ("generated ..."). Every figure is the best of 41 samples of wall time and, beside it, of
// process CPU time (the machine is shared: CPU time is what others' load disturbs least).
//
// Usage: ndr_bench [iterations-per-sample]   (prints one table; exit 1 if a check fails)
#include <dlfcn.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "bench_generated_types.h"
#include "rpcecho_types.h"
#include "samples.h"

using namespace nca::ndr;
using namespace samples;

namespace {

// --- Samba's C ABI (Samba 4.17) ------------------------------------------------------------------
struct SambaBlob {
  std::uint8_t* data;
  std::size_t length;
};
struct SambaLsaString {
  std::uint16_t length;
  std::uint16_t size;
  const char* string;
};
struct SambaTranslatedName {
  int sid_type;  // enum lsa_SidType
  SambaLsaString name;
  std::uint32_t sid_index;
};
struct SambaTransNameArray {
  std::uint32_t count;
  SambaTranslatedName* names;
};
constexpr int kSambaNdrScalars = 0x100;  // NDR_SCALARS in librpc/ndr/libndr.h

using PushFn = int (*)(void* ndr, int flags, const void* r);
using PullFn = int (*)(void* ndr, int flags, void* r);

struct Samba {
  void* talloc = nullptr;
  void* ndr = nullptr;
  void* standard = nullptr;
  void* (*talloc_named_const)(const void*, std::size_t, const char*) = nullptr;
  int (*talloc_free)(void*, const char*) = nullptr;
  int (*push_struct_blob)(SambaBlob*, void*, const void*, PushFn) = nullptr;
  int (*pull_struct_blob)(const SambaBlob*, void*, void*, PullFn) = nullptr;
  PushFn push_trans_names = nullptr;
  PullFn pull_trans_names = nullptr;
  void* (*push_init_ctx)(void*) = nullptr;
  void* (*pull_init_blob)(const SambaBlob*, void*) = nullptr;
  int (*push_data_blob)(void*, int, SambaBlob) = nullptr;
  int (*pull_data_blob)(void*, int, SambaBlob*) = nullptr;
  SambaBlob (*push_blob)(void*) = nullptr;

  bool load() {
    talloc = dlopen("libtalloc.so.2", RTLD_NOW);
    ndr = dlopen("libndr.so.3", RTLD_NOW);
    standard = dlopen("libndr-standard.so.0", RTLD_NOW);
    if (!talloc || !ndr || !standard) return false;
    auto sym = [](void* lib, const char* name, auto& fn) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
      return fn != nullptr;
    };
    return sym(talloc, "talloc_named_const", talloc_named_const) &&
           sym(talloc, "_talloc_free", talloc_free) &&
           sym(ndr, "ndr_push_struct_blob", push_struct_blob) &&
           sym(ndr, "ndr_pull_struct_blob", pull_struct_blob) &&
           sym(standard, "ndr_push_lsa_TransNameArray", push_trans_names) &&
           sym(standard, "ndr_pull_lsa_TransNameArray", pull_trans_names) &&
           sym(ndr, "ndr_push_init_ctx", push_init_ctx) &&
           sym(ndr, "ndr_pull_init_blob", pull_init_blob) &&
           sym(ndr, "ndr_push_DATA_BLOB", push_data_blob) &&
           sym(ndr, "ndr_pull_DATA_BLOB", pull_data_blob) && sym(ndr, "ndr_push_blob", push_blob);
  }
  void* ctx() { return talloc_named_const(nullptr, 0, "ndr_bench"); }
  void free(void* p) { talloc_free(p, "ndr_bench"); }
};

// --- timing --------------------------------------------------------------------------------------
std::uint64_t g_sink;  // results feed it so the optimiser cannot drop the work

double cpu_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

// The CPU-time figure of the last time_ns() call (best sample, ns per call).
double g_last_cpu_ns = 0;

// The fastest of `samples` runs of `iters` calls, in ns per call of wall time; the fastest
// sample's CPU time per call goes to g_last_cpu_ns. The machine is shared, so the minimum (the
// run least disturbed by others) is the most repeatable figure.
double time_ns(int iters, const std::function<void()>& fn, int samples = 41) {
  std::vector<double> t, cpu;
  fn();  // warm up
  for (int s = 0; s < samples; ++s) {
    double c0 = cpu_now_ns();
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) fn();
    auto t1 = std::chrono::steady_clock::now();
    cpu.push_back((cpu_now_ns() - c0) / iters);
    t.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / iters);
  }
  g_last_cpu_ns = *std::min_element(cpu.begin(), cpu.end());
  return *std::min_element(t.begin(), t.end());
}

// Ours and Samba's timed in alternating samples, so both see the same load on a shared machine:
// the median of the per-sample ratios (Samba / ours).
double paired_ratio(int iters, const std::function<void()>& ours,
                    const std::function<void()>& theirs, int samples = 41) {
  std::vector<double> ratios;
  auto once = [&](const std::function<void()>& fn) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  for (int s = 0; s < samples; ++s) {
    double a = once(ours);
    double b = once(theirs);
    ratios.push_back(b / a);
  }
  std::sort(ratios.begin(), ratios.end());
  return ratios[ratios.size() / 2];
}

struct Row {
  std::string what;
  double ns;
  double cpu_ns = g_last_cpu_ns;
};

void print_rows(const char* title, std::size_t bytes, std::size_t elements,
                const std::vector<Row>& rows, double memcpy_ns) {
  std::printf("\n%s: %zu bytes on the wire, %zu elements\n", title, bytes, elements);
  std::printf("  %-36s %10s %10s %9s %12s %9s\n", "", "ns/op", "CPU ns/op", "MB/s", "ns/element", "x memcpy");
  for (const auto& r : rows) {
    std::printf("  %-36s %10.0f %10.0f %9.0f %12.3f %9.2f\n", r.what.c_str(), r.ns, r.cpu_ns,
                bytes / r.ns * 1e3, r.ns / elements, r.ns / memcpy_ns);
  }
}

void print_ratio(const char* what, double samba, double ours) {
  std::printf("  %-44s %.1fx faster than Samba\n", what, samba / ours);
}

}  // namespace

int main(int argc, char** argv) {
  int iters = argc > 1 ? std::atoi(argv[1]) : 30;
  bool failed = false;
  Samba samba;
  bool have_samba = samba.load();
  if (!have_samba) std::printf("Samba's libndr could not be loaded: %s\n", dlerror());

  // ---------------------------------------------------------------------------------------------
  // (a) lsa_TransNameArray, 1,000 names.
  constexpr std::uint32_t kNames = 1000;
  TransNameArray arr;
  arr.count = kNames;
  arr.names.emplace();
  std::vector<std::string> texts;
  for (std::uint32_t i = 0; i < kNames; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "user%04u", i);
    texts.emplace_back(name);
    arr.names->push_back(TranslatedName{1, LsaString{16, 16, std::string(name)}, i});
  }
  Push wire;
  push(wire, kScalarsAndBuffers, arr);
  std::vector<std::uint8_t> bytes = wire.to_vector();
  std::vector<std::uint8_t> copy(bytes.size());

  std::vector<Row> rows;
  double memcpy_ns = time_ns(iters * 20, [&] {
    std::memcpy(copy.data(), bytes.data(), bytes.size());
    g_sink += copy[bytes.size() / 2];
  });
  rows.push_back({"memcpy of the same bytes", memcpy_ns});
  std::function<void()> push_ours_a = [&] {
    Push p;
    push(p, kScalarsAndBuffers, arr);
    g_sink += p.size();
  };
  double our_push = time_ns(iters, push_ours_a);
  rows.push_back({"ncarpc push (fresh Push)", our_push});
  Push reused;
  rows.push_back({"ncarpc push (reused Push)", time_ns(iters, [&] {
                    reused.clear();
                    push(reused, kScalarsAndBuffers, arr);
                    g_sink += reused.size();
                  })});
  std::function<void()> pull_ours_a = [&] {
    TransNameArray out;
    Pull p(bytes);
    pull(p, kScalarsAndBuffers, out);
    g_sink += out.names->size();
  };
  double our_pull = time_ns(iters, pull_ours_a);
  rows.push_back({"ncarpc pull", our_pull});
  {
    TransNameArray out;
    Pull p(bytes);
    pull(p, kScalarsAndBuffers, out);
    if (!p.ok() || !(out == arr)) {
      std::printf("CHECK FAILED: our pull of our push differs\n");
      failed = true;
    }
  }

  // The same value in the types ncaidl generates from bench_generated.idl.
  benchgen::lsa_TransNameArray garr;
  garr.count = kNames;
  auto& gnames = garr.names.emplace();
  gnames.resize(kNames);
  for (std::uint32_t i = 0; i < kNames; ++i) {
    gnames[i].sid_type = benchgen::SID_NAME_USER;
    gnames[i].name.string = texts[i];
    gnames[i].name.length = gnames[i].name.size = 16;
    gnames[i].sid_index = i;
  }
  {
    Push p;
    push(p, kScalarsAndBuffers, garr);
    if (!p.ok() || p.to_vector() != bytes) {
      std::printf("CHECK FAILED: generated push differs from the engine's bytes\n");
      failed = true;
    }
  }
  std::function<void()> push_gen_a = [&] {
    Push p;
    push(p, kScalarsAndBuffers, garr);
    g_sink += p.size();
  };
  double gen_push = time_ns(iters, push_gen_a);
  double gen_push_cpu = g_last_cpu_ns;
  rows.push_back({"generated push (fresh Push)", gen_push});
  rows.push_back({"generated push (reused Push)", time_ns(iters, [&] {
                    reused.clear();
                    push(reused, kScalarsAndBuffers, garr);
                    g_sink += reused.size();
                  })});
  std::function<void()> pull_gen_a = [&] {
    benchgen::lsa_TransNameArray out;
    Pull p(bytes);
    pull(p, kScalarsAndBuffers, out);
    g_sink += out.count;
  };
  double gen_pull = time_ns(iters, pull_gen_a);
  double gen_pull_cpu = g_last_cpu_ns;
  rows.push_back({"generated pull", gen_pull});
  {
    benchgen::lsa_TransNameArray out;
    Pull p(bytes);
    if (!pull(p, kScalarsAndBuffers, out) || !(out == garr)) {
      std::printf("CHECK FAILED: generated pull of the bytes differs\n");
      failed = true;
    }
  }

  double samba_push = 0, samba_pull = 0, samba_push_cpu = 0, samba_pull_cpu = 0;
  std::function<void()> push_samba_a, pull_samba_a;
  std::vector<SambaTranslatedName> snames(kNames);
  SambaTransNameArray sarr{kNames, snames.data()};
  SambaBlob in_a{bytes.data(), bytes.size()};
  if (have_samba) {
    for (std::uint32_t i = 0; i < kNames; ++i)
      snames[i] = SambaTranslatedName{1, SambaLsaString{16, 16, texts[i].c_str()}, i};
    {
      void* ctx = samba.ctx();
      SambaBlob blob{};
      int err = samba.push_struct_blob(&blob, ctx, &sarr, samba.push_trans_names);
      bool same = err == 0 && blob.length == bytes.size() &&
                  std::memcmp(blob.data, bytes.data(), bytes.size()) == 0;
      if (!same) {
        std::printf("CHECK FAILED: Samba's bytes differ from ours (err %d)\n", err);
        failed = true;
      }
      samba.free(ctx);
    }
    push_samba_a = [&] {
      void* ctx = samba.ctx();
      SambaBlob blob{};
      samba.push_struct_blob(&blob, ctx, &sarr, samba.push_trans_names);
      g_sink += blob.length;
      samba.free(ctx);
    };
    samba_push = time_ns(iters, push_samba_a);
    samba_push_cpu = g_last_cpu_ns;
    rows.push_back({"Samba 4.17 ndr_push_struct_blob", samba_push});
    pull_samba_a = [&] {
      void* ctx = samba.ctx();
      SambaTransNameArray out{};
      int err = samba.pull_struct_blob(&in_a, ctx, &out, samba.pull_trans_names);
      if (err != 0 || out.count != kNames) failed = true;
      g_sink += out.count;
      samba.free(ctx);
    };
    samba_pull = time_ns(iters, pull_samba_a);
    samba_pull_cpu = g_last_cpu_ns;
    rows.push_back({"Samba 4.17 ndr_pull_struct_blob", samba_pull});
  }
  print_rows("(a) lsa_TransNameArray, 1000 x lsa_TranslatedName", bytes.size(), kNames, rows,
             memcpy_ns);
  if (have_samba) {
    std::printf("  ncarpc vs Samba (best times): push %.1fx faster, pull %.1fx faster\n",
                samba_push / our_push, samba_pull / our_pull);
    std::printf("  ncarpc vs Samba (median of paired samples): push %.1fx faster, pull %.1fx faster\n",
                paired_ratio(iters, push_ours_a, push_samba_a),
                paired_ratio(iters, pull_ours_a, pull_samba_a));
    print_ratio("generated push (best wall time)", samba_push, gen_push);
    print_ratio("generated push (best CPU time, fresh Push)", samba_push_cpu, gen_push_cpu);
    print_ratio("generated push (median of paired samples)", paired_ratio(iters, push_gen_a, push_samba_a), 1);
    print_ratio("generated pull (best wall time)", samba_pull, gen_pull);
    print_ratio("generated pull (best CPU time)", samba_pull_cpu, gen_pull_cpu);
    print_ratio("generated pull (median of paired samples)", paired_ratio(iters, pull_gen_a, pull_samba_a), 1);
  }

  // ---------------------------------------------------------------------------------------------
  // (b) 64 KiB byte array (DATA_BLOB).
  constexpr std::size_t kBlob = 64 * 1024;
  DataBlob blob;
  blob.data.resize(kBlob);
  for (std::size_t i = 0; i < kBlob; ++i) blob.data[i] = static_cast<std::uint8_t>(i * 7);
  Push bw;
  bw.data_blob(blob);
  std::vector<std::uint8_t> bbytes = bw.to_vector();
  std::vector<std::uint8_t> bcopy(bbytes.size());
  rows.clear();
  int biters = iters * 10;
  double bmemcpy = time_ns(biters, [&] {
    std::memcpy(bcopy.data(), bbytes.data(), bbytes.size());
    g_sink += bcopy[100];
  });
  rows.push_back({"memcpy of the same bytes", bmemcpy});
  double bpush = time_ns(biters, [&] {
    Push p(Syntax::ndr20, 1024);
    p.data_blob(blob);
    g_sink += p.size();
  });
  rows.push_back({"ncarpc push (fresh Push)", bpush});
  rows.push_back({"ncarpc push (reused Push)", time_ns(biters, [&] {
                    reused.clear();
                    reused.data_blob(blob);
                    g_sink += reused.size();
                  })});
  double bpull = time_ns(biters, [&] {
    DataBlob out;
    Pull p(bbytes);
    p.data_blob(out);
    g_sink += out.data.size();
  });
  rows.push_back({"ncarpc pull (into a vector)", bpull});
  rows.push_back({"ncarpc pull (view, no copy)", time_ns(biters, [&] {
                    Pull p(bbytes);
                    std::uint64_t n;
                    std::span<const std::uint8_t> v;
                    p.u3264(n);
                    p.view(n, v);
                    g_sink += v.size();
                  })});
  // Generated code: bench_blob {DATA_BLOB blob} (the same bytes), and rpcecho's EchoData request,
  // a [size_is(len)] uint8 array (4 more octets: len and the conformance; no Samba counterpart in
  // a public library, so against memcpy only).
  benchgen::bench_blob gblob;
  gblob.blob = blob;
  {
    Push p;
    push(p, kScalarsAndBuffers, gblob);
    if (!p.ok() || p.to_vector() != bbytes) {
      std::printf("CHECK FAILED: generated bench_blob bytes differ\n");
      failed = true;
    }
  }
  double gbpush = time_ns(biters, [&] {
    Push p(Syntax::ndr20, 1024);
    push(p, kScalarsAndBuffers, gblob);
    g_sink += p.size();
  });
  double gbpush_cpu = g_last_cpu_ns;
  rows.push_back({"generated push (bench_blob)", gbpush});
  double gbpull = time_ns(biters, [&] {
    benchgen::bench_blob out;
    Pull p(bbytes);
    pull(p, kScalarsAndBuffers, out);
    g_sink += out.blob.data.size();
  });
  double gbpull_cpu = g_last_cpu_ns;
  rows.push_back({"generated pull (bench_blob)", gbpull});
  rpcecho::echo_EchoData echo;
  echo.in.len = kBlob;
  echo.in.in_data = blob.data;
  rows.push_back({"generated push (echo_EchoData in)", time_ns(biters, [&] {
                    Push p(Syntax::ndr20, 1024);
                    rpcecho::push_in(p, echo);
                    g_sink += p.size();
                  })});
  std::vector<std::uint8_t> ebytes;
  {
    Push p;
    rpcecho::push_in(p, echo);
    ebytes = p.to_vector();
  }
  rows.push_back({"generated pull (echo_EchoData in)", time_ns(biters, [&] {
                    rpcecho::echo_EchoData out;
                    Pull p(ebytes);
                    rpcecho::pull_in(p, out);
                    g_sink += out.in.in_data.size();
                  })});
  double sbpush = 0, sbpull = 0, sbpush_cpu = 0, sbpull_cpu = 0;
  if (have_samba) {
    SambaBlob sb{blob.data.data(), blob.data.size()};
    {
      void* ctx = samba.ctx();
      void* ndr = samba.push_init_ctx(ctx);
      int err = samba.push_data_blob(ndr, kSambaNdrScalars, sb);
      SambaBlob out = samba.push_blob(ndr);
      if (err != 0 || out.length != bbytes.size() ||
          std::memcmp(out.data, bbytes.data(), bbytes.size()) != 0) {
        std::printf("CHECK FAILED: Samba's DATA_BLOB bytes differ from ours (err %d)\n", err);
        failed = true;
      }
      samba.free(ctx);
    }
    sbpush = time_ns(biters, [&] {
      void* ctx = samba.ctx();
      void* ndr = samba.push_init_ctx(ctx);
      samba.push_data_blob(ndr, kSambaNdrScalars, sb);
      g_sink += samba.push_blob(ndr).length;
      samba.free(ctx);
    });
    sbpush_cpu = g_last_cpu_ns;
    rows.push_back({"Samba 4.17 ndr_push_DATA_BLOB", sbpush});
    SambaBlob in{bbytes.data(), bbytes.size()};
    sbpull = time_ns(biters, [&] {
      void* ctx = samba.ctx();
      void* ndr = samba.pull_init_blob(&in, ctx);
      SambaBlob out{};
      if (samba.pull_data_blob(ndr, kSambaNdrScalars, &out) != 0 || out.length != kBlob)
        failed = true;
      g_sink += out.length;
      samba.free(ctx);
    });
    sbpull_cpu = g_last_cpu_ns;
    rows.push_back({"Samba 4.17 ndr_pull_DATA_BLOB", sbpull});
  }
  print_rows("(b) 64 KiB byte array (DATA_BLOB)", bbytes.size(), kBlob, rows, bmemcpy);
  if (have_samba) {
    std::printf("  ncarpc vs Samba (best times): push %.1fx faster, pull %.1fx faster\n",
                sbpush / bpush, sbpull / bpull);
    print_ratio("generated push (best wall time)", sbpush, gbpush);
    print_ratio("generated push (best CPU time)", sbpush_cpu, gbpush_cpu);
    print_ratio("generated pull (best wall time)", sbpull, gbpull);
    print_ratio("generated pull (best CPU time)", sbpull_cpu, gbpull_cpu);
  }
  std::printf("\n(iterations per sample: %d for (a), %d for (b); best of 41 samples; checksum %llu)\n",
              iters, biters, static_cast<unsigned long long>(g_sink));
  return failed ? 1 : 0;
}
