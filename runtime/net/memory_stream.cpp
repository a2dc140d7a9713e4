// An in-memory Stream pair. Each direction has a bounded byte buffer; data moves from the
// writer's buffers to the reader's directly when a read is waiting (one copy), else through the
// buffer (two copies: this is a test transport, not a fast path). Completions are deferred to the
// loop, and the slot stays busy until the callback runs, as with sockets.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "nca/net/stream.h"

namespace nca::net {

namespace {

struct End {
  IoCallback read_cb;
  std::vector<MutableBuffer> read_bufs;
  std::size_t read_index = 0, read_offset = 0, read_total = 0;
  bool read_some = false;     // completes with whatever arrived (at least one byte)
  std::size_t read_done = 0;  // read_total of the read being completed
  bool read_completing = false;

  IoCallback write_cb;
  std::vector<ConstBuffer> write_bufs;
  std::size_t write_index = 0, write_offset = 0;
  bool write_completing = false;

  bool closed = false;
  std::vector<std::uint8_t> inbound;  // buffered bytes written by the peer, not yet read
  std::size_t inbound_head = 0;

  std::size_t inbound_size() const { return inbound.size() - inbound_head; }
  bool read_waiting() const { return read_cb && !read_completing; }
  bool write_waiting() const { return write_cb && !write_completing; }
};

struct PipeState : std::enable_shared_from_this<PipeState> {
  Loop* loop;
  std::size_t capacity;
  End ends[2];

  void complete_read(int i, Status s) {
    End& e = ends[i];
    e.read_completing = true;
    e.read_done = e.read_total;
    e.read_bufs.clear();
    loop->defer([self = shared_from_this(), i, s] {
      End& end = self->ends[i];
      end.read_completing = false;
      invoke_once(end.read_cb, s);
    });
  }

  void complete_write(int i, Status s) {
    End& e = ends[i];
    e.write_completing = true;
    e.write_bufs.clear();
    loop->defer([self = shared_from_this(), i, s] {
      End& end = self->ends[i];
      end.write_completing = false;
      invoke_once(end.write_cb, s);
      // The writer may have been holding the peer's buffer full; space is checked in pump().
    });
  }

  // Copies from the writer w's pending buffers into dst (up to n bytes); returns bytes copied.
  static std::size_t take_from_writer(End& w, std::uint8_t* dst, std::size_t n) {
    std::size_t done = 0;
    while (done < n && w.write_index < w.write_bufs.size()) {
      const ConstBuffer& b = w.write_bufs[w.write_index];
      std::size_t k = std::min(n - done, b.size() - w.write_offset);
      std::memcpy(dst + done, b.data() + w.write_offset, k);
      done += k;
      w.write_offset += k;
      if (w.write_offset == b.size()) {
        ++w.write_index;
        w.write_offset = 0;
      }
    }
    return done;
  }

  // Moves bytes written by end w towards end r = 1 - w and completes what can complete.
  void pump_direction(int w) {
    int r = 1 - w;
    End& writer = ends[w];
    End& reader = ends[r];
    if (reader.closed) {
      reader.inbound.clear();
      reader.inbound_head = 0;
      if (writer.write_waiting()) complete_write(w, Status(Errc::system, UV_EPIPE, "peer closed"));
      return;
    }
    // Fill a waiting read: buffered bytes first (they were written first), then straight from
    // the writer's buffers.
    while (reader.read_waiting() && reader.read_index < reader.read_bufs.size()) {
      MutableBuffer& dst = reader.read_bufs[reader.read_index];
      std::size_t want = dst.size() - reader.read_offset;
      std::size_t got = 0;
      if (reader.inbound_size() > 0) {
        got = std::min(want, reader.inbound_size());
        std::memcpy(dst.data() + reader.read_offset, reader.inbound.data() + reader.inbound_head,
                    got);
        reader.inbound_head += got;
        if (reader.inbound_head == reader.inbound.size()) {
          reader.inbound.clear();
          reader.inbound_head = 0;
        }
      } else if (writer.write_waiting()) {
        got = take_from_writer(writer, dst.data() + reader.read_offset, want);
      }
      if (got == 0) break;
      reader.read_total += got;
      reader.read_offset += got;
      if (reader.read_offset == dst.size()) {
        ++reader.read_index;
        reader.read_offset = 0;
      }
    }
    if (reader.read_waiting() &&
        (reader.read_index == reader.read_bufs.size() || (reader.read_some && reader.read_total > 0))) {
      complete_read(r, Status());
    }
    // Buffer what the reader did not take, up to capacity.
    if (writer.write_waiting() && reader.inbound_size() < capacity) {
      std::size_t room = capacity - reader.inbound_size();
      std::size_t old = reader.inbound.size();
      reader.inbound.resize(old + room);
      std::size_t got = take_from_writer(writer, reader.inbound.data() + old, room);
      reader.inbound.resize(old + got);
    }
    if (writer.write_waiting() && writer.write_index == writer.write_bufs.size()) {
      complete_write(w, Status());
    }
    // A closed writer with nothing left buffered ends the reader's read.
    if (writer.closed && reader.read_waiting() && reader.inbound_size() == 0) {
      complete_read(r, reader.read_total == 0
                           ? Status(Errc::eof, UV_EOF)
                           : Status(Errc::truncated, UV_EOF,
                                    "peer closed before the read was complete"));
    }
  }

