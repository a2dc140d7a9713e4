// Stream, Listener and connect on libuv's uv_tcp_t / uv_pipe_t.
//
// Lifetime: the libuv handle lives in a heap "core" that the public object points to. The core
// is deleted only in libuv's close callback, because libuv touches the handle (and completes the
// write and connect requests with UV_ECANCELED) until then. So a user callback may destroy or
// disconnect the public object and the code after the callback can still look at the core.
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
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

Status init_handle(Loop& loop, Kind kind, AnyStreamHandle& h) {
  int rc = kind == Kind::tcp ? uv_tcp_init(loop.uv(), &h.tcp) : uv_pipe_init(loop.uv(), &h.pipe, 0);
  return Status::from_uv(rc);
}

struct StreamCore {
  Loop* loop;
  Kind kind;
  AnyStreamHandle h;
  bool closing = false;
  bool closed = false;  // libuv's close completed
  bool owned = false;   // a UvStream wraps this core; it deletes a closed core when it goes

  // The outstanding read: the caller's buffers, where the next byte goes, bytes read so far.
  IoCallback read_cb;
  std::vector<MutableBuffer> read_bufs;
  std::size_t read_index = 0;
  std::size_t read_offset = 0;
  std::size_t read_total = 0;
  bool reading = false;  // uv_read_start is in effect

  uv_write_t write_req;
  IoCallback write_cb;

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
    if (core->read_cb) invoke_once(core->read_cb, Status(Errc::cancelled, UV_ECANCELED));
    if (core->disconnect_cb) invoke_once(core->disconnect_cb, Status());
    // A Stream that outlives its disconnect still points here: it frees the core when it goes.
    core->closed = true;
    if (!core->owned) delete core;
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
    core_->owned = false;
    if (core_->closed) delete core_;
    else if (!core_->closing) core_->close();
  }

  Loop& loop() override { return *core_->loop; }

  Status readv(std::span<const MutableBuffer> bufs, IoCallback cb) override {
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
    return static_cast<std::size_t>(n);
  }

  const Address& local_address() const override { return core_->local; }
  const Address& remote_address() const override { return core_->remote; }

 private:
  static void on_alloc(uv_handle_t* handle, std::size_t, uv_buf_t* buf) {
    // Zero copy: the kernel writes straight into the caller's buffer.
    auto* core = static_cast<StreamCore*>(handle->data);
    if (!core->read_cb || core->read_index >= core->read_bufs.size()) {
      *buf = uv_buf_init(nullptr, 0);  // libuv reports UV_ENOBUFS; on_read ignores it
      return;
    }
    MutableBuffer& b = core->read_bufs[core->read_index];
    std::size_t left = b.size() - core->read_offset;
    if (left > UINT32_MAX) left = UINT32_MAX;
    *buf = uv_buf_init(reinterpret_cast<char*>(b.data() + core->read_offset),
                       static_cast<unsigned>(left));
  }

  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t*) {
    auto* core = static_cast<StreamCore*>(stream->data);
    if (nread == 0 || nread == UV_ENOBUFS || !core->read_cb) return;
    if (nread < 0) {
      uv_read_stop(stream);
      core->reading = false;
      Status s = nread != UV_EOF               ? Status::from_uv(static_cast<int>(nread))
                 : core->read_total == 0       ? Status(Errc::eof, UV_EOF)
                                               : Status(Errc::truncated, UV_EOF,
                                                        "peer closed before the read was complete");
      core->read_bufs.clear();
      invoke_once(core->read_cb, s);
      return;
    }
    core->read_total += static_cast<std::size_t>(nread);
    core->read_offset += static_cast<std::size_t>(nread);
    if (core->read_offset == core->read_bufs[core->read_index].size()) {
      core->read_offset = 0;
      ++core->read_index;
    }
    if (core->read_index < core->read_bufs.size()) return;
    core->read_bufs.clear();
    invoke_once(core->read_cb, Status());
    // The callback usually starts the next read (the next PDU); reading then simply goes on and
    // libuv's read loop fills the new buffers in this same iteration. Stop only when it did not,
    // so bytes for no one stay in the kernel.
    if (!core->read_cb && core->reading && !core->closing) {
      uv_read_stop(stream);
      core->reading = false;
    }
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
      delete core;
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
  explicit UvListener(ListenerCore* core) : core_(core) {}
  ~UvListener() override { core_->close(); }
  const Address& local_address() const override { return core_->local; }
  void close() override { core_->close(); }

 private:
  ListenerCore* core_;
};

Result<std::unique_ptr<Listener>> listen_on(Loop& loop, Kind kind, const Address& local,
                                            AcceptCallback cb, const ListenOptions& options) {
  auto* core = new ListenerCore(loop, kind, std::move(cb), options);
  if (Status s = init_handle(loop, kind, core->h); !s) {
    delete core;
    return s;
  }
  int rc = 0;
  if (kind == Kind::tcp) {
    sockaddr_storage ss;
    local.to_sockaddr(ss);
    rc = uv_tcp_bind(&core->h.tcp, reinterpret_cast<sockaddr*>(&ss), 0);
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
