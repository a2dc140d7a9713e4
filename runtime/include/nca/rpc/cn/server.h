// The connection-oriented server engine (nca::rpc::cn::Server): listeners on ncacn_ip_tcp and
// ncalrpc, one protocol state machine per connection (bind, alter_context, fragmented requests,
// multiplexed calls answered in completion order, faults, orphaned calls), association groups
// shared between connections, and the limits that keep one client from hurting another.
//
// Calls are dispatched to a nca::rpc::ServerCore (the interface registry); its handlers may
// complete now or later. A presentation context is accepted for an abstract syntax the core
// serves and the first of the client's transfer syntaxes that the interface's
// InterfaceSpec::transfer_syntaxes lists. At most one presentation context per bind or
// alter_context is accepted, the first acceptable one in the client's order (new or accepted
// before); the later ones are rejected with proposed_transfer_syntaxes_not_supported, as Windows
// and Samba answer (an earlier context so rejected stays usable).
//
// What the server answers (as Windows and Samba do):
//  - unknown interface / version: the context is rejected in bind_ack (provider_rejection,
//    abstract_syntax_not_supported); no transfer syntax in common: proposed_transfer_syntaxes_
//    not_supported; a bind or alter_context that would take the connection beyond
//    ServerConfig::max_contexts: bind_nak local_limit_exceeded (MS-RPCE 3.3.3.5.5);
//  - a bind with an auth trailer whose auth type no provider in ServerConfig::auth_providers
//    serves (none included): bind_nak invalid_auth_type when the auth level is
//    connect..privacy, bind_nak not_specified for any other level (with a provider: its
//    handshake, rpc/cn/server_security.h); a second bind on a bound connection, a bind with no
//    context, a context without transfer syntaxes, two bind-time feature contexts, an unknown
//    association group: bind_nak not_specified; protocol version other than 5, an auth_length
//    pointing outside the bind: bind_nak protocol_version_not_supported; each bind_nak is
//    followed by a disconnect;
//  - an alter_context with no context, a context without transfer syntaxes, or one that changes
//    an accepted context's syntaxes: fault nca_s_proto_error (did_not_execute), then disconnect;
//  - bind_ack echoes PFC_CONC_MPX and PFC_SUPPORT_HEADER_SIGN, alter_context_resp the latter;
//  - an auth trailer on an alter_context or a request of an unauthenticated association, and
//    on an authenticated one a request fragment that fails its provider's verification:
//    fault nca_s_fault_access_denied, then disconnect, as Samba answers;
//  - max_xmit_frag/max_recv_frag: both answered with min(client's two) raised to 2048, lowered
//    to ServerConfig::max_frag, rounded down to a multiple of 8 (as Windows does);
//  - a request on an unknown context: fault nca_s_unk_if (did_not_execute, context 0); unknown
//    opnum, bad stub data: the ServerCore's faults; too many calls in flight:
//    nca_s_server_too_busy; a response carries the low 8 bits of the request's context id;
//  - a new call while another is being reassembled: without PFC_CONC_MPX in the bind, fault
//    nca_s_proto_error for the one being reassembled, then disconnect; with it the fragments may
//    interleave, but a new call on an unknown context is then nca_s_proto_error and disconnect;
//  - protocol errors (an undecodable PDU, a wrong frag_length, a request before bind, a fragment of an unknown call, a reassembled request beyond the limit, a PDU type a
//    client never sends, an auth3 when no handshake awaits it or that the provider refuses):
//    fault nca_s_proto_error, then disconnect. A
//    fragment header with a wrong version or a frag_length beyond the limit is refused before its
//    body is read. co_cancel and orphaned reach the handler (ServerCall::on_cancel; C706 cancels
//    are advisory, so the reply is still sent after co_cancel); orphaned drops the reply of a
//    running call, and is advisory like co_cancel for a call still being reassembled (its
//    fragments are taken and it is answered, as Windows and Samba do).
//
// Threading: the Server, its connections and the ServerCore belong to one Loop's thread. To use
// several cores, run one Server (with its own ServerCore and listeners) per thread and loop, all
// given the same AssociationGroups so that a client's connections may land on any of them, and
// ServerConfig::reuse_port so that they share one TCP port; ServerPool (server_pool.h) does that.
// Lifetime: the Loop and the ServerCore must outlive the Server. Destroying the Server (or
// close()) stops its listeners and disconnects every connection; calls still held by handlers
// then complete harmlessly (their replies are dropped).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "nca/net/address.h"
#include "nca/net/loop.h"
#include "nca/net/status.h"
#include "nca/net/stream.h"
#include "nca/rpc/auth/registry.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/server.h"

namespace nca::rpc::cn {

// Association groups that several Servers share, one Server per thread and loop (a server that
// runs one loop per core): a connection accepted on any of them may join a group created on
// another, as a client's second connection joins the group of its first (MS-RPCE 3.3.1.3;
// smbtorture's TestSleep needs it). Thread-safe; shared through ServerConfig::groups.
//
// A group is one association per Server that has members in it: context handles belong to the
// Server (and thread) whose call created them, and run down when that Server's last connection
// of the group goes. The group id lives until its last connection anywhere leaves.
class AssociationGroups {
 public:
  AssociationGroups();
  AssociationGroups(const AssociationGroups&) = delete;
  AssociationGroups& operator=(const AssociationGroups&) = delete;

