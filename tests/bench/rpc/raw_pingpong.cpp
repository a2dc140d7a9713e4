// The raw-socket baseline; see raw_pingpong.h. Level-triggered epoll; every step reads or writes
// as far as the socket allows before waiting again, and the direction a connection waits for
// changes only when a write would block, so a round trip costs the same few syscalls a careful
// hand-written server makes.
#include "raw_pingpong.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace rawbench {

namespace {

void set_fast(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Reads into [buf+done, buf+want) as far as possible: false on EOF or an error.
bool read_some(int fd, uint8_t* buf, size_t want, size_t& done) {
  while (done < want) {
    ssize_t n = ::read(fd, buf + done, want - done);
    if (n > 0) {
      done += size_t(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      return true;
    } else {
      return false;
    }
  }
  return true;
}

bool write_some(int fd, const uint8_t* buf, size_t want, size_t& done) {
  while (done < want) {
    ssize_t n = ::send(fd, buf + done, want - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += size_t(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      return true;
    } else {
      return false;
    }
  }
  return true;
}

void watch(int ep, int op, int fd, uint32_t events, void* ptr) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = ptr;
  ::epoll_ctl(ep, op, fd, &ev);
}

struct ServerConn {
  int fd;
  enum { head, body, reply } phase = head;
  uint8_t hdr[8];
  size_t got = 0;
  uint32_t req = 0, resp = 0;
  std::vector<uint8_t> in, out;
  bool want_out = false;
};

}  // namespace

RawServer::RawServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listen_fd_, 256) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("raw server: listen failed");
  port_ = ntohs(a.sin_port);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  watch(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, EPOLLIN, nullptr);
  watch(epoll_fd_, EPOLL_CTL_ADD, stop_fd_, EPOLLIN, &stop_fd_);
  thread_ = std::thread([this] { run(); });
}

RawServer::~RawServer() {
  uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof one);
  thread_.join();
  ::close(listen_fd_);
  ::close(epoll_fd_);
  ::close(stop_fd_);
}

void RawServer::run() {
  std::vector<std::unique_ptr<ServerConn>> conns;
  epoll_event events[64];
  auto drop = [&](ServerConn* c) {
    ::close(c->fd);
    c->fd = -1;
  };
  for (;;) {
    int n = ::epoll_wait(epoll_fd_, events, 64, -1);
    for (int i = 0; i < n; ++i) {
      void* p = events[i].data.ptr;
      if (p == &stop_fd_) {
        for (auto& c : conns)
          if (c->fd >= 0) ::close(c->fd);
        return;
      }
      if (p == nullptr) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        set_fast(fd);
        conns.push_back(std::make_unique<ServerConn>());
        conns.back()->fd = fd;
        watch(epoll_fd_, EPOLL_CTL_ADD, fd, EPOLLIN, conns.back().get());
        continue;
      }
      auto* c = static_cast<ServerConn*>(p);
      if (c->fd < 0) continue;
      for (bool progress = true; progress;) {
        progress = false;
        if (c->phase == ServerConn::head) {
          if (!read_some(c->fd, c->hdr, 8, c->got)) { drop(c); break; }
          if (c->got < 8) break;
          std::memcpy(&c->req, c->hdr, 4);
          std::memcpy(&c->resp, c->hdr + 4, 4);
          if (c->in.size() < c->req) c->in.resize(c->req);
          if (c->out.size() != c->resp) c->out.assign(c->resp, 0x5a);
          c->phase = ServerConn::body;
          c->got = 0;
        }
        if (c->phase == ServerConn::body) {
          if (!read_some(c->fd, c->in.data(), c->req, c->got)) { drop(c); break; }
          if (c->got < c->req) break;
          c->phase = ServerConn::reply;
          c->got = 0;
        }
        if (c->phase == ServerConn::reply) {
          if (!write_some(c->fd, c->out.data(), c->resp, c->got)) { drop(c); break; }
          if (c->got < c->resp) {
            if (!c->want_out) watch(epoll_fd_, EPOLL_CTL_MOD, c->fd, EPOLLOUT, c);
            c->want_out = true;
            break;
          }
          if (c->want_out) watch(epoll_fd_, EPOLL_CTL_MOD, c->fd, EPOLLIN, c);
          c->want_out = false;
          c->phase = ServerConn::head;
          c->got = 0;
          progress = true;  // the next request may already be here
        }
      }
    }
  }
}

RawResult run_clients(uint16_t port, int clients, uint32_t req_size, uint32_t resp_size,
                      double seconds) {
  struct Conn {
    int fd = -1;
    bool writing = true, want_out = false;
    size_t done = 0;
    std::vector<uint8_t> out, in;
  };
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Conn> cs(static_cast<size_t>(clients));
  long long completed = 0;
  bool failed = false;
  for (Conn& c : cs) {
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) failed = true;
    set_fast(c.fd);
    c.out.assign(8 + size_t(req_size), 0x33);
    std::memcpy(c.out.data(), &req_size, 4);
    std::memcpy(c.out.data() + 4, &resp_size, 4);
    c.in.resize(resp_size ? resp_size : 1);
    watch(ep, EPOLL_CTL_ADD, c.fd, EPOLLOUT, &c);
    c.want_out = true;
  }
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto end = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(seconds));
  bool stopping = failed;
  std::vector<epoll_event> events(cs.size());
  while (!stopping) {
    int n = ::epoll_wait(ep, events.data(), int(events.size()), 1000);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n && !stopping; ++i) {
      Conn& c = *static_cast<Conn*>(events[i].data.ptr);
      for (;;) {
        if (c.writing) {
          if (!write_some(c.fd, c.out.data(), c.out.size(), c.done)) { failed = stopping = true; break; }
          if (c.done < c.out.size()) {
            if (!c.want_out) watch(ep, EPOLL_CTL_MOD, c.fd, EPOLLOUT, &c);
            c.want_out = true;
            break;
          }
          c.writing = false;
          c.done = 0;
          if (c.want_out) watch(ep, EPOLL_CTL_MOD, c.fd, EPOLLIN, &c);
          c.want_out = false;
        }
        if (!read_some(c.fd, c.in.data(), resp_size, c.done)) { failed = stopping = true; break; }
        if (c.done < resp_size) break;
        ++completed;
        c.writing = true;
        c.done = 0;
        if (Clock::now() >= end) {
          stopping = true;
          break;
        }
      }
    }
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  for (Conn& c : cs) ::close(c.fd);
  ::close(ep);
  return RawResult{failed ? -1 : completed, elapsed};
}

}  // namespace rawbench
