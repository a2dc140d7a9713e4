// Queues that serialise many writers and many readers on one Stream, whose own rule is one
// read and one write outstanding (Samba's tstream_*_queue helpers). Operations start in the
// order queued; each callback runs exactly once, in order, never inside the call that queued it.
// A queued operation that fails to start (stream disconnected) completes with that error.
// Destroying a queue completes the operations not yet started with Errc::cancelled; the one in
// flight completes as the stream reports it. Queue and Stream live on the same loop thread; the
// Stream must outlive the queue's operations or be disconnected first.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "nca/net/buffer.h"
#include "nca/net/pdu_reader.h"
#include "nca/net/stream.h"

namespace nca::net {

namespace detail {
class OpQueue;
}

class WriteQueue {
 public:
  explicit WriteQueue(Stream& stream);
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Borrowed buffers: valid until cb runs.
  void writev(std::vector<ConstBuffer> bufs, IoCallback cb);
  // Owned: the queue keeps data until the write completes.
  void write(Bytes data, IoCallback cb);
  // Queued plus in flight.
  std::size_t length() const;

 private:
  Stream& stream_;
  std::shared_ptr<detail::OpQueue> queue_;
};

class ReadQueue {
 public:
  explicit ReadQueue(Stream& stream);
  ~ReadQueue();
  ReadQueue(const ReadQueue&) = delete;
  ReadQueue& operator=(const ReadQueue&) = delete;

  void readv(std::vector<MutableBuffer> bufs, IoCallback cb);
  void read_pdu(std::size_t max_size, PduCallback cb);
  std::size_t length() const;

 private:
  Stream& stream_;
  std::shared_ptr<detail::OpQueue> queue_;
};

}  // namespace nca::net
