// A raw-socket ping-pong for bench_rpc_cn's baseline: plain non-blocking TCP sockets and epoll,
// no library between the program and the kernel, TCP_NODELAY on both sides. A request is
// [u32 request length][u32 response length][request bytes]; the server answers with exactly
// `response length` bytes. One server thread serves every connection; the clients run on the
// calling thread, each keeping one request in flight (the same shape as the RPC cases).
#pragma once

#include <cstddef>
#include <cstdint>
#include <thread>

namespace rawbench {

// Listens on 127.0.0.1 (a kernel-chosen port) and serves on its own thread until destroyed.
class RawServer {
 public:
  RawServer();
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;
  uint16_t port() const { return port_; }

 private:
  void run();
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int stop_fd_ = -1;  // an eventfd that wakes and stops run()
  uint16_t port_ = 0;
  std::thread thread_;
};

struct RawResult {
  long long calls = 0;  // completed round trips; -1 if a socket operation failed
  double seconds = 0;   // from the first request to the last response
};

// Runs `clients` connections against the server at `port` for about `seconds`, each a loop of
// request (req_size bytes of payload) then response (resp_size bytes, at least 1).
RawResult run_clients(uint16_t port, int clients, uint32_t req_size, uint32_t resp_size,
                      double seconds);

}  // namespace rawbench
