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
  if (!buffer_) {
    buffer_ = std::make_unique_for_overwrite<uint8_t[]>(kInitialCapacity);
    capacity_ = kInitialCapacity;
  }
  if (end_ > begin_) {
    // Buffered bytes (the sink paused reading): delivered from the loop, as a read would be.
    std::weak_ptr<char> alive = alive_;
    stream_.loop().defer([this, alive] {
      if (!alive.expired()) process();
    });
    return net::Status();
  }
  begin_ = end_ = 0;
  std::weak_ptr<char> alive = alive_;
  return stream_.read_some({buffer_.get(), capacity_}, [this, alive](net::Status st, size_t n) {
    if (!alive.expired()) on_read(st, n);
  });
}

void FragmentReader::on_read(net::Status st, size_t n) {
  if (!st.ok()) {
    // An end with part of a fragment buffered is inside that fragment.
    if (st == net::Errc::eof && end_ > begin_)
      st = net::Status(net::Errc::truncated, st.sys_code(), "peer closed inside a fragment");
    return sink_.on_read_end(st);
  }
  end_ += n;
  process();
}

void FragmentReader::process() {
  std::weak_ptr<char> alive = alive_;
  while (end_ - begin_ >= kHeaderSize) {
    Header h = *peek_header({buffer_.get() + begin_, kHeaderSize});
    if (!accepted_) {
      // Checked before the body is waited for or any memory is set aside for it.
      if (h.frag_length < kHeaderSize || !sink_.accept_header(h)) return sink_.on_refused(h);
      accepted_ = true;
      make_room(h.frag_length);
    }
    if (end_ - begin_ < h.frag_length) break;
    std::span<uint8_t> fragment{buffer_.get() + begin_, h.frag_length};
    begin_ += h.frag_length;
    accepted_ = false;
    bool more = sink_.on_fragment(fragment);
    if (alive.expired() || !more) return;
  }
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (begin_ + kHeaderSize > capacity_) {
    make_room(kHeaderSize);  // a header split at the buffer's end
  }
  std::weak_ptr<char> alive2 = alive_;
  net::Status s = stream_.read_some({buffer_.get() + end_, capacity_ - end_}, [this, alive2](net::Status st, size_t n) {
    if (!alive2.expired()) on_read(st, n);
  });
  if (!s.ok()) sink_.on_read_end(s);
}

void FragmentReader::make_room(size_t length) {
  if (begin_ + length <= capacity_) return;
  size_t held = end_ - begin_;
  if (length > capacity_) {
    // Twice the fragment: the next read can take this one's rest and a whole following one.
    size_t grown = 2 * length;
    auto bigger = std::make_unique_for_overwrite<uint8_t[]>(grown);
    std::memcpy(bigger.get(), buffer_.get() + begin_, held);
    buffer_ = std::move(bigger);
    capacity_ = grown;
  } else {
    std::memmove(buffer_.get(), buffer_.get() + begin_, held);
  }
  begin_ = 0;
  end_ = held;
}

// ---- writer ---------------------------------------------------------------------------------

FragmentWriter::FragmentWriter(net::Stream& stream, UniqueFunction<void(net::Status)> on_error,
                               StubPool* stub_pool)
    : stream_(stream), on_error_(std::move(on_error)), stub_pool_(stub_pool), alive_(std::make_shared<char>()) {}

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
    // A written stub's memory goes to the pool (the next call's reassembly buffer) or back to
    // malloc at once; a few spare PDUs are enough for the calls a connection has in flight.
    if (stub_pool_) stub_pool_->give(std::move(pdu->stub));
    Bytes().swap(pdu->stub);
    if (spare_.size() >= 8) continue;
    pdu->clear();
    spare_.push_back(std::move(pdu));
  }
  pump();
}

}  // namespace nca::rpc::cn::detail