  void pump() {
    pump_direction(0);
    pump_direction(1);
  }
};

class MemoryStream final : public Stream {
 public:
  MemoryStream(std::shared_ptr<PipeState> state, int index)
      : state_(std::move(state)), i_(index) {
    state_->loop->retain_object();
  }
  ~MemoryStream() override {
    if (!state_->ends[i_].closed) close(nullptr);
    state_->loop->release_object();
  }

  Loop& loop() override { return *state_->loop; }

  Status readv(std::span<const MutableBuffer> bufs, IoCallback cb) override {
    End& e = state_->ends[i_];
    if (e.closed) return Status(Errc::not_connected);
    if (e.read_cb) return Status(Errc::busy, 0, "a read is already outstanding");
    e.read_bufs.clear();
    for (const auto& b : bufs) {
      if (!b.empty()) e.read_bufs.push_back(b);
    }
    if (e.read_bufs.empty()) return Status(Errc::invalid_argument, 0, "empty read");
    e.read_index = e.read_offset = e.read_total = 0;
    e.read_some = false;
    e.read_cb = std::move(cb);
    state_->pump();
    return Status();
  }

  Status read_some(MutableBuffer buf, ReadSomeCallback cb) override {
    End& e = state_->ends[i_];
    std::weak_ptr<PipeState> state = state_;
    int i = i_;
    Status st = readv({&buf, 1}, [state, i, cb = std::move(cb)](Status s) mutable {
      auto self = state.lock();
      cb(s, s.ok() && self ? self->ends[i].read_done : 0);
    });
    if (st.ok()) {
      e.read_some = true;
      state_->pump();
    }
    return st;
  }

  Status writev(std::span<const ConstBuffer> bufs, IoCallback cb) override {
    End& e = state_->ends[i_];
    if (e.closed) return Status(Errc::not_connected);
    if (e.write_cb) return Status(Errc::busy, 0, "a write is already outstanding");
    e.write_bufs.clear();
    for (const auto& b : bufs) {
      if (!b.empty()) e.write_bufs.push_back(b);
    }
    e.write_index = e.write_offset = 0;
    e.write_cb = std::move(cb);
    state_->pump();
    return Status();
  }

  Status disconnect(IoCallback cb) override {
    if (state_->ends[i_].closed) return Status(Errc::not_connected);
    close(std::move(cb));
    return Status();
  }

  Result<std::size_t> pending_bytes() override {
    End& e = state_->ends[i_];
    if (e.closed) return Status(Errc::not_connected);
    const End& peer = state_->ends[1 - i_];
    std::size_t n = e.inbound_size();
    if (peer.write_waiting()) {
      for (std::size_t k = peer.write_index; k < peer.write_bufs.size(); ++k) {
        n += peer.write_bufs[k].size();
      }
      n -= peer.write_offset;
    }
    return n;
  }

  const Address& local_address() const override { return none_; }
  const Address& remote_address() const override { return none_; }

 private:
  void close(IoCallback cb) {
    End& e = state_->ends[i_];
    e.closed = true;
    if (e.read_waiting()) state_->complete_read(i_, Status(Errc::cancelled, UV_ECANCELED));
    if (e.write_waiting()) state_->complete_write(i_, Status(Errc::cancelled, UV_ECANCELED));
    if (cb) {
      state_->loop->defer([cb = std::move(cb)]() mutable { cb(Status()); });
    }
    state_->pump();
  }

  std::shared_ptr<PipeState> state_;
  int i_;
  Address none_;
};

}  // namespace

std::pair<std::unique_ptr<Stream>, std::unique_ptr<Stream>> memory_stream_pair(
    Loop& loop, std::size_t capacity) {
  auto state = std::make_shared<PipeState>();
  state->loop = &loop;
  state->capacity = capacity;
  return {std::make_unique<MemoryStream>(state, 0), std::make_unique<MemoryStream>(state, 1)};
}

}  // namespace nca::net
