#include "connection_io.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <utility>

namespace nca::rpc::cn::detail {

// ---- reader ---------------------------------------------------------------------------------

FragmentReader::FragmentReader(net::Stream& stream, FragmentSink& sink)
    : stream_(stream), sink_(sink), alive_(std::make_shared<char>()) {}

FragmentReader::~FragmentReader() = default;

void FragmentReader::abandon() { alive_.reset(); }

net::Status FragmentReader::start() {
  // The header goes into its own array: the stream's read-ahead usually holds the whole
  // fragment after one read(), so the two reads here cost one system call between them.
  std::weak_ptr<char> alive = alive_;
  return stream_.read({header_, kHeaderSize}, [this, alive](net::Status st) {
    if (!alive.expired()) on_header(st);
  });
}

void FragmentReader::on_header(net::Status st) {
  if (!st.ok()) return sink_.on_read_end(st);
  Header h = *peek_header({header_, kHeaderSize});
  if (h.frag_length < kHeaderSize || !sink_.accept_header(h)) return sink_.on_refused(h);
  length_ = h.frag_length;
  if (length_ > capacity_) {
    buffer_ = std::make_unique_for_overwrite<uint8_t[]>(length_);
    capacity_ = length_;
  }
  std::memcpy(buffer_.get(), header_, kHeaderSize);
  if (length_ == kHeaderSize) return deliver();
  std::weak_ptr<char> alive = alive_;
  net::Status s = stream_.read({buffer_.get() + kHeaderSize, length_ - kHeaderSize},
                               [this, alive](net::Status st2) {
                                 if (!alive.expired()) on_body(st2);
                               });
  if (!s.ok()) sink_.on_read_end(s);
}

void FragmentReader::on_body(net::Status st) {
  if (!st.ok()) {
    // The header arrived, so an end here is inside a fragment.
    if (st == net::Errc::eof) st = net::Status(net::Errc::truncated, st.sys_code(), "peer closed inside a fragment");
    return sink_.on_read_end(st);
  }
  deliver();
}

void FragmentReader::deliver() {
  std::weak_ptr<char> alive = alive_;
  bool more = sink_.on_fragment({buffer_.get(), length_});
  if (alive.expired() || !more) return;
  if (net::Status s = start(); !s.ok()) sink_.on_read_end(s);
}

// ---- writer ---------------------------------------------------------------------------------

FragmentWriter::FragmentWriter(net::Stream& stream, UniqueFunction<void(net::Status)> on_error)
    : stream_(stream), on_error_(std::move(on_error)), alive_(std::make_shared<char>()) {}

FragmentWriter::~FragmentWriter() = default;

std::unique_ptr<OutPdu> FragmentWriter::make() {
  if (spare_.empty()) return std::make_unique<OutPdu>();
  auto pdu = std::move(spare_.back());
  spare_.pop_back();
  return pdu;
}

void FragmentWriter::send(std::unique_ptr<OutPdu> pdu) {
  if (failed_) {
    // The connection is going; a marker still runs, the bytes are dropped.
    if (pdu->after) after_written(std::move(pdu->after));
    return;
  }
  queued_bytes_ += pdu->bytes;
  queue_.push_back(std::move(pdu));
  if (in_flight_.empty()) pump();
}

void FragmentWriter::after_written(UniqueFunction<void()> fn) {
  if (failed_ || (queue_.empty() && in_flight_.empty())) {
    std::weak_ptr<char> alive = alive_;
    stream_.loop().defer([alive, fn = std::move(fn)]() mutable {
      if (!alive.expired()) fn();
    });
    return;
  }
  auto marker = make();
  marker->after = std::move(fn);
  send(std::move(marker));
}

void FragmentWriter::pump() {
  if (failed_) return;
  // Everything queued goes out in one gathered write, up to the kernel's iovec limit; markers
  // (after_written) ride along and run when it completes.
  gather_.clear();
  while (!queue_.empty()) {
    OutPdu& next = *queue_.front();
    if (!gather_.empty() && gather_.size() + next.buffers.size() > IOV_MAX) break;
    gather_.insert(gather_.end(), next.buffers.begin(), next.buffers.end());
    in_flight_.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  if (in_flight_.empty()) return;
  std::weak_ptr<char> alive = alive_;
  net::Status s = stream_.writev(gather_, [this, alive](net::Status st) {
    if (!alive.expired()) on_written(st);
  });
  if (!s.ok()) {
    // Not started: report it from the loop, as a completion would be.
    std::weak_ptr<char> alive2 = alive_;
    stream_.loop().defer([this, alive2, s] {
      if (!alive2.expired()) on_written(s);
    });
  }
}

void FragmentWriter::on_written(net::Status st) {
  std::vector<std::unique_ptr<OutPdu>> done = std::move(in_flight_);
  in_flight_.clear();
  std::weak_ptr<char> alive = alive_;
  for (auto& pdu : done) queued_bytes_ -= pdu->bytes;
  if (!st.ok() && !failed_) {
    // Nothing more is written; what is queued is dropped, but its markers still run (in order)
    // so that an owner waiting to close after its writes is not left waiting.
    failed_ = true;
    for (auto& pdu : queue_) {
      queued_bytes_ -= pdu->bytes;
      done.push_back(std::move(pdu));
    }
    queue_.clear();
    if (st.code() != net::Errc::cancelled && st.code() != net::Errc::not_connected && on_error_) {
      // Moved out first: the owner may destroy this writer from inside it.
      auto on_error = std::move(on_error_);
      on_error(st);
      if (alive.expired()) return;
    }
  }
  // Run the markers (which may destroy this writer), then recycle the PDUs.
  for (auto& pdu : done) {
    if (pdu->after) {
      auto fn = std::move(pdu->after);
      fn();
      if (alive.expired()) return;
    }
  }
  for (auto& pdu : done) {
    // A few spares are enough for the calls a connection has in flight at once; the stub's
    // capacity is dropped so that a large reply's memory goes back at once.
    if (spare_.size() >= 8) continue;
    pdu->clear();
    Bytes().swap(pdu->stub);
    spare_.push_back(std::move(pdu));
  }
  pump();
}

}  // namespace nca::rpc::cn::detail
