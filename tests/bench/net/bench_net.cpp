// bench_net: how fast nca::net moves DCE/RPC PDUs, against plain blocking sockets.
//
// Each case is a ping-pong: the client sends one CO PDU (16-byte header + payload), the server
// reads it whole and sends it back, the client reads the reply whole; one round trip. nca::net
// runs one event loop thread for the server and one for the client, multiplexing every
// connection; the baseline runs two threads per connection doing blocking read()/write(). Both
// use TCP_NODELAY on TCP, both read a PDU as header then body. Output: round trips per second,
// payload MiB/s (both directions), and nca::net's rate as a ratio of the baseline's; then the
// same per second of CPU the process used (rt/cpu), which a loaded machine distorts far less
// than wall-clock rates (and which does not reward the baseline's 2 threads per connection).
//
// The machine may be shared: each case alternates nca::net and baseline runs kRepeats times and
// keeps each side's best rate, so a burst of someone else's load hurts neither side alone.
//
// Usage: bench_net [seconds-per-measurement, default 0.4] [only cases whose "case/via/conns"
// label contains this, e.g. "throughput/tcp/16"]
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <future>
#include <list>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "nca/net/loop.h"
#include "nca/net/pdu_reader.h"
#include "nca/net/stream.h"
#include "nca/net/sync.h"

using namespace nca::net;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxPdu = 65535;  // frag_length is 16 bits

std::vector<std::uint8_t> make_pdu(std::size_t payload) {
  std::size_t len = kCoHeaderSize + payload;
  std::vector<std::uint8_t> p(len);
  for (std::size_t i = 0; i < len; ++i) p[i] = static_cast<std::uint8_t>(i);
  p[0] = 5;
  p[2] = 0;
  p[3] = 3;
  p[4] = kDrepLittleEndian;
  p[8] = static_cast<std::uint8_t>(len & 0xff);
  p[9] = static_cast<std::uint8_t>(len >> 8);
  return p;
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_net: %s\n", what.c_str());
  std::exit(1);
}

struct Measure {
  double round_trips_per_s;
  double mib_per_s;
  double round_trips_per_cpu_s;  // per second of CPU used by the whole process (both sides)
};

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Measure measure(std::uint64_t round_trips, double elapsed, double cpu, std::size_t payload) {
  double rate = static_cast<double>(round_trips) / elapsed;
  return {rate, rate * 2.0 * static_cast<double>(payload) / (1024.0 * 1024.0),
          static_cast<double>(round_trips) / cpu};
}

// nca::net ----------------------------------------------------------------------------------

// The echo server: its own thread and loop; every accepted connection reads a PDU and writes
// the same buffer back (no copy), forever, until the peer closes.
class NcaServer {
 public:
  explicit NcaServer(const Address& where) {
    std::promise<Address> bound;
    auto bound_future = bound.get_future();
    thread_ = std::thread([this, where, &bound] {
      Loop loop;
      loop_ = &loop;
      auto on_accept = [this](Status s, std::unique_ptr<Stream> stream) {
        if (!s) return;
        conns_.push_back(std::make_unique<Echo>(std::move(stream)));
        conns_.back()->next();
      };
      auto listener = where.is_unix() ? unix_listen(loop, where, on_accept)
                                      : tcp_listen(loop, where, on_accept);
      if (!listener) die("listen: " + listener.status().message());
      listener_ = std::move(listener).value();
      bound.set_value(listener_->local_address());
      loop.keep_alive(true);
      loop.run();
      conns_.clear();
      Status s = loop.close();
      if (!s) die("server loop did not close: " + s.message());
    });
    address_ = bound_future.get();
  }
  ~NcaServer() {
    loop_->post([this] {
      listener_.reset();
      for (auto& c : conns_) c->stream->disconnect(nullptr);
      loop_->keep_alive(false);
    });
    thread_.join();
  }
  const Address& address() const { return address_; }

 private:
  struct Echo {
    explicit Echo(std::unique_ptr<Stream> s) : stream(std::move(s)) {}
    void next() {
      Status s = read_pdu(*stream, kMaxPdu, [this](Status st, Bytes got) {
        if (!st) return;
        pdu = std::move(got);
        Status w = stream->write(pdu, [this](Status ws) {
          if (ws) next();
        });
        if (!w) return;
      });
      (void)s;
    }
    std::unique_ptr<Stream> stream;
    Bytes pdu;
  };

  std::thread thread_;
  Loop* loop_ = nullptr;
  std::unique_ptr<Listener> listener_;
  std::list<std::unique_ptr<Echo>> conns_;
  Address address_;
};

