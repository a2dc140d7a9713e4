// libFuzzer harness for the CO PDU decoder (nca::rpc::cn::decode, the code ncaidl generates from
// idl/dcerpc.idl plus the hand-written trailer and stub views). Byte 0 of an input chooses
// whether frag_length is patched to the input's size (so mutations reach the bodies instead of
// stopping at the length check); the rest is the fragment. Decoding must fail cleanly or
// succeed; a decoded PDU must encode again, and that encoding must decode and encode to the same
// bytes (decode and encode agree on every value decode can produce).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "pdu_reencode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nca::rpc::cn;
  if (size < 1) return 0;
  std::vector<std::uint8_t> frag(data + 1, data + size);
  if ((data[0] & 1) && frag.size() >= kHeaderSize && frag.size() <= 0xffff) {
    bool le = (frag[4] & 0x10) != 0;
    frag[le ? 8 : 9] = std::uint8_t(frag.size());
    frag[le ? 9 : 8] = std::uint8_t(frag.size() >> 8);
  }
  auto d = decode(frag);
  if (!d.ok()) return 0;
  std::vector<std::uint8_t> once = test::reencode(*d);
  auto d2 = decode(once);
  if (!d2.ok()) {
    std::fprintf(stderr, "re-encoded %s does not decode: %s\n",
                 std::string(to_string(d->header.type)).c_str(), d2.error().message.c_str());
    std::abort();
  }
  if (test::reencode(*d2) != once) {
    std::fprintf(stderr, "re-encoded %s does not round-trip\n", std::string(to_string(d->header.type)).c_str());
    std::abort();
  }
  return 0;
}