  // A new group with one member; never 0, never an id in use.
  uint32_t create();
  // Adds a member to group `id`; false if there is no such group.
  bool join(uint32_t id);
  // Removes a member; the group ends with its last.
  void leave(uint32_t id);
  // Groups alive.
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<uint32_t, size_t> members_;
  uint32_t next_;
};

struct ServerConfig {
  // The largest fragment this server sends or accepts; the bind negotiates down from here
  // (never below C706's 1432; see above for the rule). At most 65535, the frag_length field's
  // range.
  uint16_t max_frag = 5840;
  // A reassembled request's stub data; beyond it the call is a protocol error (Samba: 4 MiB).
  size_t max_request_size = 4 * 1024 * 1024;
  // Presentation contexts per connection (beyond it: bind_nak local_limit_exceeded).
  size_t max_contexts = 64;
  // Calls being reassembled or executed per connection.
  size_t max_calls_in_flight = 256;
  // Open connections per Server; beyond it new connections are closed at once.
  size_t max_connections = 4096;
  // Reply bytes a connection may have waiting for the transport (a client that sends requests
  // but does not read the replies). Beyond it the server reads no more requests from that
  // connection until everything queued has been written; replies of calls already running are
  // still queued, so a connection holds at most this plus their replies.
  size_t max_write_queue = 4 * 1024 * 1024;
  // Memory kept for reuse by this Server's thread: the stubs of written replies become the
  // reassembly buffers of later requests, so large calls do not fault fresh pages in each time
  // (nca/rpc/stub_pool.h). 0 keeps nothing.
  size_t stub_pool_bytes = 8 * 1024 * 1024;
  // Bind-time features accepted (MS-RPCE 3.3.1.5.3); the answer is the offer masked with this.
  // Both, as Windows and Samba answer (raw_protocol's test_no_auth_bind_time_sec_ctx_*): keep
  // connection on orphan, and security context multiplexing, which costs nothing while there is
  // at most one security context (none: no security provider yet).
  uint16_t features = 0x0003;
  // Directory of ncalrpc sockets: "ncalrpc:[NAME]" listens on DIR/NAME.
  std::string ncalrpc_dir = "/tmp";
  // The management interface (mgmt, C706 appendix Q) is served on the core without user code
  // (nca::rpc::MgmtServer) unless this is off or the core already serves mgmt.
  bool management_interface = true;
  // mgmt's stop_server_listening is refused unless this returns true for the caller; then the
  // Server closes (as close()).
  std::function<bool(const CallerContext&)> allow_remote_stop;
  // Groups shared with the Servers of other threads; null: this Server's own.
  std::shared_ptr<AssociationGroups> groups;
  // ncacn_ip_tcp listeners set SO_REUSEPORT (net::ListenOptions::reuse_port), so that the
  // Servers of several threads listen on one address and port and the kernel spreads the
  // connections among them (ServerPool sets it when it runs more than one thread). Any process of
  // the same user that sets it too may share the port. No effect on ncalrpc.
  bool reuse_port = false;
  // The security providers binds may authenticate with (nca/rpc/auth/registry.h). Null or
  // empty: every association is unauthenticated, and auth trailers are refused as listed above.
  std::shared_ptr<const auth::Registry> auth_providers;
};

class Server {
 public:
  Server(net::Loop& loop, ServerCore& core, ServerConfig config = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Listens on a string binding: "ncacn_ip_tcp:[host][port]" (empty host: 0.0.0.0; an IPv6
  // literal such as "::" or "::1" listens on IPv6; no port or port 0: the kernel chooses; with
  // ServerConfig::reuse_port, a port another Server of this process listens on is shared) or
  // "ncalrpc:[NAME]" (a unix socket at ncalrpc_dir/NAME). Returns the bound address (with the
  // chosen port). Errc::invalid_argument for other protocol sequences or a missing ncalrpc name.
  net::Result<net::Address> listen(const Binding& binding);
  net::Result<net::Address> listen_tcp(const net::Address& local);
  net::Result<net::Address> listen_unix(const net::Address& path);

  // Serves one already-connected stream (a socketpair or memory stream in tests). `transport`
  // is what CallerContext::transport reports ("ncacn_ip_tcp", "ncalrpc", ...);
  // `secondary_address` what bind_ack carries (a TCP port, an ncalrpc endpoint name).
  void serve(std::unique_ptr<net::Stream> stream, std::string transport,
             std::string secondary_address = {});

  // Stops listening and disconnects every connection. The Server may be destroyed afterwards
  // at once; the loop finishes the disconnects.
  void close();

  size_t connection_count() const;
  // Connections served since the Server was made (accepted, or given to serve()); refused ones
  // (max_connections, after close()) are not counted.
  uint64_t connections_accepted() const;
  // Reply bytes queued on all connections, not yet taken by the transport.
  size_t queued_write_bytes() const;
  // Association groups this Server's connections are in.
  size_t association_group_count() const;
  const ServerConfig& config() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nca::rpc::cn
