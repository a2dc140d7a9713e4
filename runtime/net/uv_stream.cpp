// Stream, Listener and connect on libuv's uv_tcp_t / uv_pipe_t.
//
// Lifetime: the libuv handle lives in a heap "core" that the public object points to. The core
// is deleted once libuv's close callback has run (libuv touches the handle, and completes the
// write and connect requests with UV_ECANCELED, until then) and the public object is gone (it
// may outlive a disconnect). So a user callback may destroy or disconnect the public object and
// the code after the callback can still look at the core.
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "nca/net/stream.h"
#include "socket_util.h"

namespace nca::net {

namespace {

enum class Kind : std::uint8_t { tcp, pipe };

union AnyStreamHandle {
  uv_handle_t handle;
  uv_stream_t stream;
  uv_tcp_t tcp;
  uv_pipe_t pipe;
};

std::size_t total_size(const std::vector<uv_buf_t>& bufs) {
  std::size_t n = 0;
  for (const auto& b : bufs) n += b.len;
  return n;
}

// Drops the first n bytes from bufs (buffers and parts of a buffer); returns the bytes left.
std::size_t skip(std::vector<uv_buf_t>& bufs, std::size_t n) {
  std::size_t i = 0;
  while (i < bufs.size() && n >= bufs[i].len) n -= bufs[i++].len;
  bufs.erase(bufs.begin(), bufs.begin() + static_cast<std::ptrdiff_t>(i));
  if (!bufs.empty() && n > 0) {
    bufs[0].base += n;
    bufs[0].len -= n;
  }
  return total_size(bufs);
}

Status init_handle(Loop& loop, Kind kind, AnyStreamHandle& h) {
  int rc = kind == Kind::tcp ? uv_tcp_init(loop.uv(), &h.tcp) : uv_pipe_init(loop.uv(), &h.pipe, 0);
  return Status::from_uv(rc);
}

struct StreamCore {
  Loop* loop;
  Kind kind;
  AnyStreamHandle h;
  bool closing = false;

  // The outstanding read: the caller's buffers, where the next byte goes, bytes read so far.
  IoCallback read_cb;
  std::vector<MutableBuffer> read_bufs;
  std::size_t read_index = 0;
  std::size_t read_offset = 0;
  std::size_t read_total = 0;
  std::size_t read_wanted = 0;
  std::size_t read_min = 0;  // the read completes with this many bytes: read_wanted, or 1 for read_some
  bool reading = false;  // uv_read_start is in effect
  bool delivering = false;           // inside deliver(): a new read is served by its loop
  bool stop_check_deferred = false;  // a deferred "stop reading if no read came" is queued
  int deferred_calls = 0;            // deferred calls that still point here
  bool handle_closed = false;        // libuv's close callback has run
  bool owned = false;                // a UvStream points here

  // Read-ahead for small reads: a PDU header and a small body arrive in one read() into this
  // buffer and are copied once into the caller's buffers. Reads of kAheadSize or more go
  // straight into the caller's buffers.
  static constexpr std::size_t kAheadSize = 16 * 1024;
  std::unique_ptr<std::uint8_t[]> ahead;
  std::size_t ahead_begin = 0;
  std::size_t ahead_end = 0;
  std::size_t ahead_size() const { return ahead_end - ahead_begin; }

  uv_write_t write_req;
  IoCallback write_cb;
  // Set when the write finished without a libuv request (uv_try_write took it all, or failed):
  // its completion is deferred with this status.
  bool write_finished_early = false;
  Status write_early_status;

  IoCallback disconnect_cb;

  // Connect (only while connecting).
  uv_connect_t connect_req;
  ConnectCallback connect_cb;
  std::shared_ptr<ConnectRequest::State> connect_state;
  bool nodelay = true;

  Address local;
  Address remote;

  StreamCore(Loop& l, Kind k) : loop(&l), kind(k) {
    h.handle.data = this;
    write_req.data = this;
    connect_req.data = this;
    loop->retain_object();
  }
  ~StreamCore() { loop->release_object(); }

  void close() {
    closing = true;
    uv_close(&h.handle, &StreamCore::on_close);
  }

