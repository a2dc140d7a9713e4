// The connectionless client: a BindingHandle over datagrams (ncadg_ip_udp, or any connected
// net::Datagram such as a unix datagram socket), C706 chapter 10.
//
// Every call runs on an activity of its own (concurrent calls on separate activities; a finished
// activity is reused with the next sequence number). Requests and responses are cut into
// fragments of ClientConfig::max_frag bytes and sent under a fack window; lost fragments are
// retransmitted with back-off; while the server runs the call the client pings and the server
// answers `working`. Operations marked [idempotent] in the IDL are sent so (the server may run
// them again on a retransmission); others are at-most-once: the server caches the reply until
// the client acks it. A [maybe] operation completes once its request is sent, with no reply.
// Only NDR20 is used (no bind negotiates NDR64 over datagrams). The handle answers the server's
// conversation-manager callback (conv_who_are_you2) from its activities.
//
// Errors: a fault PDU is kind fault with the server's status; a reject PDU is kind fault with
// the reject status and a message saying the call was rejected (nca_s_unk_if,
// nca_s_op_rng_error, ...); a server that restarted under the call (another boot time) or
// rejects with nca_s_wrong_boot_time, and a server silent for ClientConfig::comm_timeout, are
// kind transport. Timeout and cancel (BindingHandle) send cl_cancel and drop the late reply.
//
// Threading: the executor's loop thread only. The executor must outlive the handle. Destroying
// the handle closes its socket and ends pending calls with kind cancelled. Authentication over
// datagrams is not implemented: a binding asking for it fails every call (kind protocol).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "nca/net/datagram.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/binding_handle.h"
#include "nca/rpc/call_stats.h"
#include "nca/rpc/endpoint_resolver.h"
#include "nca/rpc/loop_executor.h"

namespace nca::rpc::dg {

struct ClientConfig {
  // The largest datagram sent (header included). C706's default suits any path with an
  // Ethernet MTU; on loopback a larger one means fewer fragments (at most 65535).
  uint16_t max_frag = 1464;
  // Fragments the handle buffers per response, advertised in its facks.
  uint16_t window = 32;
  size_t max_response_size = 64 * 1024 * 1024;
  // Retransmission: the first timeout, its ceiling as it doubles, and how long the server may
  // be silent (no answer, no `working`) before the call fails.
  Executor::Duration initial_rto{300};
  Executor::Duration max_rto{4000};
  Executor::Duration comm_timeout{30000};
  // Resolves a binding without an endpoint (ncadg_ip_udp:HOST) through an endpoint mapper
  // (nca/rpc/endpoint_resolver.h). Null: such a binding fails with kind transport.
  std::shared_ptr<EndpointResolver> resolver;
  CallStats* stats = nullptr;  // counts calls out, as cn::ClientConfig::stats
};

class ClientHandle final : public MarshallingHandle {
 public:
  // ncadg_ip_udp with a numeric IPv4/IPv6 host (or "localhost") and a port; without a port the
  // endpoint is resolved first (ClientConfig::resolver). The binding's object UUID is the
  // default object of calls that give none.
  ClientHandle(LoopExecutor& executor, Binding binding, ClientConfig config = {});
  // Over an already-connected datagram socket (a unix datagram pair, tests).
  ClientHandle(LoopExecutor& executor, std::unique_ptr<net::Datagram> socket, ClientConfig config = {});
  ~ClientHandle() override;

  size_t activities() const;
  size_t calls_in_flight() const;

  struct Impl;

 protected:
  void transact(Request request, Reply reply) override;
  void abandon(CallId id) override;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nca::rpc::dg
