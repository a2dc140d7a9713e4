// Datagram on a non-blocking socket watched by a uv_poll_t, with recvfrom/sendto done here.
// libuv's uv_udp_t would cover UDP only (its connect and send reject AF_UNIX addresses); one
// poll-based implementation serves UDP and unix datagram sockets alike and lets us skip empty
// datagrams and detect truncation (MSG_TRUNC) exactly.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <memory>

#include "nca/net/datagram.h"
#include "socket_util.h"

namespace nca::net {

namespace {

struct DgramCore {
  Loop* loop;
  uv_poll_t poll;
  int fd;
  bool closing = false;
  int events = 0;

  RecvCallback recv_cb;
  std::unique_ptr<std::uint8_t[]> rbuf;

  IoCallback send_cb;
  ConstBuffer send_data;
  sockaddr_storage send_to{};
  socklen_t send_to_len = 0;

  IoCallback disconnect_cb;
  Address local;
  Address remote;
  bool handle_closed = false;
  bool owned = false;  // a PollDatagram points here (it may outlive a disconnect)
  int deferred = 0;     // deferred send completions that still point here
  bool send_done = false;  // send_cb's datagram is sent, its completion deferred: never resend

  // The last of the PollDatagram, the closed handle and the deferred completions frees the core.
  bool can_free() const { return handle_closed && !owned && deferred == 0; }

  DgramCore(Loop& l, int f) : loop(&l), fd(f) {
    poll.data = this;
    loop->retain_object();
  }
  ~DgramCore() { loop->release_object(); }

  void close() {
    closing = true;
    uv_poll_stop(&poll);
    uv_close(reinterpret_cast<uv_handle_t*>(&poll), [](uv_handle_t* h) {
      auto* core = static_cast<DgramCore*>(h->data);
      ::close(core->fd);
      if (core->local.is_unix()) ::unlink(core->local.path().c_str());
      Status cancelled(Errc::cancelled, UV_ECANCELED);
      if (core->recv_cb) invoke_once(core->recv_cb, cancelled, ConstBuffer(), Address());
      if (core->send_cb) invoke_once(core->send_cb, cancelled);
      if (core->disconnect_cb) invoke_once(core->disconnect_cb, Status());
      core->handle_closed = true;
      if (core->can_free()) delete core;
    });
  }

  Status update_events() {
    int want = (recv_cb ? UV_READABLE : 0) | (send_cb && !send_done ? UV_WRITABLE : 0);
    if (want == events) return Status();
    int rc = want == 0 ? uv_poll_stop(&poll) : uv_poll_start(&poll, want, &DgramCore::on_poll);
    if (rc == 0) events = want;
    return Status::from_uv(rc);
  }

  static void on_poll(uv_poll_t* handle, int status, int ready) {
    auto* core = static_cast<DgramCore*>(handle->data);
    if (status < 0) {
      Status s = Status::from_uv(status);
      if (core->recv_cb) invoke_once(core->recv_cb, s, ConstBuffer(), Address());
      if (!core->closing && core->send_cb && !core->send_done) invoke_once(core->send_cb, s);
    } else {
      if ((ready & UV_READABLE) && core->recv_cb) core->do_recv();
      if (!core->closing && (ready & UV_WRITABLE) && core->send_cb && !core->send_done) {
        core->do_send();
      }
    }
    if (!core->closing) core->update_events();
  }

  void do_recv() {
    for (;;) {
      sockaddr_storage from{};
      socklen_t from_len = sizeof from;
      // MSG_TRUNC makes recvfrom return the datagram's real length even when it did not fit.
      ssize_t n = ::recvfrom(fd, rbuf.get(), Datagram::kMaxDatagram, MSG_TRUNC,
                             reinterpret_cast<sockaddr*>(&from), &from_len);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR) continue;
        invoke_once(recv_cb, Status::from_uv(-errno, "recvfrom"), ConstBuffer(), Address());
        return;
      }
      if (n == 0) continue;  // an empty datagram carries nothing for a protocol: skip it
      if (static_cast<std::size_t>(n) > Datagram::kMaxDatagram) {
        invoke_once(recv_cb, Status(Errc::system, UV_EMSGSIZE, "datagram larger than the maximum"),
                    ConstBuffer(), Address());
        return;
      }
      auto addr = Address::from_sockaddr(reinterpret_cast<sockaddr*>(&from), from_len);
      Address source = addr ? std::move(addr).value() : Address();
      if (source.empty() && !remote.empty()) source = remote;
      invoke_once(recv_cb, Status(), ConstBuffer(rbuf.get(), static_cast<std::size_t>(n)),
                  source);
      return;
    }
  }

