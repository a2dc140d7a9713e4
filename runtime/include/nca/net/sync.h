// Synchronous helpers for tests and simple tools: each starts the asynchronous operation and runs
// the stream's loop until it completes. They must not be called from inside a callback of that
// loop (libuv's loop is not reentrant), and they run whatever else is active on the loop meanwhile.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>

#include "nca/net/address.h"
#include "nca/net/buffer.h"
#include "nca/net/datagram.h"
#include "nca/net/loop.h"
#include "nca/net/pdu_reader.h"
#include "nca/net/status.h"
#include "nca/net/stream.h"

namespace nca::net::sync {

Result<std::unique_ptr<Stream>> tcp_connect(Loop& loop, const Address& remote,
                                            const ConnectOptions& options = {});
Result<std::unique_ptr<Stream>> unix_connect(Loop& loop, const Address& path);
Status read_all(Stream& stream, MutableBuffer buf);
Status write_all(Stream& stream, ConstBuffer buf);
Result<Bytes> read_pdu(Stream& stream, std::size_t max_size);
Status disconnect(Stream& stream);

struct Received {
  Bytes data;
  Address from;
};
Result<Received> recvfrom(Datagram& dgram);
Status sendto(Datagram& dgram, ConstBuffer data, const Address* to = nullptr);
Status disconnect(Datagram& dgram);

}  // namespace nca::net::sync
