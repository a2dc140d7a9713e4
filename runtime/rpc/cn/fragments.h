// Splitting a stub into fragments for one gathered write, shared by the client (requests) and
// the server (responses). Private to nca_rpc_cn.
#pragma once

#include <algorithm>
#include <vector>

#include "connection_io.h"
#include "nca/rpc/cn/pdu.h"
#include "security_filter.h"

namespace nca::rpc::cn::detail {

// Fills `out` (empty) with the fragments of `stub`: out.headers holds every header, out.stub
// the stub, out.buffers interleaves them without copying the stub. Each fragment carries as much
// stub as max_frag allows in multiples of 8 bytes, so that every fragment but the last keeps
// NDR's 8-byte alignment (as Windows does); an empty stub still makes one fragment.
// write_head(enc, pfc_flags, alloc_hint, stub_bytes) appends one header of exactly head_size
// bytes; alloc_hint is the stub still to come, this fragment's included.
template <class WriteHead>
void fragment(OutPdu& out, Bytes stub, size_t max_frag, size_t head_size, WriteHead write_head) {
  out.stub = std::move(stub);
  size_t per_frag = (max_frag - head_size) & ~size_t(7);
  size_t total = out.stub.size();
  size_t count = total == 0 ? 1 : (total + per_frag - 1) / per_frag;
  Encoder enc;
  enc.out = std::move(out.headers);  // keeps a recycled PDU's capacity
  enc.out.clear();
  enc.out.reserve(count * head_size);
  for (size_t i = 0, off = 0; i < count; ++i, off += per_frag) {
    uint8_t flags = (i == 0 ? kPfcFirstFrag : 0) | (i + 1 == count ? kPfcLastFrag : 0);
    write_head(enc, flags, uint32_t(total - off), std::min(per_frag, total - off));
  }
  out.headers = std::move(enc.out);
  out.buffers.clear();
  out.buffers.reserve(count * 2);
  for (size_t i = 0, off = 0; i < count; ++i, off += per_frag) {
    size_t n = std::min(per_frag, total - off);
    out.buffers.emplace_back(out.headers.data() + i * head_size, head_size);
    if (n) out.buffers.emplace_back(out.stub.data() + off, n);
  }
  out.bytes = out.headers.size() + total;
  out.fragments = uint32_t(count);
}

// fragment() for an association whose call fragments carry a verifier (SecurityFilter::
// protects_pdus()): each fragment is built whole in out.headers (header, a copy of its part of
// the stub, auth padding, sec_trailer, verifier), since the verifier covers it and sealing
// rewrites the stub. Each carries the filter's stub_per_fragment() bytes (a multiple of 16, so
// only the last is padded). An error of the provider leaves `out` unfit to send.
template <class WriteHead>
Status fragment_protected(OutPdu& out, Bytes stub, size_t max_frag, size_t head_size,
                          SecurityFilter& filter, WriteHead write_head) {
  out.stub = std::move(stub);
  size_t per_frag = filter.stub_per_fragment(max_frag, head_size);
  size_t total = out.stub.size();
  size_t count = total == 0 ? 1 : (total + per_frag - 1) / per_frag;
  Encoder enc;
  enc.out = std::move(out.headers);
  enc.out.clear();
  for (size_t i = 0, off = 0; i < count; ++i, off += per_frag) {
    uint8_t flags = (i == 0 ? kPfcFirstFrag : 0) | (i + 1 == count ? kPfcLastFrag : 0);
    size_t n = std::min(per_frag, total - off);
    size_t start = enc.out.size();
    write_head(enc, flags, uint32_t(total - off), n);
    enc.out.insert(enc.out.end(), out.stub.begin() + ptrdiff_t(off),
                   out.stub.begin() + ptrdiff_t(off + n));
    if (Status st = filter.protect(enc.out, start, head_size, n); !st.ok()) return st;
  }
  out.headers = std::move(enc.out);
  out.frame_headers_only();
  out.fragments = uint32_t(count);
  return {};
}

}  // namespace nca::rpc::cn::detail