  // One send attempt: -1 with errno EAGAIN when the socket buffer is full, else send's result.
  ssize_t try_send() {
    ssize_t n;
    do {
      n = send_to_len == 0
              ? ::send(fd, send_data.data(), send_data.size(), MSG_NOSIGNAL)
              : ::sendto(fd, send_data.data(), send_data.size(), MSG_NOSIGNAL,
                         reinterpret_cast<sockaddr*>(&send_to), send_to_len);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  static bool would_block(ssize_t n) { return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK); }

  void do_send() {
    ssize_t n = try_send();
    if (would_block(n)) return;
    invoke_once(send_cb, n < 0 ? Status::from_uv(-errno, "sendto") : Status());
  }

  // The send was done inside sendto(): the contract runs the callback later, on the loop. The
  // callback stays in send_cb until then, so the one-outstanding rule and close's cancellation
  // both still see it.
  void complete_send_later(Status st) {
    ++deferred;
    send_done = true;
    loop->defer([this, st] {
      --deferred;
      send_done = false;
      if (send_cb) invoke_once(send_cb, st);
      if (can_free()) delete this;
    });
  }
};

class PollDatagram final : public Datagram {
 public:
  explicit PollDatagram(DgramCore* core) : core_(core) { core_->owned = true; }
  ~PollDatagram() override {
    if (!core_->closing) core_->close();
    core_->owned = false;
    if (core_->can_free()) delete core_;
  }

  Loop& loop() override { return *core_->loop; }

  Status recvfrom(RecvCallback cb) override {
    if (core_->closing) return Status(Errc::not_connected);
    if (core_->recv_cb) return Status(Errc::busy, 0, "a recvfrom is already outstanding");
    core_->recv_cb = std::move(cb);
    if (Status s = core_->update_events(); !s) {
      core_->recv_cb = nullptr;
      return s;
    }
    return Status();
  }

  Status sendto(ConstBuffer data, const Address* to, IoCallback cb) override {
    if (core_->closing) return Status(Errc::not_connected);
    if (core_->send_cb) return Status(Errc::busy, 0, "a sendto is already outstanding");
    core_->send_to_len = 0;
    if (to != nullptr && !to->empty()) {
      if (!core_->remote.empty() && !(*to == core_->remote)) {
        return Status(Errc::invalid_argument, 0, "connected socket: destination differs");
      }
      bool family_ok = core_->local.is_unix() || core_->remote.is_unix()
                           ? to->is_unix()
                           : to->is_inet();
      if (!family_ok) return Status(Errc::invalid_argument, 0, "wrong address family");
      if (core_->remote.empty()) core_->send_to_len = to->to_sockaddr(core_->send_to);
    } else if (core_->remote.empty()) {
      return Status(Errc::invalid_argument, 0, "no destination and not connected");
    }
    core_->send_data = data;
    core_->send_cb = std::move(cb);
    // Try at once: a datagram socket almost always has room, and waiting for a poll round first
    // costs an epoll_ctl and an epoll_wait per datagram. Only a full buffer waits for writability.
    if (ssize_t n = core_->try_send(); !DgramCore::would_block(n)) {
      core_->complete_send_later(n < 0 ? Status::from_uv(-errno, "sendto") : Status());
      return Status();
    }
    if (Status s = core_->update_events(); !s) {
      core_->send_cb = nullptr;
      return s;
    }
    return Status();
  }

  Status disconnect(IoCallback cb) override {
    if (core_->closing) return Status(Errc::not_connected);
    core_->disconnect_cb = std::move(cb);
    core_->close();
    return Status();
  }

  const Address& local_address() const override { return core_->local; }
  const Address& remote_address() const override { return core_->remote; }

