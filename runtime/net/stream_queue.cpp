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

template <class... Args>
struct Shared {
  Callback<void(Args...)> cb;
};

// Queues one operation. start_op(finished_cb) starts it on the stream with a completion that
// runs the user's callback and then lets the queue move on. The user's callback is shared
// between that completion and the failure path (used only if the start fails).
template <class... Args, class StartOp>
void enqueue(detail::OpQueue& queue, Callback<void(Args...)> cb, StartOp start_op) {
  auto user = std::make_shared<Shared<Args...>>(Shared<Args...>{std::move(cb)});
  queue.push(detail::OpQueue::Op{
      [user, start_op = std::move(start_op)](detail::OpQueue::Finished finished) mutable {
        return start_op(Callback<void(Args...)>(
            [user, finished = std::move(finished)](Args... args) mutable {
              invoke_once(user->cb, std::move(args)...);
              finished();
            }));
      },
      [user](Status s) {
        if constexpr (sizeof...(Args) == 1) {
          invoke_once(user->cb, s);
        } else {
          invoke_once(user->cb, s, Bytes());
        }
      }});
}

}  // namespace

WriteQueue::WriteQueue(Stream& stream)
    : stream_(stream), queue_(std::make_shared<detail::OpQueue>(stream.loop())) {}
WriteQueue::~WriteQueue() { queue_->shutdown(); }

void WriteQueue::writev(std::vector<ConstBuffer> bufs, IoCallback cb) {
  enqueue(*queue_, std::move(cb), [stream = &stream_, bufs = std::move(bufs)](IoCallback done) {
    return stream->writev(bufs, std::move(done));
  });
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
  enqueue(*queue_, std::move(cb), [stream = &stream_, bufs = std::move(bufs)](IoCallback done) {
    return stream->readv(bufs, std::move(done));
  });
}

void ReadQueue::read_pdu(std::size_t max_size, PduCallback cb) {
  enqueue(*queue_, std::move(cb), [stream = &stream_, max_size](PduCallback done) {
    return nca::net::read_pdu(*stream, max_size, std::move(done));
  });
}

std::size_t ReadQueue::length() const { return queue_->length(); }

}  // namespace nca::net
