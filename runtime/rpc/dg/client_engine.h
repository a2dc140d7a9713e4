// The datagram client of one binding as a state machine: the activities of a client handle, the
// calls running on them (ClientCall), and the answers to the server's conversation-manager
// callbacks. Fed the datagrams that arrive from the server and timer ticks; hands datagrams to
// send to a callback; time is the Clock it is given. The handle (client.cpp) wires it to a
// socket and the executor's timers; tests wire it to an in-memory network and a ManualClock.
//
// Activities (C706 10.2.1): each runs one call at a time, with sequence numbers that grow by one
// per call, so concurrent calls run on separate activities; an activity whose call ended is
// reused by the next call (its next sequence number acknowledges the previous reply). A call
// given up on (timeout, cancel) is told to the server with cl_cancel, and its activity is reused
// only with a higher sequence number, which makes the server drop the old call's state.
//
// Conversation manager (C706 appendix P, the conv interface): a server that meets an activity
// it does not know asks the client, on an activity of its own, which sequence number the
// activity is at (conv_who_are_you, conv_who_are_you2) or whether the client is alive
// (conv_are_you_there); this engine answers those requests from its activity table.
//
// Threading: one thread. Completions run inside start() (never: a [maybe] call completes inside
// start(), see below), on_datagram() or on_timer().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "client_call.h"
#include "nca/rpc/clock.h"
#include "nca/rpc/function.h"

namespace nca::rpc::dg::detail {

struct ClientEngineConfig {
  size_t fragment_size = 1384;  // stub bytes per request fragment
  uint16_t window = 16;
  size_t max_response = 64 * 1024 * 1024;
  Clock::Duration initial_rto{500};
  Clock::Duration max_rto{8000};
  Clock::Duration comm_timeout{30000};
  // A reply is acked this long after it arrived unless the activity's next call, which
  // acknowledges it implicitly, starts first (C706 10.2.5): back-to-back calls send no acks.
  Clock::Duration ack_delay{1000};
  // Makes activity UUIDs; unset: random (version 4). Tests give a deterministic one.
  std::function<Uuid()> new_activity;
};

struct ClientCallSpec {
  SyntaxId interface;
  uint16_t opnum = 0;
  Uuid object;
  uint8_t flags1 = 0;  // kFlagIdempotent, kFlagMaybe, kFlagBroadcast
  Bytes stub;
};

class ClientEngine {
 public:
  using Send = std::function<void(Bytes datagram)>;
  using Done = UniqueFunction<void(ClientOutcome)>;

  ClientEngine(const Clock& clock, ClientEngineConfig config, Send send);
  ~ClientEngine();

  // Starts a call; `done` runs exactly once, later (inside on_datagram or on_timer), unless the
  // call is abandoned first. A [maybe] call's `done` runs inside start(), once it is sent.
  // Returns an id for abandon().
  uint64_t start(ClientCallSpec spec, Done done);
  // The caller gave up: cl_cancel to the server, `done` never runs.
  void abandon(uint64_t id);

  void on_datagram(ByteView datagram);
  void on_timer();
  // When on_timer() next has work; nullopt when no call is running.
  std::optional<Clock::Duration> next_deadline() const;

  size_t activities() const { return activities_.size(); }
  size_t calls() const { return calls_.size(); }
  uint32_t server_boot() const { return server_boot_; }

 private:
  struct Activity {
    Uuid id;
    uint32_t next_seq = 0;
    uint32_t current_seq = 0;  // the seq of the call running or last run
    uint64_t call = 0;         // the running call's id; 0: free
    Bytes pending_ack;         // the last reply's ack, not sent yet
    Clock::Duration ack_at{0};
  };
  struct Running {
    ClientCall call;
    Done done;
    Activity* activity;
  };
  void flush(std::vector<Bytes>& out);
  void finish(uint64_t id);
  void answer_conv(const Pdu& pdu);
  Activity& free_activity();

  const Clock& clock_;
  ClientEngineConfig cfg_;
  Send send_;
  std::vector<std::unique_ptr<Activity>> activities_;
  std::map<uint64_t, Running> calls_;
  std::map<Uuid, Activity*> by_uuid_;
  uint64_t next_id_ = 1;
  uint32_t server_boot_ = 0;
  uint32_t cancel_id_ = 0;
};

// A random (version 4) UUID, for activity UUIDs.
Uuid random_uuid();

}  // namespace nca::rpc::dg::detail
