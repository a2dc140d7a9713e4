// Datagram: an unreliable message transport (Samba's tdgram): UDP and unix datagram sockets.
// Same contract as Stream (stream.h): one recvfrom and one sendto outstanding, errors at start
// mean the callback never runs, otherwise it runs exactly once, later, on the loop; disconnect
// or destruction completes outstanding operations with Errc::cancelled.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>

#include "nca/net/address.h"
#include "nca/net/buffer.h"
#include "nca/net/callback.h"
#include "nca/net/loop.h"
#include "nca/net/status.h"
#include "nca/net/stream.h"

namespace nca::net {

// data and from are valid only during the callback (data points into the Datagram's receive
// buffer); on error data is empty.
using RecvCallback = Callback<void(Status, ConstBuffer data, const Address& from)>;

class Datagram {
 public:
  virtual ~Datagram() = default;
  virtual Loop& loop() = 0;

  // Completes with the next non-empty datagram (empty ones are skipped). A datagram larger than
  // kMaxDatagram completes with Errc::system (EMSGSIZE) and is dropped.
  virtual Status recvfrom(RecvCallback cb) = 0;
  // Sends data (borrowed until cb) to `to`, or to the connected peer when to is nullptr.
  // Start errors: Errc::busy, Errc::not_connected, Errc::invalid_argument (no destination, or a
  // destination on a connected socket, or the wrong address family).
  virtual Status sendto(ConstBuffer data, const Address* to, IoCallback cb) = 0;
  virtual Status disconnect(IoCallback cb) = 0;

  virtual const Address& local_address() const = 0;
  // The connected peer; empty when not connected.
  virtual const Address& remote_address() const = 0;

  static constexpr std::size_t kMaxDatagram = 65536;
};

// A UDP socket bound to local (port 0: the kernel chooses), connected to remote unless empty.
Result<std::unique_ptr<Datagram>> udp_open(Loop& loop, const Address& local,
                                           const Address& remote = {});
// A unix datagram socket bound to local (unless empty), connected to remote (unless empty).
// A bound path must not exist; disconnect removes it.
Result<std::unique_ptr<Datagram>> unix_dgram_open(Loop& loop, const Address& local,
                                                  const Address& remote = {});

// Serialises sendto()s on one Datagram: each queued datagram (owned by the queue) is sent when
// the previous one has completed. Callbacks run exactly once each, in order, never inside
// sendto(). Destroying the queue completes the datagrams not yet started with Errc::cancelled.
class SendQueue {
 public:
  explicit SendQueue(Datagram& dgram);
  ~SendQueue();
  SendQueue(const SendQueue&) = delete;
  SendQueue& operator=(const SendQueue&) = delete;

  // `to` empty: the connected peer.
  void sendto(Bytes data, const Address& to, IoCallback cb);
  // Queued plus in flight.
  std::size_t length() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace nca::net
