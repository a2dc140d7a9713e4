// A deterministic world for the datagram engines: one ManualClock, an in-memory network between
// client engines and a server engine with a seeded fault injector (loss, duplication, delay and
// so reordering, truncation, corruption), and a counting test service. No sockets, no threads:
// the same seed gives the same run, datagram for datagram.
//
// Corruption models what a real datagram path does with it: the bytes are damaged in flight and
// the receiving "socket" checks the checksum the sender put on (as UDP's does) and drops the
// datagram; truncation is delivered as it is (a datagram the kernel cut short is still
// delivered), so the engines' decoders see it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "client_engine.h"
#include "conv.h"
#include "nca/rpc/clock.h"
#include "nca/rpc/server.h"
#include "server_engine.h"

namespace dgtest {

using namespace nca::rpc;
using namespace nca::rpc::dg;
using Ms = Clock::Duration;
namespace dgd = nca::rpc::dg::detail;

inline uint64_t get64(nca::rpc::dg::ByteView b);

struct Faults {
  double loss = 0, duplicate = 0, truncate = 0, corrupt = 0;
  Ms min_delay{1}, max_delay{1};  // uniform; a spread reorders
};

class Network {
 public:
  using Sink = std::function<void(nca::rpc::dg::ByteView, const nca::net::Address& from)>;
  Network(ManualClock& clock, uint64_t seed) : clock_(clock), rng_(seed) {}

  Faults faults;
  uint64_t sent = 0, delivered = 0, dropped = 0;
  bool trace = false;  // print every datagram's fate to stderr (debugging a failing seed)
  // Drops the datagrams it returns true for (a targeted loss), before the random faults.
  std::function<bool(const Bytes&)> drop_if;

  void attach(const nca::net::Address& addr, Sink sink) { sinks_[addr.to_string()] = std::move(sink); }

  void send(const nca::net::Address& from, const nca::net::Address& to, Bytes d) {
    ++sent;
    if (trace) {
      auto p = decode(d);
      if (p.ok()) {
        const Header& h = p.value().header;
        unsigned long long tag = 0;
        if (auto* b = std::get_if<ByteView>(&p.value().body); b && b->size() >= 8 && h.fragnum == 0) tag = get64(*b);
        fprintf(stderr, "%6lld %s -> %s act %02x%02x %s seq %u frag %u flags %02x tag %llu\n",
                (long long)clock_.now().count(), from.to_string().c_str(), to.to_string().c_str(), h.activity.bytes[0],
                h.activity.bytes[15], std::string(to_string(h.type)).c_str(), h.seq, h.fragnum, h.flags1, tag);
      }
    }
    if ((drop_if && drop_if(d)) || chance(faults.loss)) {
      if (trace) fprintf(stderr, "       lost\n");
      ++dropped;
      return;
    }
    int copies = chance(faults.duplicate) ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      Bytes copy = d;
      bool damaged = false;
      if (chance(faults.truncate) && !copy.empty()) copy.resize(pick(copy.size()));
      if (chance(faults.corrupt) && !copy.empty()) {
        copy[pick(copy.size())] ^= uint8_t(1 + pick(255));
        damaged = true;
      }
      Ms delay = faults.min_delay + Ms(pick(size_t((faults.max_delay - faults.min_delay).count()) + 1));
      queue_.emplace(std::make_pair(clock_.now() + delay, order_++), Item{from, to, std::move(copy), damaged});
    }
  }

  std::optional<Ms> next_arrival() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.begin()->first.first;
  }

  // Delivers every datagram due by now, in arrival order.
  void deliver() {
    while (!queue_.empty() && queue_.begin()->first.first <= clock_.now()) {
      Item it = std::move(queue_.begin()->second);
      queue_.erase(queue_.begin());
      if (it.damaged) {  // the receiver's checksum catches it
        if (trace) fprintf(stderr, "%6lld damaged\n", (long long)clock_.now().count());
        ++dropped;
        continue;
      }
      auto s = sinks_.find(it.to.to_string());
      if (s == sinks_.end()) continue;
      ++delivered;
      s->second(it.data, it.from);
    }
  }

  bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  size_t pick(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

 private:
  struct Item {
    nca::net::Address from, to;
    Bytes data;
    bool damaged;
  };
  ManualClock& clock_;
  std::mt19937_64 rng_;
  std::map<std::pair<Ms, uint64_t>, Item> queue_;
  uint64_t order_ = 0;
  std::map<std::string, Sink> sinks_;
};

