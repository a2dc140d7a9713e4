// The CO PDU codec on the engine's hot path, per fragment: decoding a request fragment (what the
// server does for every request fragment) and encoding a response head (every response
// fragment), and the client's mirror images. Baseline, measured in the same run: copying the
// same fragment once (the least any receiver does with it). With -DBENCH_OLD_CODEC the
// hand-written codec this replaced is linked in under nca::rpc::cn_old and timed beside it
// (ab_vs_handwritten.sh builds that).
//
//   bench_cn_pdu [ITERATIONS]      (Release build)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "nca/rpc/cn/pdu.h"

namespace {

using Clock = std::chrono::steady_clock;

template <class F>
double ns_per_op(long n, F&& f) {
  double best = 1e300;
  for (int round = 0; round < 7; ++round) {  // best of 7: the machine is shared
    auto t0 = Clock::now();
    for (long i = 0; i < n; ++i) f(i);
    double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / double(n);
    if (ns < best) best = ns;
  }
  return best;
}

volatile size_t g_sink;

template <class Ns>
std::vector<uint8_t> request_fragment(size_t stub) {
  typename Ns::Encoder enc;
  Ns::encode_request_head(enc, Ns::kPfcFirstFrag | Ns::kPfcLastFrag, 9, uint32_t(stub), 1, 2, std::nullopt, stub);
  enc.out.resize(enc.out.size() + stub, 0x5a);
  return enc.out;
}

struct New {
  using Encoder = nca::rpc::cn::Encoder;
  static constexpr uint8_t kPfcFirstFrag = nca::rpc::cn::kPfcFirstFrag;
  static constexpr uint8_t kPfcLastFrag = nca::rpc::cn::kPfcLastFrag;
  template <class... A> static void encode_request_head(A&&... a) { nca::rpc::cn::encode_request_head(std::forward<A>(a)...); }
  template <class... A> static void encode_response_head(A&&... a) { nca::rpc::cn::encode_response_head(std::forward<A>(a)...); }
  static size_t decode_stub(nca::rpc::cn::ByteView f) {
    auto d = nca::rpc::cn::decode(f);
    return d.ok() ? std::get<nca::rpc::cn::RequestBody>(d->body).stub.size() : 0;
  }
};

#ifdef BENCH_OLD_CODEC
}  // namespace
#include "nca/rpc/cn/pdu_old.h"  // made by ab_vs_handwritten.sh from commit 4261908
namespace {
struct Old {
  using Encoder = nca::rpc::cn_old::Encoder;
  static constexpr uint8_t kPfcFirstFrag = nca::rpc::cn_old::kPfcFirstFrag;
  static constexpr uint8_t kPfcLastFrag = nca::rpc::cn_old::kPfcLastFrag;
  template <class... A> static void encode_request_head(A&&... a) { nca::rpc::cn_old::encode_request_head(std::forward<A>(a)...); }
  template <class... A> static void encode_response_head(A&&... a) { nca::rpc::cn_old::encode_response_head(std::forward<A>(a)...); }
  static size_t decode_stub(nca::rpc::cn_old::ByteView f) {
    auto d = nca::rpc::cn_old::decode(f);
    return d.ok() ? std::get<nca::rpc::cn_old::RequestBody>(d->body).stub.size() : 0;
  }
};
#endif

template <class Ns>
void run(const char* name, long n, size_t stub, double copy_ns) {
  auto frag = request_fragment<Ns>(stub);
  double dec = ns_per_op(n, [&](long) { g_sink = Ns::decode_stub(frag); });
  double enc = ns_per_op(n, [&](long i) {
    typename Ns::Encoder e;
    Ns::encode_response_head(e, Ns::kPfcFirstFrag | Ns::kPfcLastFrag, uint32_t(i), uint32_t(stub), 1, stub);
    g_sink = e.out.size();
  });
  std::printf("%-6s stub %5zu B: decode request %6.1f ns (%.2fx copy), encode response head %6.1f ns (%.2fx copy)\n",
              name, stub, dec, dec / copy_ns, enc, enc / copy_ns);
}

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 200000;
  for (size_t stub : {size_t(8), size_t(1024), size_t(5808)}) {
    auto frag = request_fragment<New>(stub);
    std::vector<uint8_t> dst(frag.size());
    double copy = ns_per_op(n, [&](long) {
      std::memcpy(dst.data(), frag.data(), frag.size());
      g_sink = dst[frag.size() / 2];
    });
    std::printf("baseline stub %5zu B: copying the %zu-byte fragment %.1f ns\n", stub, frag.size(), copy);
    run<New>("ncaidl", n, stub, copy);
#ifdef BENCH_OLD_CODEC
    run<Old>("hand", n, stub, copy);
#endif
  }
  return 0;
}