  static void on_close(uv_handle_t* handle) {
    auto* core = static_cast<StreamCore*>(handle->data);
    // libuv has already cancelled the write (and connect) requests; the read is ours to cancel.
    // A write that finished before the close but whose deferred completion has not run yet
    // reports what happened to it.
    if (core->write_cb && core->write_finished_early) {
      core->write_finished_early = false;
      invoke_once(core->write_cb, core->write_early_status);
    }
    if (core->read_cb) invoke_once(core->read_cb, Status(Errc::cancelled, UV_ECANCELED));
    if (core->disconnect_cb) invoke_once(core->disconnect_cb, Status());
    core->handle_closed = true;
    core->maybe_delete();
  }

  void maybe_delete() {
    if (handle_closed && !owned && deferred_calls == 0) delete this;
  }

  // Runs fn(core) in a later iteration unless the core has been closed by then.
  template <class F>
  void defer_guarded(F fn) {
    ++deferred_calls;
    loop->defer([core = this, fn = std::move(fn)]() mutable {
      --core->deferred_calls;
      if (core->handle_closed) {
        core->maybe_delete();
        return;
      }
      fn(core);
    });
  }

  // Moves n bytes of progress through the caller's buffers.
  void advance(std::size_t n) {
    read_total += n;
    while (n > 0) {
      std::size_t k = std::min(n, read_bufs[read_index].size() - read_offset);
      read_offset += k;
      n -= k;
      if (read_offset == read_bufs[read_index].size()) {
        read_offset = 0;
        ++read_index;
      }
    }
  }

  void fill_from_ahead() {
    while (ahead_size() > 0 && read_total < read_wanted) {
      MutableBuffer& b = read_bufs[read_index];
      std::size_t k = std::min(ahead_size(), b.size() - read_offset);
      std::memcpy(b.data() + read_offset, ahead.get() + ahead_begin, k);
      ahead_begin += k;
      advance(k);
    }
  }

  // Completes reads for as long as what has arrived satisfies them: the callback may start the
  // next read, which the read-ahead may already hold. Called from libuv's read callback and from
  // a deferred call, never from inside readv().
  void deliver() {
    delivering = true;
    while (read_cb) {
      fill_from_ahead();
      if (read_total < read_min) break;
      read_bufs.clear();
      invoke_once(read_cb, Status());
      if (closing) break;
    }
    delivering = false;
    // The callback usually starts the next read (the next PDU); reading then simply goes on and
    // libuv's read loop fills the new buffers in this same iteration. When it did not, stop
    // reading before the next poll (see defer_stop_check) so bytes for no one stay in the kernel.
    if (!read_cb && reading && !closing) defer_stop_check();
  }

  // After a read completes without the callback starting another, reading is stopped, but not
  // at once: the next read usually starts from the write's callback, which libuv runs in the
  // next iteration's pending phase, before deferred calls. Stopping and restarting would cost two
  // epoll_ctl calls per PDU; the check runs before the next poll, so no unwanted byte is read.
  void defer_stop_check() {
    if (stop_check_deferred) return;
    stop_check_deferred = true;
    defer_guarded([](StreamCore* core) {
      core->stop_check_deferred = false;
      if (!core->read_cb && core->reading && !core->closing) {
        uv_read_stop(&core->h.stream);
        core->reading = false;
      }
    });
  }

  void fetch_addresses() {
    uv_os_fd_t fd = detail::handle_fd(&h.handle);
    local = detail::sock_name(fd);
    remote = detail::peer_name(fd);
  }
};

}  // namespace

struct ConnectRequest::State {
  StreamCore* core = nullptr;  // while the connect is in flight
};

void ConnectRequest::cancel() {
  if (state_ && state_->core != nullptr && !state_->core->closing) state_->core->close();
}

namespace {

class UvStream final : public Stream {
 public:
  explicit UvStream(StreamCore* core) : core_(core) { core_->owned = true; }
  ~UvStream() override {
    if (!core_->closing) core_->close();
    core_->owned = false;
    core_->maybe_delete();
  }

  Loop& loop() override { return *core_->loop; }

  Status readv(std::span<const MutableBuffer> bufs, IoCallback cb) override {
    return start_read(bufs, false, std::move(cb));
  }

  Status read_some(MutableBuffer buf, ReadSomeCallback cb) override {
    StreamCore* core = core_;  // alive whenever it runs the completion
    return start_read({&buf, 1}, true, [core, cb = std::move(cb)](Status st) mutable {
      cb(st, st.ok() ? core->read_total : 0);
    });
  }