inline nca::net::Address addr(const std::string& ip, uint16_t port) {
  return nca::net::Address::inet("ipv4", ip, port).value();
}

// A raw test interface. Request stub: tag (8 bytes, unique per call), delay in ms (4), reply
// size (4), then any padding. Reply: the tag, then reply-size bytes (byte i = tag + i).
// opnum 0 runs at most once, opnum 1 is [idempotent], opnum 2 is [maybe].
inline constexpr SyntaxId kTestIf{Uuid::from_literal("6f1c0b0e-7c3a-4d6b-9a51-2e8c4f0d1a77"), 1, 0};

struct Service {
  std::map<uint64_t, int> executions;  // by tag
  std::vector<std::pair<Ms, ServerCall>> sleeping;
  const Clock* clock = nullptr;
  uint64_t cancels = 0;
};

inline uint64_t get64(nca::rpc::dg::ByteView b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(b[i]) << (8 * i);
  return v;
}
inline uint32_t get32(nca::rpc::dg::ByteView b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 | uint32_t(b[at + 3]) << 24;
}

inline Bytes request_stub(uint64_t tag, uint32_t delay_ms, uint32_t reply_size, size_t pad) {
  Bytes b;
  for (int i = 0; i < 8; ++i) b.push_back(uint8_t(tag >> (8 * i)));
  for (int i = 0; i < 4; ++i) b.push_back(uint8_t(delay_ms >> (8 * i)));
  for (int i = 0; i < 4; ++i) b.push_back(uint8_t(reply_size >> (8 * i)));
  for (size_t i = 0; i < pad; ++i) b.push_back(uint8_t(tag * 7 + i));
  return b;
}

inline Bytes expected_reply(uint64_t tag, uint32_t size) {
  Bytes b;
  for (int i = 0; i < 8; ++i) b.push_back(uint8_t(tag >> (8 * i)));
  for (uint32_t i = 0; i < size; ++i) b.push_back(uint8_t(tag + i));
  return b;
}

inline void handle(void* impl, ServerCall call) {
  auto* s = static_cast<Service*>(impl);
  auto& raw = *static_cast<RawArgs*>(call.args());
  if (raw.in.size() < 16) return call.fault(Fault(FaultCode::fault_ndr));
  uint64_t tag = get64(raw.in);
  uint32_t delay = get32(raw.in, 8);
  raw.out = expected_reply(tag, get32(raw.in, 12));
  ++s->executions[tag];
  call.on_cancel([s] { ++s->cancels; });
  if (delay == 0) return call.complete();
  s->sleeping.emplace_back(s->clock->now() + Ms(delay), std::move(call));
}

inline const InterfaceSpec& test_spec() {
  static const OperationSpec ops[] = {
      raw_operation("once", 0),
      [] { auto o = raw_operation("again", 1); o.idempotent = true; return o; }(),
      [] { auto o = raw_operation("maybe", 2); o.maybe = true; o.idempotent = true; return o; }(),
  };
  static const SyntaxId ts[] = {kNdr20};
  static const InterfaceSpec spec{"dgtest", kTestIf, ts, ops, {}};
  return spec;
}

inline void register_service(ServerCore& core, Service& s) {
  static const HandlerFn handlers[] = {handle, handle, handle};
  core.register_interface(ServerInterface{&test_spec(), handlers, &s});
}

// Completes the sleeping calls that are due.
inline void wake(Service& s) {
  for (size_t i = 0; i < s.sleeping.size();) {
    if (s.sleeping[i].first <= s.clock->now()) {
      ServerCall c = std::move(s.sleeping[i].second);
      s.sleeping.erase(s.sleeping.begin() + long(i));
      if (c.pending()) c.complete();
    } else {
      ++i;
    }
  }
}

