// libFuzzer harness for every pull entry point of the generated code of idl/ (fuzz_targets.h).
// Each input picks a target, a syntax and a byte order; the pull must fail cleanly or succeed,
// never crash, overrun or allocate past the limits (ASan/UBSan builds check that). A successful
// pull must re-encode, and the re-encoding must pull back to a value that encodes the same way
// (push and pull agree on every value pull can produce). Under ASan the harness also measures the
// heap a pull uses and aborts when its peak exceeds what Limits::max_alloc allows (kHeapBound).
#include <cstdint>
#include <cstdlib>
#include <cstdio>

#include "alloc_meter.h"
#include "fuzz_targets.h"
#include "nca/ndr/ndr.h"

namespace {
constexpr std::size_t kMaxAlloc = 1 << 20;  // keep the fuzzer's memory bounded
// Limits::max_alloc charges element sizes (sizeof(T) per element, the pointee of each pointer);
// the heap also holds what the charge leaves out: shared_ptr control blocks, std::string and
// vector capacity, the full-pointer table. A few times the limit covers those; a decode that
// allocates before checking a count goes far past it.
#ifndef NCA_FUZZ_HEAP_BOUND  // -D to a small value to see the check fire
constexpr std::size_t kHeapBound = 8 * kMaxAlloc + (1 << 20);
#else
constexpr std::size_t kHeapBound = NCA_FUZZ_HEAP_BOUND;
#endif
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const auto& all = fuzz::targets();
  const fuzz::Target& t = all[(data[0] | data[1] << 8) % all.size()];
  auto syntax = (data[2] & 1) ? nca::ndr::Syntax::ndr64 : nca::ndr::Syntax::ndr20;
  nca::ndr::DataRep rep;
  rep.little_endian = (data[2] & 2) == 0;
  nca::ndr::Limits limits;
  limits.max_alloc = kMaxAlloc;
  std::span<const std::uint8_t> body(data + 3, size - 3);

  void* v = t.entry->create();
  nca::ndr::Pull p(body, syntax, rep, limits);
  fuzz::AllocMeter meter;
  meter.start();
  bool pulled = t.entry->pull(p, t.dir, v);
  meter.stop();
  if (meter.peak() > kHeapBound) {
    std::fprintf(stderr, "%s %s %s: a pull of %zu bytes used %zu bytes of heap (bound %zu; charged %zu)\n",
                 t.file.c_str(), t.name.c_str(), t.kind.c_str(), body.size(), meter.peak(), kHeapBound,
                 p.allocated());
    std::abort();
  }
  if (pulled) {
    nca::ndr::Push out(syntax);
    t.entry->push(out, t.dir, v);
    // An [out] value whose sizes come from [in] values that this input never set may not
    // re-encode; everything else must.
    if (out.ok()) {
      void* again = t.entry->create();
      nca::ndr::Pull p2(out.bytes(), syntax);
      // Copy the [in] half that an [out] pull relies on: pull the same input's value again.
      bool ok2 = true;
      if (t.dir == ncadump::Direction::out) {
        t.entry->destroy(again);
        again = t.entry->create();
        nca::ndr::Pull p1(body, syntax, rep, limits);
        ok2 = t.entry->pull(p1, t.dir, again);
      }
      if (ok2) {
        void* third = t.entry->create();
        nca::ndr::Pull p3(out.bytes(), syntax);
        bool ok3 = t.entry->pull(p3, t.dir, third);
        nca::ndr::Push out2(syntax);
        if (ok3) t.entry->push(out2, t.dir, third);
        if (!ok3 || !out2.ok() || out2.size() != out.size() ||
            !std::equal(out.bytes().begin(), out.bytes().end(), out2.bytes().begin())) {
          std::fprintf(stderr, "%s %s %s: re-encoding does not round-trip (%s)\n", t.file.c_str(),
                       t.name.c_str(), t.kind.c_str(), p3.status().to_string().c_str());
          std::abort();
        }
        t.entry->destroy(third);
      }
      t.entry->destroy(again);
    }
  }
  t.entry->destroy(v);
  return 0;
}
