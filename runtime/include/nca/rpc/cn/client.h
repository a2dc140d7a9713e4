// The connection-oriented client: a BindingHandle over one ncacn_ip_tcp or ncalrpc connection.
//
// The handle connects and binds on its first call, with a presentation context for each transfer
// syntax the call's interface supports (NDR20; NDR64 too when the interface lists it and
// ClientConfig::offer_ndr64) plus the bind-time feature negotiation context (MS-RPCE
// 3.3.1.5.3). A call on another interface adds its contexts with alter_context. The transfer
// syntax used is the interface's most preferred one that the server accepted.
//
// Calls are multiplexed: many may be in flight on the connection, each with its own call_id;
// requests are fragmented to the negotiated size, responses reassembled. A call that times out
// or is cancelled (BindingHandle::cancel) is told to the server with co_cancel, and with
// orphaned as well when the server accepted "keep connection on orphan"; its late reply is
// dropped. A fault becomes a Status of kind fault naming the status; a refused bind or context,
// kind protocol; a lost connection fails every call in flight with kind transport, and the next
// call connects again (a new association).
//
// Threading: the executor's loop thread only. The executor must outlive the handle. Destroying
// the handle disconnects and ends its pending calls with kind cancelled.
//
// Security (ClientConfig::security): the bind carries the provider's first token; its answer
// leads to an auth3 or to alter_context legs until the handshake completes, and calls wait for
// it. At levels packet and above every request fragment is signed (integrity) or sealed
// (privacy) and every response fragment verified; one that fails verification drops the
// connection and fails its calls (kind protocol). Each new connection authenticates anew.
//
// Response stub data is handed to the operation's pull_out in the byte order the server declared
// (a big-endian server, such as Samba with "rpc big endian = yes", is understood); a response
// whose fragments declare different byte orders is a protocol error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "nca/net/stream.h"
#include "nca/rpc/auth/registry.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/call_stats.h"
#include "nca/rpc/binding_handle.h"
#include "nca/rpc/endpoint_resolver.h"
#include "nca/rpc/loop_executor.h"

namespace nca::rpc::cn {

struct ClientConfig {
  // The largest fragment we send and accept; the bind negotiates down from here (>= 1432).
  uint16_t max_frag = 5840;
  // A reassembled response's stub data; beyond it the call fails and the connection closes.
  size_t max_response_size = 64 * 1024 * 1024;
  bool offer_ndr64 = true;
  // Bind-time features offered; 0 sends no negotiation context.
  uint16_t features = 0x0003;
  // PFC_CONC_MPX on bind: ask the server to run several calls of this connection at once.
  bool concurrent_multiplexing = true;
  // Join this association group (else the binding's assoc_group_id option, else a new group).
  std::optional<uint32_t> assoc_group_id;
  // Directory of ncalrpc sockets: "ncalrpc:[NAME]" connects to DIR/NAME.
  std::string ncalrpc_dir = "/tmp";
  // Resolves bindings without an endpoint (nca/rpc/endpoint_resolver.h): the engine asks it
  // before connecting, and once more after a failed connect to an endpoint it gave (having
  // invalidated the binding). Null: a binding without an endpoint fails with kind transport. The
  // endpoint mapper's resolver comes from nca::epm (nca/epm/cn_client.h: make_cn_resolver, or
  // make_client_handle, which sets it when none is given).
  std::shared_ptr<EndpointResolver> resolver;
  // Counts each request sent as a call out (the management interface's rpc_c_stats_calls_out);
  // a server process points it at its ServerCore's stats(). Null: not counted. Must outlive
  // the handle.
  CallStats* stats = nullptr;
  // Memory kept for reuse by this handle: the stubs of written requests become the buffers
  // responses are reassembled into, so large calls do not fault fresh pages in each time. Each
  // handle that has made large calls keeps up to this much while it lives; 0 keeps nothing.
  size_t stub_pool_bytes = 4 * 1024 * 1024;
  // The security to authenticate with (nca/rpc/auth/provider.h); unset: what the binding's
  // option words ask for (connect, packet, sign, seal; ntlm, krb5, spnego, schannel:
  // auth::security_from_binding), else none. Security that no provider in auth_providers can
  // give fails every call with kind protocol (code nca_s_unsupported_authn_level) and a message
  // naming the level and auth type, before anything is sent: it never falls back to plaintext.
  std::optional<auth::ClientSecurityRequest> security;
  // What security taken from the binding's words authenticates with (user, domain, password;
  // anonymous). `security`, when given, carries its own.
  auth::Credentials credentials;
  std::shared_ptr<const auth::Registry> auth_providers;
};

class ClientHandle final : public MarshallingHandle {
 public:
  // Connects (on the first call) to `binding`: ncacn_ip_tcp with a numeric IPv4/IPv6 host (or
  // "localhost") and a port, or ncalrpc with an endpoint name; without a port or name, the
  // endpoint is resolved first (ClientConfig::resolver). The binding's object UUID is the
  // default object of calls that give none.
  ClientHandle(LoopExecutor& executor, Binding binding, ClientConfig config = {});
  // Runs over an already-connected stream (tests: a memory or socket pair). Once it is lost,
  // calls fail with kind transport.
  ClientHandle(LoopExecutor& executor, std::unique_ptr<net::Stream> stream,
               ClientConfig config = {});
  ~ClientHandle() override;

  // Facts of the current connection (0 / nullopt before the bind completes).
  bool bound() const;
  uint32_t assoc_group_id() const;
  uint16_t max_xmit_frag() const;  // what we send
  uint16_t max_recv_frag() const;  // what the server sends
  uint16_t features() const;       // accepted bind-time features
  std::optional<SyntaxId> transfer_syntax(const SyntaxId& interface) const;
  size_t calls_in_flight() const;

  // Closes the connection now; calls in flight fail with kind transport ("disconnected").
  void disconnect();

  struct Impl;

 protected:
  void transact(Request request, Reply reply) override;
  void abandon(CallId id) override;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace nca::rpc::cn
