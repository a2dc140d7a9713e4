// Splitting a stub into fragments for one gathered write, shared by the client (requests) and
// the server (responses). Private to nca_rpc_cn.
#pragma once

#include <algorithm>
#include <memory>
#include <vector>

#include "nca/net/buffer.h"
#include "nca/rpc/cn/pdu.h"

namespace nca::rpc::cn::detail {

// The headers and stub of a fragmented PDU and the buffers that interleave them. Keep it alive
// (a shared_ptr in the write's callback) until the write completes: the buffers point into it.
struct Fragments {
  std::vector<uint8_t> headers;
  Bytes stub;
  std::vector<net::ConstBuffer> buffers;
};

// Each fragment carries as much stub as max_frag allows in multiples of 8 bytes, so that every
// fragment but the last keeps NDR's 8-byte alignment (as Windows does); an empty stub still
// makes one fragment. write_head(enc, pfc_flags, alloc_hint, stub_bytes) appends one header of
// exactly head_size bytes; alloc_hint is the stub still to come, this fragment's included.
template <class WriteHead>
std::shared_ptr<Fragments> fragment(Bytes stub, size_t max_frag, size_t head_size,
                                    WriteHead write_head) {
  auto f = std::make_shared<Fragments>();
  f->stub = std::move(stub);
  size_t per_frag = (max_frag - head_size) & ~size_t(7);
  size_t total = f->stub.size();
  size_t count = total == 0 ? 1 : (total + per_frag - 1) / per_frag;
  Encoder enc;
  enc.out.reserve(count * head_size);
  f->buffers.reserve(count * 2);
  for (size_t i = 0, off = 0; i < count; ++i, off += per_frag) {
    uint8_t flags = (i == 0 ? kPfcFirstFrag : 0) | (i + 1 == count ? kPfcLastFrag : 0);
    write_head(enc, flags, uint32_t(total - off), std::min(per_frag, total - off));
  }
  f->headers = std::move(enc.out);
  for (size_t i = 0, off = 0; i < count; ++i, off += per_frag) {
    size_t n = std::min(per_frag, total - off);
    f->buffers.emplace_back(f->headers.data() + i * head_size, head_size);
    if (n) f->buffers.emplace_back(f->stub.data() + off, n);
  }
  return f;
}

}  // namespace nca::rpc::cn::detail
