#include "client_call.h"

#include <algorithm>
#include <string>

#include "nca/base/require.h"

namespace nca::rpc::dg::detail {

ClientCall::ClientCall(ClientCallParams params, Bytes stub, Clock::Duration now)
    : p_(std::move(params)),
      request_(std::move(stub), p_.fragment_size, p_.window),
      response_(p_.max_response),
      rto_(p_.initial_rto),
      deadline_(now + p_.initial_rto),
      last_heard_(now) {}

Header ClientCall::header(PduType type) const {
  Header h;
  h.type = type;
  h.flags1 = p_.flags1;
  h.object = p_.object;
  h.interface = p_.interface.uuid;
  h.interface_version = uint32_t(p_.interface.major) | uint32_t(p_.interface.minor) << 16;
  h.activity = p_.activity;
  h.server_boot = p_.server_boot;
  h.seq = p_.seq;
  h.opnum = p_.opnum;
  return h;
}

void ClientCall::start(Clock::Duration now, std::vector<Bytes>& out) {
  if (p_.flags1 & kFlagMaybe) {
    // A [maybe] call is sent once, whole, and never answered (C706 10.1.2): no window applies,
    // since nobody facks it.
    Pdu pdu{header(PduType::request), {}, {}};
    for (uint16_t n = 0; n < request_.count(); ++n) {
      pdu.header.fragnum = n;
      pdu.header.flags1 = p_.flags1 | kFlagNoFack;
      if (request_.fragmented()) pdu.header.flags1 |= kFlagFrag;
      if (request_.fragmented() && n + 1 == request_.count()) pdu.header.flags1 |= kFlagLastFrag;
      pdu.header.serial = serial_++;
      pdu.body = request_.fragment(n);
      encode(pdu, out.emplace_back());
    }
    finish({});
    return;
  }
  send_burst(out);
  arm(now);
}

void ClientCall::send_burst(std::vector<Bytes>& out) {
  auto burst = request_.next_burst();
  for (size_t i = 0; i < burst.size(); ++i) {
    uint16_t n = burst[i];
    Pdu pdu{header(PduType::request), request_.fragment(n), {}};
    pdu.header.fragnum = n;
    if (request_.fragmented()) {
      pdu.header.flags1 |= kFlagFrag;
      if (n + 1 == request_.count()) pdu.header.flags1 |= kFlagLastFrag;
      // Ask for a fack on the last fragment of the burst only: one fack per window.
      if (i + 1 != burst.size()) pdu.header.flags1 |= kFlagNoFack;
    }
    pdu.header.serial = serial_++;
    encode(pdu, out.emplace_back());
  }
}

void ClientCall::send_ping(std::vector<Bytes>& out) {
  Pdu pdu{header(PduType::ping), {}, {}};
  pdu.header.serial = serial_++;
  encode(pdu, out.emplace_back());
}

void ClientCall::send_fack(uint16_t serial, std::vector<Bytes>& out) {
  Pdu pdu{header(PduType::fack), {}, {}};
  pdu.header.fragnum = response_.highest_in_order();
  FackBody f;
  f.window_size = p_.window;
  f.max_tsdu = uint32_t(std::min<size_t>(p_.max_response, 0xffffffff));
  f.max_frag_size = uint32_t(p_.fragment_size + kHeaderSize);
  f.serial = serial;
  f.selack = response_.selack();
  pdu.body = std::move(f);
  encode(pdu, out.emplace_back());
}

void ClientCall::send_ack(std::vector<Bytes>& out) {
  if (p_.owner_acks) return;
  out.push_back(ack_pdu());
}

Bytes ClientCall::ack_pdu() const {
  Pdu pdu{header(PduType::ack), {}, {}};
  return encode(pdu);
}

Bytes ClientCall::cancel_pdu(uint32_t cancel_id) {
  Pdu pdu{header(PduType::cl_cancel), CancelBody{0, cancel_id}, {}};
  return encode(pdu);
}

void ClientCall::heard(Clock::Duration now) {
  last_heard_ = now;
  rto_ = p_.initial_rto;
}

void ClientCall::arm(Clock::Duration now) { deadline_ = now + rto_; }

void ClientCall::finish(Status s) {
  if (outcome_) return;
  ClientOutcome o;
  o.status = std::move(s);
  o.server_boot = p_.server_boot;
  outcome_ = std::move(o);
}

ClientOutcome ClientCall::take_outcome() {
  NCA_REQUIRE(outcome_.has_value());
  ClientOutcome o = std::move(*outcome_);
  return o;
}

void ClientCall::on_pdu(const Pdu& pdu, Clock::Duration now, std::vector<Bytes>& out) {
  const Header& h = pdu.header;
  if (done() || h.seq != p_.seq) return;
  // The server's boot time: learnt from its first answer, and a different one later means it
  // restarted and lost whatever it knew of this call (C706 10.2.2, "server boot time").
  if (h.server_boot != 0 && h.type != PduType::reject) {
    if (p_.server_boot == 0) {
      p_.server_boot = h.server_boot;
    } else if (h.server_boot != p_.server_boot) {
      finish(Status(StatusKind::transport, static_cast<uint32_t>(FaultCode::wrong_boot_time),
                    "the server restarted during the call (boot time " + std::to_string(p_.server_boot) +
                        " then " + std::to_string(h.server_boot) + "); it may or may not have run"));
      return;
    }
  }
  switch (h.type) {
    case PduType::response:
      if (auto* stub = std::get_if<ByteView>(&pdu.body)) on_response(pdu, *stub, now, out);
      return;
    case PduType::fault: {
      heard(now);
      server_has_call_ = true;
      uint32_t code = std::get<StatusBody>(pdu.body).status;
      // The fault's stub (a user exception's index) does not travel in a DG fault body.
      Status s = Status::from_fault(Fault(code));
      send_ack(out);
      finish(std::move(s));
      return;
    }
    case PduType::reject: {
      heard(now);
      uint32_t code = std::get<StatusBody>(pdu.body).status;
      std::string name(fault_code_name(code));
      if (code == static_cast<uint32_t>(FaultCode::wrong_boot_time)) {
        finish(Status(StatusKind::transport, code,
                      "the server rejected the call: it restarted since this client last called it "
                      "(nca_s_wrong_boot_time)"));
        return;
      }
      finish(Status(StatusKind::fault, code,
                    "the server rejected the call (reject PDU): " +
                        (name.empty() ? "status " + std::to_string(code) : name)));
      return;
    }
    case PduType::working:
      heard(now);
      server_has_call_ = true;
      request_.ack_all();
      arm(now);
      return;
    case PduType::fack: {
      heard(now);
      on_request_fack(h, std::get_if<FackBody>(&pdu.body));
      send_burst(out);
      arm(now);
      return;
    }
    case PduType::nocall: {
      heard(now);
      if (response_started_) return;  // a stale answer to an earlier ping
      if (auto* f = std::get_if<FackBody>(&pdu.body)) {
        // The server lacks the call: whatever its fack body does not acknowledge is missing,
        // including fragments beyond the highest it has (the end of the last burst).
        on_request_fack(h, f);
        request_.on_timeout();
      } else {
        // The server has nothing of this call: everything again.
        request_.restart();
      }
      send_burst(out);
      arm(now);
      return;
    }
    default:  // cancel_ack is advisory; anything else is not a client's business
      return;
  }
}

void ClientCall::on_request_fack(const Header& h, const FackBody* body) {
  if (body) {
    // Serial numbers wrap at 16 bits: "older" is a negative distance.
    if (fack_serial_ && int16_t(uint16_t(body->serial - *fack_serial_)) < 0) {
      request_.on_fack(h.fragnum, body);  // late: it can only add, never take away
      return;
    }
    fack_serial_ = body->serial;
  }
  // A current fack that knows fewer fragments than were acknowledged: the server dropped the
  // partial request (C706 lets it; ours does after ServerEngineConfig::reassembly_idle). Acked
  // fragments are never sent again otherwise, so start over.
  if (request_.contradicts(h.fragnum)) request_.restart();
  request_.on_fack(h.fragnum, body);
}

void ClientCall::on_response(const Pdu& pdu, ByteView stub, Clock::Duration now,
                             std::vector<Bytes>& out) {
  const Header& h = pdu.header;
  heard(now);
  server_has_call_ = true;
  response_started_ = true;
  request_.ack_all();  // a response acknowledges the whole request (C706 10.2.3)
  if (response_le_ && *response_le_ != h.little_endian()) {
    finish(Status(StatusKind::protocol, static_cast<uint32_t>(FaultCode::proto_error),
                  "response fragments declare different byte orders"));
    return;
  }
  response_le_ = h.little_endian();
  const bool fragmented = h.has(kFlagFrag);
  const bool last = !fragmented || h.has(kFlagLastFrag);
  if (!fragmented && h.fragnum != 0) return;  // malformed; ignore
  switch (response_.add(h.fragnum, last, stub)) {
    case Reassembly::Added::too_large:
      finish(Status(StatusKind::protocol, static_cast<uint32_t>(FaultCode::out_args_too_big),
                    "the response exceeds the client's limit of " + std::to_string(p_.max_response) +
                        " bytes"));
      return;
    case Reassembly::Added::inconsistent:
      finish(Status(StatusKind::protocol, static_cast<uint32_t>(FaultCode::proto_error),
                    "response fragments disagree on which one is last"));
      return;
    default:
      break;
  }
  if (response_.complete()) {
    ClientOutcome o;
    o.stub = response_.take();
    o.little_endian = *response_le_;
    o.server_boot = p_.server_boot;
    // The ack releases the server's copy of the reply (C706 10.2.5); an idempotent call's reply
    // is not cached, but the ack is harmless and ends its fragments' retransmission.
    send_ack(out);
    outcome_ = std::move(o);
    return;
  }
  if (fragmented && !h.has(kFlagNoFack)) send_fack(h.serial, out);
  arm(now);
}

void ClientCall::on_timer(Clock::Duration now, std::vector<Bytes>& out) {
  if (done() || now < deadline_) return;
  if (now - last_heard_ >= p_.comm_timeout) {
    finish(Status(StatusKind::transport, static_cast<uint32_t>(FaultCode::comm_failure),
                  "no answer from the server for " + std::to_string(p_.comm_timeout.count()) +
                      " ms (nca_s_comm_failure)"));
    return;
  }
  rto_ = std::min(rto_ * 2, p_.max_rto);
  if (response_started_) {
    // Fragments of the response are missing: our state, as a fack, makes the server send them.
    send_fack(serial_, out);
  } else if (!request_.all_sent()) {
    request_.on_timeout();
    send_burst(out);
  } else if (!request_.fragmented() && !server_has_call_) {
    // One fragment: sending it again costs what a ping costs and answers the same question.
    request_.restart();
    send_burst(out);
  } else {
    send_ping(out);
  }
  arm(now);
}

}  // namespace nca::rpc::dg::detail
