#include "nca/net/stream_queue.h"

#include <deque>
#include <memory>

namespace nca::net {

namespace detail {

// Runs queued operations one at a time. Each operation is a start function that receives a
// "finished" callback to call after it has run its user's callback; if start fails, fail runs
// (deferred, since start may be running inside the call that queued it).
class OpQueue : public std::enable_shared_from_this<OpQueue> {
 public:
  using Finished = Callback<void()>;
  struct Op {
    Callback<Status(Finished)> start;
    IoCallback fail;
  };

  explicit OpQueue(Loop& loop) : loop_(loop) {}

  void push(Op op) {
    ops_.push_back(std::move(op));
    pump();
  }

  void shutdown() {
    dead_ = true;
    for (auto& op : ops_) {
      loop_.defer([fail = std::move(op.fail)]() mutable {
        fail(Status(Errc::cancelled, UV_ECANCELED, "queue destroyed"));
      });
    }
    ops_.clear();
  }

  std::size_t length() const { return ops_.size() + (busy_ ? 1 : 0); }

 private:
  void pump() {
    while (!dead_ && !busy_ && !ops_.empty()) {
      Op op = std::move(ops_.front());
      ops_.pop_front();
      busy_ = true;
      Status s = op.start([self = shared_from_this()] {
        self->busy_ = false;
        self->pump();
      });
      if (!s) {
        busy_ = false;
        loop_.defer([fail = std::move(op.fail), s]() mutable { fail(s); });
      }
    }
  }

  Loop& loop_;
  std::deque<Op> ops_;
  bool busy_ = false;
  bool dead_ = false;
};

}  // namespace detail

namespace {

// Wraps a user callback so that the queue moves on right after it. The callback is shared
// between start (which hands it to the stream) and fail (used only if start fails).
template <class... Args>
struct Shared {
  Callback<void(Args...)> cb;
};

}  // namespace

WriteQueue::WriteQueue(Stream& stream)
    : stream_(stream), queue_(std::make_shared<detail::OpQueue>(stream.loop())) {}
WriteQueue::~WriteQueue() { queue_->shutdown(); }

void WriteQueue::writev(std::vector<ConstBuffer> bufs, IoCallback cb) {
  auto user = std::make_shared<Shared<Status>>(Shared<Status>{std::move(cb)});
  Stream* stream = &stream_;
  queue_->push(detail::OpQueue::Op{
      [stream, user, bufs = std::move(bufs)](detail::OpQueue::Finished finished) mutable {
        return stream->writev(bufs, [user, finished = std::move(finished)](Status s) mutable {
          invoke_once(user->cb, s);
          finished();
        });
      },
      [user](Status s) { invoke_once(user->cb, s); }});
}

void WriteQueue::write(Bytes data, IoCallback cb) {
  // The bytes ride along in the completion so they live until the write is done.
  auto owned = std::make_shared<Bytes>(std::move(data));
  ConstBuffer view = owned->span();
  writev({view}, [owned, cb = std::move(cb)](Status s) mutable { cb(s); });
}

std::size_t WriteQueue::length() const { return queue_->length(); }

ReadQueue::ReadQueue(Stream& stream)
    : stream_(stream), queue_(std::make_shared<detail::OpQueue>(stream.loop())) {}
ReadQueue::~ReadQueue() { queue_->shutdown(); }

void ReadQueue::readv(std::vector<MutableBuffer> bufs, IoCallback cb) {
  auto user = std::make_shared<Shared<Status>>(Shared<Status>{std::move(cb)});
  Stream* stream = &stream_;
  queue_->push(detail::OpQueue::Op{
      [stream, user, bufs = std::move(bufs)](detail::OpQueue::Finished finished) mutable {
        return stream->readv(bufs, [user, finished = std::move(finished)](Status s) mutable {
          invoke_once(user->cb, s);
          finished();
        });
      },
      [user](Status s) { invoke_once(user->cb, s); }});
}

void ReadQueue::read_pdu(std::size_t max_size, PduCallback cb) {
  auto user = std::make_shared<Shared<Status, Bytes>>(Shared<Status, Bytes>{std::move(cb)});
  Stream* stream = &stream_;
  queue_->push(detail::OpQueue::Op{
      [stream, user, max_size](detail::OpQueue::Finished finished) mutable {
        return nca::net::read_pdu(
            *stream, max_size,
            [user, finished = std::move(finished)](Status s, Bytes pdu) mutable {
              invoke_once(user->cb, s, std::move(pdu));
              finished();
            });
      },
      [user](Status s) { invoke_once(user->cb, s, Bytes()); }});
}

std::size_t ReadQueue::length() const { return queue_->length(); }

}  // namespace nca::net
