// Stream: a reliable byte stream (Samba's tstream) and the ways to get one: TCP and unix-socket
// connect and listen, a socketpair, an existing fd, and an in-memory pair for engine tests.
//
// Contract shared by every Stream (the libuv rules):
// - One read and one write may be outstanding at a time; starting a second is Errc::busy.
// - A call that returns an error never runs its callback. A call that returns ok runs its
//   callback exactly once, later on the stream's loop, never inside the call that started it.
// - Buffers passed to readv/writev are borrowed: the memory must stay valid until the callback.
//   The span of buffers itself is copied and may go away when the call returns.
// - disconnect() (or destroying the Stream) closes the transport; outstanding operations then
//   complete with Errc::cancelled before disconnect's own callback runs. After destruction,
//   outstanding callbacks still run (cancelled), so they must not use the destroyed Stream.
// - Only the thread running the stream's Loop may use it.
// New transports (TLS, SASL/GSSAPI wrapping, named pipes) implement this interface; the protocol
// engines only ever see Stream.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <utility>

#include "nca/net/address.h"
#include "nca/net/buffer.h"
#include "nca/net/callback.h"
#include "nca/net/loop.h"
#include "nca/net/status.h"

namespace nca::net {

using IoCallback = Callback<void(Status)>;
// A read_some completion: the status and, when ok, how many bytes arrived (at least one).
using ReadSomeCallback = Callback<void(Status, std::size_t)>;

class Stream {
 public:
  virtual ~Stream() = default;

  virtual Loop& loop() = 0;

  // Reads until every buffer in bufs is full. Completes with ok when they are; Errc::eof when the
  // peer closed before the first byte of this read; Errc::truncated when it closed after some;
  // Errc::cancelled on disconnect; Errc::system for other errors. Start errors: Errc::busy,
  // Errc::not_connected, Errc::invalid_argument (no bytes asked for).
  virtual Status readv(std::span<const MutableBuffer> bufs, IoCallback cb) = 0;
  // Reads what has arrived, at least one byte and at most buf.size(), in one completion: the way
  // to take several small PDUs, or a large one, with as few system calls as the data allows.
  // Completes as readv, with the count; Errc::eof when the peer closed before any byte. The
  // default implementation asks pending_bytes() and reads that many (at least one) with readv;
  // transports override it to read straight into buf.
  virtual Status read_some(MutableBuffer buf, ReadSomeCallback cb);
  // Hands every byte of bufs to the transport (the kernel for sockets); completes with ok when all
  // are, or with the error that stopped it (writing to a closed peer is Errc::system with EPIPE or
  // ECONNRESET). Start errors as readv; an empty write is allowed and completes ok.
  virtual Status writev(std::span<const ConstBuffer> bufs, IoCallback cb) = 0;
  // Closes the transport. cb (may be empty) runs once, after the outstanding operations have
  // completed with Errc::cancelled. Start error: Errc::not_connected if already disconnected.
  virtual Status disconnect(IoCallback cb) = 0;
  // Bytes that a read could take right now without waiting.
  virtual Result<std::size_t> pending_bytes() = 0;

  virtual const Address& local_address() const = 0;
  virtual const Address& remote_address() const = 0;

  // Convenience single-buffer forms.
  Status read(MutableBuffer buf, IoCallback cb) { return readv({&buf, 1}, std::move(cb)); }
  Status write(ConstBuffer buf, IoCallback cb) { return writev({&buf, 1}, std::move(cb)); }
};

// Accepting connections. The accept callback runs once per accepted connection (ok and a
// Stream) or per failed accept (an error and nullptr; listening goes on), always on the loop.
// Destroying the Listener (or close()) stops listening; the callback never runs afterwards.
using AcceptCallback = Callback<void(Status, std::unique_ptr<Stream>)>;

class Listener {
 public:
  virtual ~Listener() = default;
  // The bound address: for TCP with port 0, the port the kernel chose.
  virtual const Address& local_address() const = 0;
  virtual void close() = 0;
};

struct ListenOptions {
  int backlog = 128;
  bool nodelay = true;  // TCP_NODELAY on accepted TCP streams
  // TCP only: SO_REUSEPORT, set before bind, so that several listeners (each on its own loop and
  // thread) bind the same address and port and the kernel spreads new connections among them
  // (Linux hashes the 4-tuple). Every one of them must set it, and they must belong to the same
  // effective user; any other process of that user that sets it may join them. unix_listen
  // refuses it (Errc::invalid_argument): a unix path cannot be bound twice.
  bool reuse_port = false;
};

// Listens on an inet address (port 0: the kernel chooses; see local_address()).
Result<std::unique_ptr<Listener>> tcp_listen(Loop& loop, const Address& local, AcceptCallback cb,
                                             const ListenOptions& options = {});
// Listens on a unix socket path. The path must not exist; closing the Listener removes it.
Result<std::unique_ptr<Listener>> unix_listen(Loop& loop, const Address& path, AcceptCallback cb,
                                              const ListenOptions& options = {});

// Connecting. The callback runs exactly once: ok and a Stream, or an error and nullptr.
using ConnectCallback = Callback<void(Status, std::unique_ptr<Stream>)>;

struct ConnectOptions {
  Address local;         // bind to this first (inet only; empty: the kernel chooses)
  bool nodelay = true;   // TCP_NODELAY: without it a 64 KiB call can stall 40 ms on delayed ACK
};

// A connect in progress; cancel() makes its callback run (later) with Errc::cancelled if it has
// not completed yet. Dropping the ConnectRequest does not cancel. Copyable handle.
class ConnectRequest {
 public:
  struct State;
  ConnectRequest() = default;
  explicit ConnectRequest(std::shared_ptr<State> state) : state_(std::move(state)) {}
  void cancel();

 private:
  std::shared_ptr<State> state_;
};

Result<ConnectRequest> tcp_connect(Loop& loop, const Address& remote, ConnectCallback cb,
                                   const ConnectOptions& options = {});
Result<ConnectRequest> unix_connect(Loop& loop, const Address& path, ConnectCallback cb);

// A connected pair of unix stream sockets.
Result<std::pair<std::unique_ptr<Stream>, std::unique_ptr<Stream>>> stream_socketpair(Loop& loop);
// Wraps an existing connected stream socket (TCP or unix); takes ownership of fd (closed on
// disconnect, also on failure here) and makes it non-blocking.
Result<std::unique_ptr<Stream>> stream_from_fd(Loop& loop, int fd);

// An in-memory connected pair: what one writes the other reads. Each direction buffers up to
// capacity bytes; beyond that a write stays outstanding until the reader drains it. Addresses
// are empty. Meant for protocol-engine tests without sockets.
std::pair<std::unique_ptr<Stream>, std::unique_ptr<Stream>> memory_stream_pair(
    Loop& loop, std::size_t capacity = 256 * 1024);

}  // namespace nca::net
