#include "nca/net/sync.h"

#include <optional>

namespace nca::net::sync {

namespace {

// Runs the loop until the completion has filled `result`.
template <class T>
Result<T> wait(Loop& loop, std::optional<Result<T>>& result) {
  loop.run_until([&] { return result.has_value(); });
  if (!result) return Status(Errc::system, 0, "the loop ran out of work before completion");
  return std::move(*result);
}

Status wait_status(Loop& loop, std::optional<Status>& status) {
  loop.run_until([&] { return status.has_value(); });
  if (!status) return Status(Errc::system, 0, "the loop ran out of work before completion");
  return *status;
}

Result<std::unique_ptr<Stream>> wait_connect(Loop& loop, Result<ConnectRequest> started,
                                             std::optional<Result<std::unique_ptr<Stream>>>& out) {
  if (!started) return started.status();
  return wait(loop, out);
}

ConnectCallback connect_into(std::optional<Result<std::unique_ptr<Stream>>>& out) {
  return [&out](Status s, std::unique_ptr<Stream> stream) {
    if (s) {
      out.emplace(std::move(stream));
    } else {
      out.emplace(s);
    }
  };
}

}  // namespace

Result<std::unique_ptr<Stream>> tcp_connect(Loop& loop, const Address& remote,
                                            const ConnectOptions& options) {
  std::optional<Result<std::unique_ptr<Stream>>> out;
  return wait_connect(loop, nca::net::tcp_connect(loop, remote, connect_into(out), options), out);
}

Result<std::unique_ptr<Stream>> unix_connect(Loop& loop, const Address& path) {
  std::optional<Result<std::unique_ptr<Stream>>> out;
  return wait_connect(loop, nca::net::unix_connect(loop, path, connect_into(out)), out);
}

Status read_all(Stream& stream, MutableBuffer buf) {
  std::optional<Status> done;
  if (Status s = stream.read(buf, [&done](Status s) { done = s; }); !s) return s;
  return wait_status(stream.loop(), done);
}

Status write_all(Stream& stream, ConstBuffer buf) {
  std::optional<Status> done;
  if (Status s = stream.write(buf, [&done](Status s) { done = s; }); !s) return s;
  return wait_status(stream.loop(), done);
}

Result<Bytes> read_pdu(Stream& stream, std::size_t max_size) {
  std::optional<Result<Bytes>> out;
  Status s = nca::net::read_pdu(stream, max_size, [&out](Status s, Bytes pdu) {
    if (s) {
      out.emplace(std::move(pdu));
    } else {
      out.emplace(s);
    }
  });
  if (!s) return s;
  return wait(stream.loop(), out);
}

Status disconnect(Stream& stream) {
  std::optional<Status> done;
  if (Status s = stream.disconnect([&done](Status s) { done = s; }); !s) return s;
  return wait_status(stream.loop(), done);
}

Result<Received> recvfrom(Datagram& dgram) {
  std::optional<Result<Received>> out;
  Status s = dgram.recvfrom([&out](Status s, ConstBuffer data, const Address& from) {
    if (s) {
      out.emplace(Received{Bytes::copy_of(data), from});
    } else {
      out.emplace(s);
    }
  });
  if (!s) return s;
  return wait(dgram.loop(), out);
}

Status sendto(Datagram& dgram, ConstBuffer data, const Address* to) {
  std::optional<Status> done;
  if (Status s = dgram.sendto(data, to, [&done](Status s) { done = s; }); !s) return s;
  return wait_status(dgram.loop(), done);
}

Status disconnect(Datagram& dgram) {
  std::optional<Status> done;
  if (Status s = dgram.disconnect([&done](Status s) { done = s; }); !s) return s;
  return wait_status(dgram.loop(), done);
}

}  // namespace nca::net::sync