// One server engine (with its conv caller) and N client engines on the network.
struct World {
  ManualClock clock;
  Network net;
  ServerCore core;
  Service service;
  nca::net::Address server_addr = addr("10.0.0.1", 135);
  std::unique_ptr<dgd::ConvCaller> conv;
  std::unique_ptr<dgd::ServerEngine> server;
  struct Client {
    nca::net::Address addr;
    std::unique_ptr<dgd::ClientEngine> engine;
  };
  std::vector<std::unique_ptr<Client>> clients;
  uint64_t uuid_counter = 0;
  Ms server_tick{0};

  explicit World(uint64_t seed, dgd::ServerEngineConfig cfg = {}, bool callback = true) : net(clock, seed) {
    service.clock = &clock;
    register_service(core, service);
    dgd::ClientCallParams timing;
    timing.initial_rto = Ms(300);
    timing.max_rto = Ms(2000);
    timing.comm_timeout = Ms(600000);
    conv = std::make_unique<dgd::ConvCaller>(clock, cfg.boot_time, timing,
                                                [this](Bytes d, const nca::net::Address& to) {
                                                  net.send(server_addr, to, std::move(d));
                                                },
                                                [this] {
                                                  Uuid u;
                                                  uint64_t n = ++uuid_counter;
                                                  for (int i = 0; i < 8; ++i) u.bytes[i] = uint8_t(n >> (8 * i));
                                                  u.bytes[15] = 0xc0;  // the server's callbacks
                                                  return u;
                                                });
    if (callback)
      cfg.callback = [this](const nca::net::Address& peer, const Uuid& act,
                            std::function<void(std::optional<uint32_t>)> answer) {
        conv->ask(peer, act, std::move(answer));
      };
    server = std::make_unique<dgd::ServerEngine>(
        core, clock, std::move(cfg),
        [this](Bytes d, const nca::net::Address& to) { net.send(server_addr, to, std::move(d)); });
    net.attach(server_addr, [this](nca::rpc::dg::ByteView d, const nca::net::Address& from) {
      auto pdu = decode(d);
      if (pdu.ok() && pdu.value().header.type != PduType::request && conv->on_pdu(pdu.value(), from)) return;
      server->on_datagram(d, from);
    });
  }

  dgd::ClientEngine& add_client(dgd::ClientEngineConfig cfg = {}) {
    auto c = std::make_unique<Client>();
    c->addr = addr("10.0.1." + std::to_string(clients.size() + 1), 4000);
    Client* p = c.get();
    if (!cfg.new_activity)
      cfg.new_activity = [this] {
        Uuid u;
        uint64_t n = ++uuid_counter;
        for (int i = 0; i < 8; ++i) u.bytes[i] = uint8_t(n >> (8 * i));
        u.bytes[15] = 0xd9;
        return u;
      };
    c->engine = std::make_unique<dgd::ClientEngine>(
        clock, std::move(cfg), [this, p](Bytes d) { net.send(p->addr, server_addr, std::move(d)); });
    net.attach(p->addr, [p](nca::rpc::dg::ByteView d, const nca::net::Address&) { p->engine->on_datagram(d); });
    clients.push_back(std::move(c));
    return *clients.back()->engine;
  }

  // Moves time to the next event (a datagram arriving, a client or conv deadline, a sleeping
  // call waking, the server's 1-second tick) and runs it. False when nothing is left to happen.
  bool step() {
    std::optional<Ms> next = net.next_arrival();
    auto consider = [&](std::optional<Ms> t) {
      if (t && (!next || *t < *next)) next = t;
    };
    for (auto& c : clients) consider(c->engine->next_deadline());
    consider(conv->next_deadline());
    for (auto& [t, call] : service.sleeping) consider(t);
    if (!next) return false;
    if (*next > clock.now()) clock.advance(*next - clock.now());
    if (clock.now() >= server_tick + Ms(1000)) {
      server_tick = clock.now();
      server->on_timer();
    }
    net.deliver();
    wake(service);
    conv->on_timer();
    for (auto& c : clients) c->engine->on_timer();
    return true;
  }

  void run(size_t max_steps = 10'000'000) {
    for (size_t i = 0; i < max_steps && step(); ++i) {
    }
  }
};

}  // namespace dgtest
