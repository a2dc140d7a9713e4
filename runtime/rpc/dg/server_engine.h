// The datagram server as a state machine (C706 10.2, "server call"): fed datagrams with their
// source address and timer ticks, it dispatches calls to a ServerCore and hands the datagrams to
// send to a callback. It owns no socket and no timer; time is the Clock it is given, so every
// reliability behaviour is testable with a ManualClock and an in-memory network.
//
// Per activity (keyed by source address and activity UUID, so a peer cannot disturb another
// peer's activities without spoofing its address too):
//  - sequence numbers: a request below the activity's current one is stale and dropped; a
//    higher one starts a new call (and implicitly acknowledges the previous reply);
//  - fragments are reassembled out of order, facked when a fragment asks for it, bounded per
//    call (max_request_size) and over all activities (max_reassembly_total);
//  - at-most-once: a non-idempotent call runs once; duplicates of its request and pings are
//    answered from state (nocall with a fack body while fragments are missing, working while it
//    runs, the cached reply once it has run), and the reply is kept until the client acks it,
//    calls again on the activity, or the activity expires;
//  - an unknown activity's first non-idempotent call may first be checked with the client
//    (conv_who_are_you2, ServerEngineConfig::callback) so that a request retransmitted from
//    before a server restart is not run again; idempotent and [maybe] calls never are;
//  - cl_cancel reaches the handler (ServerCall::on_cancel) and is answered with cancel_ack;
//  - rejects (C706 12.5.3.9): unknown interface nca_s_unk_if, opnum out of range
//    nca_s_op_rng_error, a request addressed to another boot of this server
//    nca_s_wrong_boot_time, a request beyond the limits nca_s_server_too_busy (activities) or
//    nca_s_proto_error (size); faults: the ServerCore's.
//
// Limits have safe defaults (ServerEngineConfig). Threading: one thread. The ServerCore and the
// Clock must outlive the engine; replies that complete after the engine is gone are dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "nca/net/address.h"
#include "nca/rpc/clock.h"
#include "nca/rpc/dg/pdu.h"
#include "nca/rpc/server.h"

namespace nca::rpc::dg::detail {

struct ServerEngineConfig {
  std::string transport = "ncadg_ip_udp";  // CallerContext::transport
  uint32_t boot_time = 1;                  // sent in every PDU; a request naming another is rejected
  size_t fragment_size = 1384;             // stub bytes per response fragment
  uint16_t window = 16;                    // fragments we buffer per call, advertised in facks
  size_t max_activities = 4096;
  size_t max_request_size = 4 * 1024 * 1024;
  size_t max_reassembly_total = 64 * 1024 * 1024;
  size_t max_reply_cache_total = 64 * 1024 * 1024;
  // An activity with no call running and nothing heard for this long is forgotten (its cached
  // reply too); a partly received request idle this long is dropped.
  Clock::Duration activity_idle{300000};
  Clock::Duration reassembly_idle{30000};
  // Verify an unknown activity with the client before running its first non-idempotent call:
  // called with the activity's peer and UUID, its answer (the client's current sequence number,
  // or nothing when the client could not be asked) comes through the callback, later or at once.
  // Unset: such calls run without the check (the reply cache still protects every activity the
  // server knows).
  std::function<void(const net::Address& peer, const Uuid& activity,
                      std::function<void(std::optional<uint32_t> seq)> answer)>
      callback;
};

struct ServerEngineStats {
  uint64_t executed = 0;       // calls dispatched to the core
  uint64_t duplicates = 0;     // request fragments already held or already run
  uint64_t rejected = 0;
  uint64_t decode_errors = 0;
};

class ServerEngine {
 public:
  using Send = std::function<void(Bytes datagram, const net::Address& to)>;
  ServerEngine(ServerCore& core, const Clock& clock, ServerEngineConfig config, Send send);
  ~ServerEngine();
  ServerEngine(const ServerEngine&) = delete;
  ServerEngine& operator=(const ServerEngine&) = delete;

  void on_datagram(ByteView datagram, const net::Address& from);
  // Expiry of idle activities and reassemblies; call now and then (every second is plenty).
  void on_timer();

  const ServerEngineStats& stats() const;
  size_t activities() const;
  size_t reassembly_bytes() const;
  size_t reply_cache_bytes() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nca::rpc::dg::detail
