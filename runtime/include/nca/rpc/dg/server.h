// The connectionless server (C706 chapter 10): datagram sockets whose requests are dispatched to
// a nca::rpc::ServerCore, with at-most-once execution, reply caching until the client acks,
// fragment reassembly and fack windows, pings answered from state, cl_cancel, and limits.
// What each PDU is answered with is listed in runtime/rpc/dg/server_engine.h (the state
// machine this class wires to sockets and the loop's timers).
//
// The management interface is served on the core (nca::rpc::MgmtServer) unless the core
// already serves it (a cn::Server on the same core does) or ServerConfig::management_interface
// is off. Before running the first at-most-once call of an activity it does not know, the server
// asks the client (conv_who_are_you2, ServerConfig::conv_callback), so a request retransmitted
// from before a restart of this server is not run twice.
//
// Authentication over datagrams is not implemented: a request with an auth verifier is
// rejected with nca_s_unsupported_authn_level.
//
// Threading: one loop's thread. The Loop and the ServerCore outlive the Server; destroying it
// (or close()) closes its sockets; replies of calls still held by handlers are then dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "nca/net/datagram.h"
#include "nca/net/loop.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/executor.h"
#include "nca/rpc/server.h"

namespace nca::rpc::dg {

struct ServerConfig {
  // The largest datagram sent (header included); requests of any size up to 64 KiB are taken.
  uint16_t max_frag = 1464;
  // Fragments buffered per call, advertised in facks.
  uint16_t window = 32;
  size_t max_activities = 4096;
  size_t max_request_size = 4 * 1024 * 1024;
  size_t max_reassembly_total = 64 * 1024 * 1024;
  size_t max_reply_cache_total = 64 * 1024 * 1024;
  Executor::Duration activity_idle{300000};
  Executor::Duration reassembly_idle{30000};
  bool conv_callback = true;
  bool management_interface = true;
  // mgmt's stop_server_listening: refused unless this says yes; then the Server closes.
  std::function<bool(const CallerContext&)> allow_remote_stop;
  // The boot time sent in every PDU (C706: seconds since the epoch when the server started);
  // 0: the time the Server is made.
  uint32_t boot_time = 0;
};

struct ServerStats {
  uint64_t executed = 0;
  uint64_t duplicates = 0;
  uint64_t rejected = 0;
  uint64_t decode_errors = 0;
};

class Server {
 public:
  Server(net::Loop& loop, ServerCore& core, ServerConfig config = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // "ncadg_ip_udp:[host][port]" (empty host: 0.0.0.0; an IPv6 literal listens on IPv6; no port
  // or 0: the kernel chooses). Returns the bound address. Errc::invalid_argument for other
  // protocol sequences.
  net::Result<net::Address> listen(const Binding& binding);
  // Serves on a bound datagram socket of any kind (a unix datagram socket: local messaging).
  void serve(std::unique_ptr<net::Datagram> socket);
  void close();

  uint32_t boot_time() const;
  ServerStats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nca::rpc::dg