  // Starts readv (some: false) or read_some (some: true).
  Status start_read(std::span<const MutableBuffer> bufs, bool some, IoCallback cb) {
    if (core_->closing) return Status(Errc::not_connected);
    if (core_->read_cb) return Status(Errc::busy, 0, "a read is already outstanding");
    core_->read_bufs.clear();
    for (const auto& b : bufs) {
      if (!b.empty()) core_->read_bufs.push_back(b);
    }
    if (core_->read_bufs.empty()) return Status(Errc::invalid_argument, 0, "empty read");
    core_->read_index = 0;
    core_->read_offset = 0;
    core_->read_total = 0;
    core_->read_wanted = 0;
    for (const auto& b : core_->read_bufs) core_->read_wanted += b.size();
    core_->read_min = some ? 1 : core_->read_wanted;
    if (core_->ahead_size() > 0 && !core_->delivering) {
      // Bytes already read ahead: complete from them later, never inside this call.
      core_->defer_guarded([](StreamCore* core) { core->deliver(); });
    }
    if (!core_->reading) {
      int rc = uv_read_start(&core_->h.stream, &UvStream::on_alloc, &UvStream::on_read);
      if (rc != 0) {
        core_->read_bufs.clear();
        return Status::from_uv(rc);
      }
      core_->reading = true;
    }
    core_->read_cb = std::move(cb);
    return Status();
  }

  Status writev(std::span<const ConstBuffer> bufs, IoCallback cb) override {
    if (core_->closing) return Status(Errc::not_connected);
    if (core_->write_cb) return Status(Errc::busy, 0, "a write is already outstanding");
    // libuv copies the uv_buf_t array (not the data) into the request.
    std::vector<uv_buf_t> uv_bufs;
    uv_bufs.reserve(bufs.size());
    for (const auto& b : bufs) {
      if (b.empty()) continue;
      uv_bufs.push_back(uv_buf_init(
          reinterpret_cast<char*>(const_cast<std::uint8_t*>(b.data())),
          static_cast<unsigned>(b.size())));
      NCA_REQUIRE(b.size() <= UINT32_MAX, "one write buffer is limited to 4 GiB by libuv");
    }
    if (uv_bufs.empty()) {
      // Nothing to hand over, but the completion must still come later and exactly once (and be
      // cancelled by a disconnect): an empty libuv write gives exactly that.
      static char nothing;
      uv_bufs.push_back(uv_buf_init(&nothing, 0));
    } else {
      // Try the write now: a request/response write usually fits the socket buffer at once, and
      // finishing it here avoids libuv's write request, whose completion costs an epoll_ctl.
      int n = uv_try_write(&core_->h.stream, uv_bufs.data(), static_cast<unsigned>(uv_bufs.size()));
      std::size_t left = n > 0 ? skip(uv_bufs, static_cast<std::size_t>(n)) : total_size(uv_bufs);
      if (left == 0 || (n < 0 && n != UV_EAGAIN && n != UV_ENOSYS)) {
        core_->write_cb = std::move(cb);
        core_->write_finished_early = true;
        core_->write_early_status = n < 0 ? Status::from_uv(n) : Status();
        core_->defer_guarded([](StreamCore* core) {
          if (!core->write_finished_early) return;
          core->write_finished_early = false;
          invoke_once(core->write_cb, core->write_early_status);
        });
        return Status();
      }
    }
    int rc = uv_write(&core_->write_req, &core_->h.stream, uv_bufs.data(),
                      static_cast<unsigned>(uv_bufs.size()), &UvStream::on_write);
    if (rc != 0) return Status::from_uv(rc);
    core_->write_cb = std::move(cb);
    return Status();
  }

  Status disconnect(IoCallback cb) override {
    if (core_->closing) return Status(Errc::not_connected);
    core_->disconnect_cb = std::move(cb);
    core_->close();
    return Status();
  }

  Result<std::size_t> pending_bytes() override {
    if (core_->closing) return Status(Errc::not_connected);
    int n = 0;
    if (ioctl(detail::handle_fd(&core_->h.handle), FIONREAD, &n) != 0) {
      return Status::from_uv(-errno);
    }
    return static_cast<std::size_t>(n) + core_->ahead_size();
  }

