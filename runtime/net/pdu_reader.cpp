#include "nca/net/pdu_reader.h"

#include <cstring>
#include <memory>

namespace nca::net {

namespace {

struct VectorReader {
  Stream* stream;
  NextVector next;
  IoCallback done;
  std::vector<MutableBuffer> bufs;
  std::size_t total = 0;

  static Status start_read(const std::shared_ptr<VectorReader>& self) {
    return self->stream->readv(self->bufs, [self](Status s) { on_read(self, s); });
  }

  static void on_read(const std::shared_ptr<VectorReader>& self, Status s) {
    if (!s) {
      // eof is only clean at a PDU boundary: after the first byte it means a cut PDU.
      if (s == Errc::eof && self->total > 0) {
        s = Status(Errc::truncated, s.sys_code(), "peer closed inside a PDU");
      }
      invoke_once(self->done, s);
      return;
    }
    for (const auto& b : self->bufs) self->total += b.size();
    self->bufs.clear();
    s = self->next(self->bufs);
    if (s && !self->bufs.empty()) s = start_read(self);
    if (!s || self->bufs.empty()) invoke_once(self->done, s);
  }
};

}  // namespace

Status readv_pdu(Stream& stream, NextVector next, IoCallback done) {
  auto reader = std::make_shared<VectorReader>();
  reader->stream = &stream;
  reader->next = std::move(next);
  if (Status s = reader->next(reader->bufs); !s) return s;
  if (reader->bufs.empty()) return Status(Errc::invalid_argument, 0, "next vector gave nothing");
  reader->done = std::move(done);
  return VectorReader::start_read(reader);
}

Result<std::size_t> co_frag_length(ConstBuffer header, std::size_t max_size) {
  NCA_REQUIRE(header.size() >= kCoHeaderSize, "co_frag_length needs the 16-byte header");
  std::uint8_t lo = header[kCoFragLengthOffset];
  std::uint8_t hi = header[kCoFragLengthOffset + 1];
  if ((header[4] & kDrepLittleEndian) == 0) std::swap(lo, hi);
  std::size_t frag_length = static_cast<std::size_t>(lo) | (static_cast<std::size_t>(hi) << 8);
  if (frag_length < kCoHeaderSize) {
    return Status(Errc::pdu_malformed, 0, "frag_length smaller than the PDU header");
  }
  if (frag_length > max_size) return Status(Errc::pdu_too_large, 0, "frag_length above maximum");
  return frag_length;
}

Status read_pdu(Stream& stream, std::size_t max_size, PduCallback cb) {
  // The header lands in a small array; once frag_length is known the PDU buffer is allocated at
  // exactly that size, the 16 header bytes are copied in, and the body is read straight into
  // place. The payload is never copied by us.
  struct State {
    std::uint8_t header[kCoHeaderSize];
    Bytes pdu;
    std::size_t max_size;
    int phase = 0;
  };
  auto st = std::make_shared<State>();
  st->max_size = max_size;
  NextVector next = [st](std::vector<MutableBuffer>& out) -> Status {
    switch (st->phase++) {
      case 0:
        out.emplace_back(st->header, kCoHeaderSize);
        return Status();
      case 1: {
        auto len = co_frag_length(ConstBuffer(st->header, kCoHeaderSize), st->max_size);
        if (!len) return len.status();
        st->pdu = Bytes(*len);
        std::memcpy(st->pdu.data(), st->header, kCoHeaderSize);
        if (*len > kCoHeaderSize) out.emplace_back(st->pdu.data() + kCoHeaderSize, *len - kCoHeaderSize);
        return Status();
      }
      default:
        return Status();
    }
  };
  return readv_pdu(stream, std::move(next), [st, cb = std::move(cb)](Status s) mutable {
    if (s) {
      cb(s, std::move(st->pdu));
    } else {
      cb(s, Bytes());
    }
  });
}

}  // namespace nca::net