 private:
  DgramCore* core_;
};

Result<std::unique_ptr<Datagram>> open_dgram(Loop& loop, int domain, const Address& local,
                                             const Address& remote) {
  int fd = ::socket(domain, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::from_uv(-errno, "socket");
  sockaddr_storage ss;
  bool bound_unix = false;
  auto fail = [&](const char* what) {
    Status s = Status::from_uv(-errno, what);
    ::close(fd);
    if (bound_unix) ::unlink(local.path().c_str());
    return s;
  };
  if (!local.empty()) {
    socklen_t len = local.to_sockaddr(ss);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail("bind");
    bound_unix = local.is_unix();
  }
  if (!remote.empty()) {
    socklen_t len = remote.to_sockaddr(ss);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail("connect");
  }
  auto* core = new DgramCore(loop, fd);
  if (int rc = uv_poll_init_socket(loop.uv(), &core->poll, fd); rc != 0) {
    delete core;
    ::close(fd);
    if (bound_unix) ::unlink(local.path().c_str());
    return Status::from_uv(rc, "uv_poll_init");
  }
  core->rbuf = std::make_unique_for_overwrite<std::uint8_t[]>(Datagram::kMaxDatagram);
  // The kernel's view: the port chosen for port 0, the connected peer.
  core->local = domain == AF_UNIX ? local : detail::sock_name(fd);
  core->remote = domain == AF_UNIX ? remote : detail::peer_name(fd);
  return std::unique_ptr<Datagram>(std::make_unique<PollDatagram>(core));
}

}  // namespace

Result<std::unique_ptr<Datagram>> udp_open(Loop& loop, const Address& local,
                                           const Address& remote) {
  if (!local.is_inet()) return Status(Errc::invalid_argument, 0, "udp_open needs an inet address");
  if (!remote.empty() && remote.family() != local.family()) {
    return Status(Errc::invalid_argument, 0, "local and remote families differ");
  }
  return open_dgram(loop, local.family() == AddressFamily::ipv4 ? AF_INET : AF_INET6, local,
                    remote);
}

Result<std::unique_ptr<Datagram>> unix_dgram_open(Loop& loop, const Address& local,
                                                  const Address& remote) {
  if ((!local.empty() && !local.is_unix()) || (!remote.empty() && !remote.is_unix())) {
    return Status(Errc::invalid_argument, 0, "unix_dgram_open needs unix paths");
  }
  return open_dgram(loop, AF_UNIX, local, remote);
}

// SendQueue ---------------------------------------------------------------------------------

struct SendQueue::State : std::enable_shared_from_this<SendQueue::State> {
  struct Item {
    Bytes data;
    Address to;
    IoCallback cb;
  };
  Datagram* dgram;
  std::deque<Item> items;
  bool in_flight = false;
  bool dead = false;

  void pump() {
    while (!dead && !in_flight && !items.empty()) {
      // The item moves into the completion, which keeps its bytes alive until the send is done.
      auto item = std::make_shared<Item>(std::move(items.front()));
      items.pop_front();
      in_flight = true;
      auto self = shared_from_this();
      Status s = dgram->sendto(item->data.span(), item->to.empty() ? nullptr : &item->to,
                               [self, item](Status st) {
                                 self->in_flight = false;
                                 invoke_once(item->cb, st);
                                 self->pump();
                               });
      if (!s) {
        in_flight = false;
        dgram->loop().defer([item, s] { invoke_once(item->cb, s); });
      }
    }
  }
};

SendQueue::SendQueue(Datagram& dgram) : state_(std::make_shared<State>()) {
  state_->dgram = &dgram;
}

SendQueue::~SendQueue() {
  state_->dead = true;
  for (auto& item : state_->items) {
    state_->dgram->loop().defer([cb = std::move(item.cb)]() mutable {
      cb(Status(Errc::cancelled, UV_ECANCELED, "send queue destroyed"));
    });
  }
  state_->items.clear();
}

void SendQueue::sendto(Bytes data, const Address& to, IoCallback cb) {
  state_->items.push_back(State::Item{std::move(data), to, std::move(cb)});
  state_->pump();
}

std::size_t SendQueue::length() const {
  return state_->items.size() + (state_->in_flight ? 1 : 0);
}

}  // namespace nca::net