  const Address& local_address() const override { return core_->local; }
  const Address& remote_address() const override { return core_->remote; }

 private:
  static void on_alloc(uv_handle_t* handle, std::size_t, uv_buf_t* buf) {
    auto* core = static_cast<StreamCore*>(handle->data);
    // Nothing wanted, or read-ahead bytes still to hand out first (a deferred deliver() runs
    // before the next poll): libuv reports UV_ENOBUFS, which on_read ignores.
    if (!core->read_cb || core->read_total >= core->read_wanted || core->ahead_size() > 0) {
      *buf = uv_buf_init(nullptr, 0);
      return;
    }
    // read_some always reads straight into the caller's buffer: it takes what has arrived.
    if (core->read_min == core->read_wanted && core->read_wanted - core->read_total < StreamCore::kAheadSize) {
      if (!core->ahead) core->ahead = std::make_unique_for_overwrite<std::uint8_t[]>(StreamCore::kAheadSize);
      core->ahead_begin = core->ahead_end = 0;
      *buf = uv_buf_init(reinterpret_cast<char*>(core->ahead.get()),
                         static_cast<unsigned>(StreamCore::kAheadSize));
      return;
    }
    // Large reads: zero copy, the kernel writes straight into the caller's buffer.
    MutableBuffer& b = core->read_bufs[core->read_index];
    std::size_t left = b.size() - core->read_offset;
    if (left > UINT32_MAX) left = UINT32_MAX;
    *buf = uv_buf_init(reinterpret_cast<char*>(b.data() + core->read_offset),
                       static_cast<unsigned>(left));
  }

  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
    auto* core = static_cast<StreamCore*>(stream->data);
    if (nread == 0 || nread == UV_ENOBUFS) return;
    if (nread < 0) {
      // libuv has stopped reading (it reports EOF on its own after a short read that came with
      // POLLHUP, even when no read of ours is waiting). Without a read there is nothing to
      // complete: the next readv() starts reading again and the kernel says EOF again.
      uv_read_stop(stream);
      core->reading = false;
      if (!core->read_cb) return;
      Status s = nread != UV_EOF               ? Status::from_uv(static_cast<int>(nread))
                 : core->read_total == 0       ? Status(Errc::eof, UV_EOF)
                                               : Status(Errc::truncated, UV_EOF,
                                                        "peer closed before the read was complete");
      core->read_bufs.clear();
      invoke_once(core->read_cb, s);
      return;
    }
    if (!core->read_cb) return;  // on_alloc gave no buffer then; kept for safety
    if (core->ahead && buf->base == reinterpret_cast<char*>(core->ahead.get())) {
      core->ahead_begin = 0;
      core->ahead_end = static_cast<std::size_t>(nread);
    } else {
      core->advance(static_cast<std::size_t>(nread));
    }
    core->deliver();
  }

  static void on_write(uv_write_t* req, int status) {
    auto* core = static_cast<StreamCore*>(req->data);
    invoke_once(core->write_cb, Status::from_uv(status));
  }

  StreamCore* core_;
};

Result<std::unique_ptr<Stream>> adopt_connected(StreamCore* core, bool nodelay) {
  if (core->kind == Kind::tcp && nodelay) uv_tcp_nodelay(&core->h.tcp, 1);
  core->fetch_addresses();
  return std::unique_ptr<Stream>(std::make_unique<UvStream>(core));
}

// Listener ---------------------------------------------------------------------------------

struct ListenerCore {
  Loop* loop;
  Kind kind;
  AnyStreamHandle h;
  AcceptCallback cb;
  ListenOptions options;
  Address local;
  bool closing = false;
  bool handle_closed = false;
  bool owned = false;  // a UvListener points here

  ListenerCore(Loop& l, Kind k, AcceptCallback c, const ListenOptions& o)
      : loop(&l), kind(k), cb(std::move(c)), options(o) {
    h.handle.data = this;
    loop->retain_object();
  }
  ~ListenerCore() { loop->release_object(); }

  void close() {
    if (closing) return;
    closing = true;
    uv_close(&h.handle, [](uv_handle_t* handle) {
      auto* core = static_cast<ListenerCore*>(handle->data);
      if (core->kind == Kind::pipe && core->local.is_unix()) ::unlink(core->local.path().c_str());
      core->handle_closed = true;
      if (!core->owned) delete core;
    });
  }