Measure run_nca(const Address& where, std::size_t payload, int connections, double seconds) {
  NcaServer server(where);
  Loop loop;
  auto request = make_pdu(payload);
  // One round trip = the request's write and the reply's read both completed; the write's
  // callback may come after the reply (it runs in libuv's next pending phase).
  struct Pinger {
    Stream* stream;
    ConstBuffer request;
    std::uint64_t count = 0;
    bool* stop;
    int* finished;
    int outstanding = 0;
    void go() {
      outstanding = 2;
      Status w = stream->write(request, [this](Status s) {
        if (!s) die("write: " + s.message());
        done_one();
      });
      if (!w) die("write start: " + w.message());
      Status r = read_pdu(*stream, kMaxPdu, [this](Status s, Bytes reply) {
        if (!s) die("read_pdu: " + s.message());
        if (reply.size() != request.size()) die("reply size");
        done_one();
      });
      if (!r) die("read_pdu start: " + r.message());
    }
    void done_one() {
      if (--outstanding > 0) return;
      ++count;
      if (*stop) {
        ++*finished;
      } else {
        go();
      }
    }
  };
  std::vector<std::unique_ptr<Stream>> streams;
  for (int i = 0; i < connections; ++i) {
    auto s = where.is_unix() ? sync::unix_connect(loop, server.address())
                             : sync::tcp_connect(loop, server.address());
    if (!s) die("connect: " + s.status().message());
    streams.push_back(std::move(s).value());
  }
  bool stop = false;
  int finished = 0;
  std::vector<Pinger> pingers;
  pingers.reserve(static_cast<std::size_t>(connections));
  for (auto& s : streams) pingers.push_back(Pinger{s.get(), request, 0, &stop, &finished, 0});
  auto start = Clock::now();
  double cpu_start = cpu_seconds();
  for (auto& p : pingers) p.go();
  {
    Timer timer(loop);
    timer.start(static_cast<std::uint64_t>(seconds * 1000), [&] { stop = true; });
    loop.run_until([&] { return finished == connections; });
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  double cpu = cpu_seconds() - cpu_start;
  std::uint64_t total = 0;
  for (auto& p : pingers) total += p.count;
  for (auto& s : streams) sync::disconnect(*s);
  streams.clear();
  Status s = loop.close();
  if (!s) die("client loop did not close: " + s.message());
  return measure(total, elapsed, cpu, payload);
}

// Blocking baseline -------------------------------------------------------------------------

bool read_exact(int fd, std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

bool write_exact(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    ssize_t r = ::write(fd, p, n);
    if (r <= 0) return false;
    p += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

// Reads one PDU (header, then body) into buf; false at end of stream.
bool read_pdu_blocking(int fd, std::vector<std::uint8_t>& buf) {
  if (!read_exact(fd, buf.data(), kCoHeaderSize)) return false;
  std::size_t len = static_cast<std::size_t>(buf[8]) | (static_cast<std::size_t>(buf[9]) << 8);
  if (len < kCoHeaderSize || len > kMaxPdu) die("baseline: bad frag_length");
  return read_exact(fd, buf.data() + kCoHeaderSize, len - kCoHeaderSize);
}

void set_nodelay(int fd, bool is_unix) {
  int one = 1;
  if (!is_unix) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Measure run_blocking(const Address& where, std::size_t payload, int connections, double seconds) {
  bool is_unix = where.is_unix();
  int domain = is_unix ? AF_UNIX : AF_INET;
  int lfd = ::socket(domain, SOCK_STREAM, 0);
  sockaddr_storage ss;
  socklen_t len = where.to_sockaddr(ss);
  if (lfd < 0 || ::bind(lfd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(lfd, 128) != 0) {
    die("baseline listen");
  }
  socklen_t blen = sizeof ss;
  getsockname(lfd, reinterpret_cast<sockaddr*>(&ss), &blen);
  if (is_unix) len = blen;

  std::vector<std::thread> servers;
  std::thread acceptor([&] {
    for (int i = 0; i < connections; ++i) {
      int fd = ::accept(lfd, nullptr, nullptr);
      if (fd < 0) die("baseline accept");
      set_nodelay(fd, is_unix);
      servers.emplace_back([fd] {
        std::vector<std::uint8_t> buf(kMaxPdu);
        while (read_pdu_blocking(fd, buf)) {
          std::size_t n = static_cast<std::size_t>(buf[8]) | (static_cast<std::size_t>(buf[9]) << 8);
          if (!write_exact(fd, buf.data(), n)) break;
        }
        ::close(fd);
      });
    }
  });

  auto request = make_pdu(payload);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> total{0};
  std::vector<int> fds;
  for (int i = 0; i < connections; ++i) {
    int fd = ::socket(domain, SOCK_STREAM, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) die("baseline connect");
    set_nodelay(fd, is_unix);
    fds.push_back(fd);
  }
  acceptor.join();
  std::vector<std::thread> clients;
  auto start = Clock::now();
  double cpu_start = cpu_seconds();
  for (int fd : fds) {
    clients.emplace_back([&, fd] {
      std::vector<std::uint8_t> buf(kMaxPdu);
      std::uint64_t count = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!write_exact(fd, request.data(), request.size())) die("baseline write");
        if (!read_pdu_blocking(fd, buf)) die("baseline read");
        ++count;
      }
      total += count;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : clients) t.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  double cpu = cpu_seconds() - cpu_start;
  for (int fd : fds) ::close(fd);
  for (auto& t : servers) t.join();
  ::close(lfd);
  if (is_unix) ::unlink(where.path().c_str());
  return measure(total.load(), elapsed, cpu, payload);
}

// Best of kRepeats alternating runs of each side.
constexpr int kRepeats = 3;

std::pair<Measure, Measure> compare(const Address& where, std::size_t payload, int connections,
                                    double seconds, const std::string& path) {
  Measure best_nca{0, 0, 0};
  Measure best_base{0, 0, 0};
  for (int i = 0; i < kRepeats; ++i) {
    if (where.is_unix()) ::unlink(path.c_str());
    Measure nca = run_nca(where, payload, connections, seconds);
    if (where.is_unix()) ::unlink(path.c_str());
    Measure base = run_blocking(where, payload, connections, seconds);
    auto keep_best = [](Measure& best, const Measure& m) {
      double per_cpu = std::max(best.round_trips_per_cpu_s, m.round_trips_per_cpu_s);
      if (m.round_trips_per_s > best.round_trips_per_s) best = m;
      best.round_trips_per_cpu_s = per_cpu;
    };
    keep_best(best_nca, nca);
    keep_best(best_base, base);
  }
  return {best_nca, best_base};
}

// Report ------------------------------------------------------------------------------------

std::string payload_name(std::size_t payload) {
  if (payload >= 65000) return "64 KiB";
  if (payload >= 1024) return std::to_string(payload / 1024) + " KiB";
  return std::to_string(payload) + " B";
}

void report(const char* what, const char* transport, std::size_t payload, int connections,
            const Measure& nca, const Measure& base) {
  std::printf("%-10s %-5s %7s %5d %10.0f %10.0f %9.1f %9.1f %6.2f %10.0f %10.0f %6.2f\n", what,
              transport, payload_name(payload).c_str(), connections, nca.round_trips_per_s,
              base.round_trips_per_s, nca.mib_per_s, base.mib_per_s,
              nca.round_trips_per_s / base.round_trips_per_s, nca.round_trips_per_cpu_s,
              base.round_trips_per_cpu_s, nca.round_trips_per_cpu_s / base.round_trips_per_cpu_s);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 0.4;
  if (seconds <= 0) die("usage: bench_net [seconds-per-measurement] [filter]");
  std::string filter = argc > 2 ? argv[2] : "";
  auto wanted = [&](const char* what, const char* via, int conns) {
    std::string label = std::string(what) + "/" + via + "/" + std::to_string(conns);
    return label.find(filter) != std::string::npos;
  };
  // 64 KiB means the largest CO fragment: frag_length 65535, so 65519 bytes after the header.
  const std::size_t payloads[] = {16, 1024, kMaxPdu - kCoHeaderSize};
  auto tcp = Address::inet("ipv4", "127.0.0.1", 0).value();
  std::string path = "/tmp/bench_net-" + std::to_string(::getpid()) + ".sock";
  auto unix_addr = Address::unix_path(path).value();

  std::printf("bench_net: best of %d alternating runs of %.2f s each; "
              "ratio = nca::net rate / blocking rate\n",
              kRepeats, seconds);
  std::printf("%-10s %-5s %7s %5s %10s %10s %9s %9s %6s %10s %10s %6s\n", "case", "via",
              "payload", "conns", "nca rt/s", "blk rt/s", "nca MiB/s", "blk MiB/s", "ratio",
              "nca rt/cpu", "blk rt/cpu", "ratio");
  for (const Address* where : {&tcp, &unix_addr}) {
    const char* name = where->is_unix() ? "unix" : "tcp";
    for (std::size_t payload : payloads) {
      if (!wanted("ping-pong", name, 1)) continue;
      auto [nca, base] = compare(*where, payload, 1, seconds, path);
      report("ping-pong", name, payload, 1, nca, base);
    }
  }
  for (int connections : {1, 16, 64}) {
    std::size_t payload = kMaxPdu - kCoHeaderSize;
    if (!wanted("throughput", "tcp", connections)) continue;
    auto [nca, base] = compare(tcp, payload, connections, seconds, path);
    report("throughput", "tcp", payload, connections, nca, base);
  }
  ::unlink(path.c_str());
  return 0;
}
