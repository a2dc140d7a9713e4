// One call of the datagram client as a state machine (C706 10.2, "client call"): fed the PDUs
// of its activity and timer ticks, it produces the PDUs to send and, once, the call's outcome.
// It owns no socket, no timer and no clock: every entry point takes `now` (a Clock reading) and
// appends what to send to `out`; deadline() says when on_timer() wants to run next. So every
// reliability behaviour is testable with a ManualClock and an in-memory network.
//
// What it does:
//  - sends the request in fragments under Transmission's congestion window, asking for a fack on
//    the last fragment of each burst; retransmits on a fack that shows a loss and on timeout;
//  - after the request, waits: on each timeout (backing off from initial_rto to max_rto) it sends
//    a ping, or the whole request again when it is one fragment (the server answers a duplicate
//    as it answers a ping); `working` means the server has the call, `nocall` that it has not all
//    of it (its fack body, if any, says which fragments arrived);
//  - reassembles the response out of order (facking the fragments that ask for it, and sending
//    its reassembly state as a fack on timeout when fragments are missing), then acks it;
//  - a fault or reject ends the call with the server's status; a server boot time that changes
//    under the call ends it with kind transport (the server restarted: a non-idempotent call may
//    or may not have run); nothing heard from the server for comm_timeout ends it with kind
//    transport.
#pragma once

#include <optional>
#include <vector>

#include "fragments.h"
#include "nca/rpc/clock.h"
#include "nca/rpc/dg/pdu.h"
#include "nca/rpc/status.h"

namespace nca::rpc::dg::detail {

struct ClientCallParams {
  Uuid activity;
  uint32_t seq = 0;
  SyntaxId interface;
  uint16_t opnum = 0;
  Uuid object;
  uint8_t flags1 = 0;          // kFlagIdempotent, kFlagMaybe, kFlagBroadcast as the operation says
  uint32_t server_boot = 0;    // the server's boot time if known (0: not yet)
  size_t fragment_size = 1384;  // stub bytes per request fragment
  uint16_t window = 16;         // our receive window, advertised in our facks
  size_t max_response = 64 * 1024 * 1024;
  Clock::Duration initial_rto{500};
  Clock::Duration max_rto{8000};
  Clock::Duration comm_timeout{30000};
  // Leave the ack to the owner (ack_pdu()), which may delay it and drop it when the activity's
  // next call acknowledges the reply implicitly (C706 10.2.5); false: ack at once.
  bool owner_acks = false;
};

struct ClientOutcome {
  Status status;                // ok, or why the call failed
  Bytes stub;                   // the response stub when ok
  bool little_endian = true;    // the byte order the server declared for it
  uint32_t server_boot = 0;     // what the server said its boot time is (0: never heard)
};

class ClientCall {
 public:
  ClientCall(ClientCallParams params, Bytes stub, Clock::Duration now);

  // Sends the first burst. A [maybe] call is finished after it (there is no answer to wait for).
  void start(Clock::Duration now, std::vector<Bytes>& out);
  // A PDU of this activity (the caller routes by activity UUID); other sequence numbers are
  // ignored.
  void on_pdu(const Pdu& pdu, Clock::Duration now, std::vector<Bytes>& out);
  // Call at or after deadline().
  void on_timer(Clock::Duration now, std::vector<Bytes>& out);

  Clock::Duration deadline() const { return deadline_; }
  bool done() const { return outcome_.has_value(); }
  // Precondition: done(). Once.
  ClientOutcome take_outcome();

  const ClientCallParams& params() const { return p_; }
  // The server has executed or is executing the call (working, a response fragment, a fault).
  bool server_has_call() const { return server_has_call_; }
  // A cl_cancel for this call, to send when the caller gives up on it.
  Bytes cancel_pdu(uint32_t cancel_id);
  // The ack of this call's reply (for ClientCallParams::owner_acks).
  Bytes ack_pdu() const;

 private:
  Header header(PduType type) const;
  void send_burst(std::vector<Bytes>& out);
  void send_ping(std::vector<Bytes>& out);
  void send_fack(uint16_t serial, std::vector<Bytes>& out);
  void send_ack(std::vector<Bytes>& out);
  void heard(Clock::Duration now);
  void finish(Status s);
  void arm(Clock::Duration now);
  void on_request_fack(const Header& h, const FackBody* body);
  void on_response(const Pdu& pdu, ByteView stub, Clock::Duration now, std::vector<Bytes>& out);

  ClientCallParams p_;
  Transmission request_;
  Reassembly response_;
  std::optional<bool> response_le_;
  uint16_t serial_ = 0;
  // The newest fack seen, by the serial number of the fragment that caused it: an older one
  // arriving late says less than we know and is no sign of a server that forgot.
  std::optional<uint16_t> fack_serial_;
  Clock::Duration rto_;
  Clock::Duration deadline_;
  Clock::Duration last_heard_;
  bool server_has_call_ = false;
  bool response_started_ = false;
  std::optional<ClientOutcome> outcome_;
};

}  // namespace nca::rpc::dg::detail