  static void on_connection(uv_stream_t* server, int status) {
    auto* core = static_cast<ListenerCore*>(server->data);
    if (core->closing) return;
    if (status < 0) {
      core->cb(Status::from_uv(status, "listen"), nullptr);
      return;
    }
    auto* conn = new StreamCore(*core->loop, core->kind);
    if (Status s = init_handle(*core->loop, core->kind, conn->h); !s) {
      delete conn;
      core->cb(s, nullptr);
      return;
    }
    if (int rc = uv_accept(server, &conn->h.stream); rc != 0) {
      conn->close();
      core->cb(Status::from_uv(rc, "accept"), nullptr);
      return;
    }
    auto stream = adopt_connected(conn, core->options.nodelay);
    // The callback may close the listener; the core stays valid until libuv's close callback.
    core->cb(Status(), std::move(stream).value());
  }
};

class UvListener final : public Listener {
 public:
  explicit UvListener(ListenerCore* core) : core_(core) { core_->owned = true; }
  ~UvListener() override {
    core_->close();
    core_->owned = false;
    if (core_->handle_closed) delete core_;
  }
  const Address& local_address() const override { return core_->local; }
  void close() override { core_->close(); }

 private:
  ListenerCore* core_;
};

Result<std::unique_ptr<Listener>> listen_on(Loop& loop, Kind kind, const Address& local,
                                            AcceptCallback cb, const ListenOptions& options) {
  auto* core = new ListenerCore(loop, kind, std::move(cb), options);
  sockaddr_storage ss;
  if (kind == Kind::tcp) local.to_sockaddr(ss);
  // SO_REUSEPORT must be set before bind(). libuv 1.44 has no flag for it (UV_TCP_REUSEPORT
  // came in 1.49), so the socket is created now (uv_tcp_init_ex) and the option set on its fd.
  Status init = kind == Kind::tcp && options.reuse_port
                    ? Status::from_uv(uv_tcp_init_ex(loop.uv(), &core->h.tcp, ss.ss_family))
                    : init_handle(loop, kind, core->h);
  if (!init) {
    delete core;
    return init;
  }
  int rc = 0;
  if (kind == Kind::tcp) {
    if (options.reuse_port) {
      int one = 1;
      if (::setsockopt(detail::handle_fd(&core->h.handle), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
        rc = uv_translate_sys_error(errno);
    }
    if (rc == 0) rc = uv_tcp_bind(&core->h.tcp, reinterpret_cast<sockaddr*>(&ss), 0);
  } else {
    rc = uv_pipe_bind(&core->h.pipe, local.path().c_str());
  }
  if (rc == 0) rc = uv_listen(&core->h.stream, options.backlog, &ListenerCore::on_connection);
  if (rc != 0) {
    // Never bound: nothing of ours to unlink.
    core->local = Address();
    core->close();
    return Status::from_uv(rc, kind == Kind::tcp ? "tcp listen" : "unix listen");
  }
  core->local = kind == Kind::tcp ? detail::sock_name(detail::handle_fd(&core->h.handle)) : local;
  return std::unique_ptr<Listener>(std::make_unique<UvListener>(core));
}

// Connect ----------------------------------------------------------------------------------

void on_connect(uv_connect_t* req, int status) {
  auto* core = static_cast<StreamCore*>(req->data);
  core->connect_state->core = nullptr;
  core->connect_state.reset();
  ConnectCallback cb = std::move(core->connect_cb);
  if (status == 0 && !core->closing) {
    cb(Status(), std::move(adopt_connected(core, core->nodelay)).value());
    return;
  }
  if (!core->closing) core->close();
  cb(status == 0 ? Status(Errc::cancelled, UV_ECANCELED) : Status::from_uv(status, "connect"),
     nullptr);
}

Result<ConnectRequest> connect_to(Loop& loop, Kind kind, const Address& remote,
                                  ConnectCallback cb, const ConnectOptions& options) {
  auto* core = new StreamCore(loop, kind);
  if (Status s = init_handle(loop, kind, core->h); !s) {
    delete core;
    return s;
  }
  core->nodelay = options.nodelay;
  int rc = 0;
  if (kind == Kind::tcp) {
    sockaddr_storage ss;
    if (!options.local.empty()) {
      if (!options.local.is_inet()) rc = UV_EINVAL;
      if (rc == 0) {
        options.local.to_sockaddr(ss);
        rc = uv_tcp_bind(&core->h.tcp, reinterpret_cast<sockaddr*>(&ss), 0);
      }
    }
    if (rc == 0) {
      remote.to_sockaddr(ss);
      rc = uv_tcp_connect(&core->connect_req, &core->h.tcp, reinterpret_cast<sockaddr*>(&ss),
                          &on_connect);
    }
  } else {
    // uv_pipe_connect reports every failure through the callback.
    uv_pipe_connect(&core->connect_req, &core->h.pipe, remote.path().c_str(), &on_connect);
  }
  if (rc != 0) {
    core->close();
    return Status::from_uv(rc, "connect");
  }
  core->connect_cb = std::move(cb);
  core->connect_state = std::make_shared<ConnectRequest::State>();
  core->connect_state->core = core;
  return ConnectRequest(core->connect_state);
}

}  // namespace

Result<std::unique_ptr<Listener>> tcp_listen(Loop& loop, const Address& local, AcceptCallback cb,
                                             const ListenOptions& options) {
  if (!local.is_inet()) return Status(Errc::invalid_argument, 0, "tcp_listen needs an inet address");
  return listen_on(loop, Kind::tcp, local, std::move(cb), options);
}

Result<std::unique_ptr<Listener>> unix_listen(Loop& loop, const Address& path, AcceptCallback cb,
                                              const ListenOptions& options) {
  if (!path.is_unix()) return Status(Errc::invalid_argument, 0, "unix_listen needs a unix path");
  if (options.reuse_port) return Status(Errc::invalid_argument, 0, "reuse_port is for TCP only");
  return listen_on(loop, Kind::pipe, path, std::move(cb), options);
}

Result<ConnectRequest> tcp_connect(Loop& loop, const Address& remote, ConnectCallback cb,
                                   const ConnectOptions& options) {
  if (!remote.is_inet()) return Status(Errc::invalid_argument, 0, "tcp_connect needs an inet address");
  return connect_to(loop, Kind::tcp, remote, std::move(cb), options);
}

Result<ConnectRequest> unix_connect(Loop& loop, const Address& path, ConnectCallback cb) {
  if (!path.is_unix()) return Status(Errc::invalid_argument, 0, "unix_connect needs a unix path");
  return connect_to(loop, Kind::pipe, path, std::move(cb), ConnectOptions{});
}

Result<std::unique_ptr<Stream>> stream_from_fd(Loop& loop, int fd) {
  int domain = 0;
  int type = 0;
  socklen_t len = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0) {
    int err = errno;
    ::close(fd);
    return Status::from_uv(-err, "stream_from_fd");
  }
  len = sizeof type;
  getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
  if (type != SOCK_STREAM || (domain != AF_INET && domain != AF_INET6 && domain != AF_UNIX)) {
    ::close(fd);
    return Status(Errc::invalid_argument, 0, "stream_from_fd needs a TCP or unix stream socket");
  }
  Kind kind = domain == AF_UNIX ? Kind::pipe : Kind::tcp;
  auto* core = new StreamCore(loop, kind);
  if (Status s = init_handle(loop, kind, core->h); !s) {
    delete core;
    ::close(fd);
    return s;
  }
  // uv_*_open makes the fd non-blocking.
  int rc = kind == Kind::tcp ? uv_tcp_open(&core->h.tcp, fd) : uv_pipe_open(&core->h.pipe, fd);
  if (rc != 0) {
    core->close();
    ::close(fd);
    return Status::from_uv(rc, "stream_from_fd");
  }
  return adopt_connected(core, true);
}

Result<std::pair<std::unique_ptr<Stream>, std::unique_ptr<Stream>>> stream_socketpair(Loop& loop) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return Status::from_uv(-errno, "socketpair");
  }
  auto a = stream_from_fd(loop, fds[0]);
  if (!a) {
    ::close(fds[1]);
    return a.status();
  }
  auto b = stream_from_fd(loop, fds[1]);
  if (!b) return b.status();
  return std::make_pair(std::move(a).value(), std::move(b).value());
}

}  // namespace nca::net
