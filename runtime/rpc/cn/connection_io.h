// The two halves of a connection's I/O, shared by the client and the server engines: a reader
// that delivers whole fragments and a writer that queues PDUs and gathers them into vectored
// writes. Private to nca_rpc_cn.
//
// Both keep their buffers for the connection's lifetime, so a call in the steady state allocates
// nothing here but the stream operation's callback: no buffer per fragment, no queue node per
// write. Both belong to the stream's loop thread and must be destroyed before the stream; the
// owner (the sink) must outlive them. Their callbacks check a liveness token of their own, so an
// owner may destroy the reader or writer from inside any sink call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "nca/net/buffer.h"
#include "nca/net/status.h"
#include "nca/net/stream.h"
#include "nca/rpc/cn/pdu.h"
#include "nca/rpc/function.h"
#include "nca/rpc/stub_pool.h"

namespace nca::rpc::cn::detail {

class FragmentSink {
 public:
  virtual ~FragmentSink() = default;
  // The 16-byte header of the next fragment, before its body is read or any memory is set
  // aside for it. Returning false refuses it: nothing more is read and on_refused runs.
  virtual bool accept_header(const Header& h) = 0;
  virtual void on_refused(const Header& h) = 0;
  // One whole fragment (exactly frag_length bytes), valid only during the call. It is the
  // reader's own buffer: the sink may change it in place (the security filter unseals stubs
  // there). Return true to read the next one.
  virtual bool on_fragment(std::span<uint8_t> fragment) = 0;
  // Reading ended: eof at a fragment boundary, truncated inside one, cancelled, or an error.
  virtual void on_read_end(net::Status status) = 0;
};

// Reads fragments through one receive buffer: each read takes whatever has arrived (several
// fragments, or a large part of one) with a single read_some, and whole fragments are handed to
// the sink as views into the buffer, without copying. A fragment split across reads is moved to
// the buffer's start when it would not fit behind the bytes before it.
//
// Memory: the buffer starts at kInitialCapacity and grows to twice the largest frag_length
// accepted (at most 128 KiB, as frag_length is 16 bits), so one read can take two fragments.
class FragmentReader {
 public:
  static constexpr size_t kInitialCapacity = 16 * 1024;

  FragmentReader(net::Stream& stream, FragmentSink& sink);
  ~FragmentReader();
  FragmentReader(const FragmentReader&) = delete;
  FragmentReader& operator=(const FragmentReader&) = delete;

  // Starts reading (again, after on_fragment returned false): fragments already buffered are
  // delivered first, from the loop, never inside this call. A start error is returned; the sink
  // is not called then.
  net::Status start();
  // Ignores every completion from now on (the stream is about to go). The fragment being
  // delivered stays valid until the reader is destroyed: an owner that gives up its connection
  // from inside on_fragment abandons the reader and destroys it later.
  void abandon();

 private:
  // Delivers every whole fragment buffered; then reads more, unless the sink paused or refused.
  void process();
  void on_read(net::Status st, size_t n);
  // Room for a fragment of `length` bytes from begin_: compacts, or grows the buffer.
  void make_room(size_t length);

  net::Stream& stream_;
  FragmentSink& sink_;
  std::shared_ptr<char> alive_;
  std::unique_ptr<uint8_t[]> buffer_;
  size_t capacity_ = 0;
  size_t begin_ = 0;  // the next fragment starts here
  size_t end_ = 0;    // bytes received end here
  bool accepted_ = false;  // the header at begin_ has passed accept_header
};

// A PDU to send: its headers and the stub they frame, in the order of `buffers`. Writers hand
// these out empty (recycled, with their vectors' capacity) and take them back queued.
struct OutPdu {
  std::vector<uint8_t> headers;
  Bytes stub;
  std::vector<net::ConstBuffer> buffers;
  size_t bytes = 0;
  uint32_t fragments = 0;        // fragments framed (the management interface's packets out)
  UniqueFunction<void()> after;  // runs once everything before and with it is written

  void clear() {
    headers.clear();
    stub.clear();
    buffers.clear();
    bytes = 0;
    fragments = 0;
    after = nullptr;
  }
  // Frames `headers` alone (a control PDU of one fragment).
  void frame_headers_only() {
    buffers.assign(1, net::ConstBuffer(headers.data(), headers.size()));
    bytes = headers.size();
    fragments = 1;
  }
};

class FragmentWriter {
 public:
  // on_error runs (once) when a write fails for another reason than the stream closing. Stubs
  // that have been written go to `stub_pool` (if not null; it must outlive the writer).
  FragmentWriter(net::Stream& stream, UniqueFunction<void(net::Status)> on_error,
                 StubPool* stub_pool = nullptr);
  ~FragmentWriter();
  FragmentWriter(const FragmentWriter&) = delete;
  FragmentWriter& operator=(const FragmentWriter&) = delete;

  // An empty PDU to fill, then send() it. Each PDU is written whole and in order; while one
  // write is in flight the PDUs queued behind it go out together in the next vectored write.
  std::unique_ptr<OutPdu> make();
  void send(std::unique_ptr<OutPdu> pdu);
  // Runs fn once every PDU queued so far has been handed to the transport, or writing has
  // failed (later on the loop if nothing is queued). Not run if the writer dies first. After a
  // failure the writer drops what it is given.
  void after_written(UniqueFunction<void()> fn);

  // Bytes queued or being written: what the connection still holds for a slow reader.
  size_t queued_bytes() const { return queued_bytes_; }

 private:
  void pump();
  void on_written(net::Status st);

  net::Stream& stream_;
  UniqueFunction<void(net::Status)> on_error_;
  StubPool* stub_pool_;
  std::shared_ptr<char> alive_;
  std::deque<std::unique_ptr<OutPdu>> queue_;
  std::vector<std::unique_ptr<OutPdu>> in_flight_;
  std::vector<std::unique_ptr<OutPdu>> spare_;
  std::vector<net::ConstBuffer> gather_;
  size_t queued_bytes_ = 0;
  bool failed_ = false;
};

}  // namespace nca::rpc::cn::detail
