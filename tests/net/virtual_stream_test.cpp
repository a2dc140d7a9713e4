// A virtual stream (what TLS or SASL wrapping will be) plugs in under the PDU reader and queues
// without any change to them: here a toy XOR "cipher" over any inner Stream.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <vector>

#include "nca/net/pdu_reader.h"
#include "nca/net/stream_queue.h"
#include "nca/net/sync.h"
#include "net_test_util.h"

using namespace nca::net;
using namespace nca::net::test;

namespace {

class XorStream final : public Stream {
 public:
  XorStream(std::unique_ptr<Stream> inner, std::uint8_t key) : inner_(std::move(inner)), key_(key) {}

  Loop& loop() override { return inner_->loop(); }

  Status readv(std::span<const MutableBuffer> bufs, IoCallback cb) override {
    std::vector<MutableBuffer> mine(bufs.begin(), bufs.end());
    return inner_->readv(bufs, [this, mine, cb = std::move(cb)](Status s) mutable {
      if (s) {
        for (auto& b : mine) for (auto& byte : b) byte ^= key_;
      }
      cb(s);
    });
  }

  Status writev(std::span<const ConstBuffer> bufs, IoCallback cb) override {
    // The transformed bytes live in the completion until the inner write is done.
    std::size_t total = 0;
    for (auto& b : bufs) total += b.size();
    auto out = std::make_shared<Bytes>(total);
    std::size_t at = 0;
    for (auto& b : bufs) {
      for (std::size_t i = 0; i < b.size(); ++i) (*out)[at + i] = b[i] ^ key_;
      at += b.size();
    }
    ConstBuffer view = out->span();
    return inner_->writev({&view, 1}, [out, cb = std::move(cb)](Status s) mutable { cb(s); });
  }

  Status disconnect(IoCallback cb) override { return inner_->disconnect(std::move(cb)); }
  Result<std::size_t> pending_bytes() override { return inner_->pending_bytes(); }
  const Address& local_address() const override { return inner_->local_address(); }
  const Address& remote_address() const override { return inner_->remote_address(); }

 private:
  std::unique_ptr<Stream> inner_;
  std::uint8_t key_;
};

}  // namespace

TEST_CASE("virtual_stream_under_the_pdu_reader_and_queues", "[stream][virtual]") {
  Loop loop;
  {
    auto [raw_a, raw_b] = tcp_pair(loop);
    Stream* raw_b_view = raw_b.get();
    XorStream a(std::move(raw_a), 0x5a);
    auto b = std::make_unique<XorStream>(std::move(raw_b), 0x5a);
    auto pdu = make_pdu(300, 1);
    WriteQueue writes(a);
    writes.write(Bytes::copy_of(pdu), [](Status s) { CHECK(s.ok()); });
    writes.write(Bytes::copy_of(pdu), [](Status s) { CHECK(s.ok()); });
    // On the wire the first PDU is transformed, byte for byte...
    std::vector<std::uint8_t> wire(pdu.size());
    REQUIRE(sync::read_all(*raw_b_view, wire).ok());
    std::size_t untransformed = 0;
    for (std::size_t i = 0; i < pdu.size(); ++i) untransformed += wire[i] != (pdu[i] ^ 0x5a);
    CHECK(untransformed == 0);
    // ...and the second comes back whole through the wrapper and the unchanged PDU reader.
    auto second = sync::read_pdu(*b, 4096);
    REQUIRE(second.ok());
    REQUIRE(second->size() == pdu.size());
    CHECK(std::memcmp(second->data(), pdu.data(), pdu.size()) == 0);
  }
  require_clean_close(loop);
}

namespace {

// The fd of this process's socket with these two endpoints, or -1 (found through /proc).
int find_socket_fd(const Address& local, const Address& remote) {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int found = -1;
  while (dirent* e = ::readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) continue;
    auto l = Address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    len = sizeof ss;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) continue;
    auto r = Address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
    if (l.ok() && r.ok() && l.value() == local && r.value() == remote) found = fd;
  }
  ::closedir(dir);
  return found;
}

int nodelay_of(int fd) {
  int value = -1;
  socklen_t len = sizeof value;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &len) != 0) return -1;
  return value;
}

}  // namespace

TEST_CASE("tcp_streams_set_nodelay_by_default", "[stream][tcp]") {
  // Without TCP_NODELAY a 64 KiB call can stall for the peer's delayed ACK (Samba's client
  // loses about 44 ms per call that way): check the socket option the kernel actually holds.
  Loop loop;
  {
    auto [client, server] = tcp_pair(loop);
    int client_fd = find_socket_fd(client->local_address(), client->remote_address());
    int server_fd = find_socket_fd(server->local_address(), server->remote_address());
    REQUIRE(client_fd >= 0);
    REQUIRE(server_fd >= 0);
    CHECK(nodelay_of(client_fd) == 1);
    CHECK(nodelay_of(server_fd) == 1);

    // And it can be turned off, which the check above must be able to tell apart.
    auto listener = tcp_listen(loop, Address::inet("ipv4", "127.0.0.1", 0).value(),
                               [](Status, std::unique_ptr<Stream>) {});
    REQUIRE(listener.ok());
    ConnectOptions plain;
    plain.nodelay = false;
    auto slow = sync::tcp_connect(loop, listener.value()->local_address(), plain);
    REQUIRE(slow.ok());
    int slow_fd = find_socket_fd(slow.value()->local_address(), slow.value()->remote_address());
    REQUIRE(slow_fd >= 0);
    CHECK(nodelay_of(slow_fd) == 0);
  }
  require_clean_close(loop);
}

// Stream's default read_some (a transport that only implements exact reads): it reads what
// pending_bytes() reports, at least one byte, through the wrapper's own readv.
TEST_CASE("virtual_stream_default_read_some", "[stream][virtual]") {
  Loop loop;
  {
    auto [raw_a, raw_b] = tcp_pair(loop);
    XorStream a(std::move(raw_a), 0x21);
    XorStream b(std::move(raw_b), 0x21);
    std::uint8_t buf[64];
    int done = 0;
    std::string text;
    auto read_once = [&] {
      done = 0;
      REQUIRE(b.read_some(buf, [&](Status s, std::size_t n) {
                  REQUIRE(s.ok());
                  REQUIRE(n >= 1);
                  text.append(buf, buf + n);
                  ++done;
                }).ok());
      REQUIRE(loop.run_until([&] { return done == 1; }, 5000));
    };
    // Nothing pending: the read waits for one byte.
    std::uint8_t first[] = {'x'};
    REQUIRE(sync::write_all(a, first).ok());
    read_once();
    CHECK(text == "x");
    // Bytes pending: taken together (up to the buffer), decoded by the wrapper.
    std::string msg = "hello, default read_some";
    REQUIRE(sync::write_all(a, {reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()}).ok());
    loop.run_until([] { return false; }, 20);  // let the bytes arrive
    while (text.size() < 1 + msg.size()) read_once();
    CHECK(text == "x" + msg);
  }
  require_clean_close(loop);
}
