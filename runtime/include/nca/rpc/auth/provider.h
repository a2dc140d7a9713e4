// The security provider interface (C706 chapter 13, MS-RPCE 2.2.2.11-2.2.2.14, 3.3.1.5.2): what a
// provider such as NTLMSSP, Kerberos or SPNEGO gives an engine. An engine never interprets a token
// or a verifier; it moves tokens between the legs of the handshake and lets the connection's
// SecurityContext protect each fragment (rpc/cn/security_filter.h is the connection-oriented
// engine's user).
//
// The handshake (multi-leg; the provider decides how many):
//   client: step({})          -> token for the bind (or alter_context) trailer
//   server: step(bind token)  -> token for the bind_ack trailer; complete, or not yet
//   client: step(ack token)   -> complete with no token: done;
//                                complete with a token: sent in auth3, no answer expected;
//                                not complete: sent in an alter_context leg, whose answer
//                                goes to step() again
//   server: step(auth3 or alter_context token) -> (alter_context: the answer's token)
// A context is usable for calls once complete() on both sides.
//
// Per-PDU protection of request, response and fault fragments, at levels packet and above:
//   sign:   the verifier covers PduRegions::signed_bytes();
//   seal:   PduRegions::body (stub and auth padding) is encrypted in place, the verifier covers
//           the same bytes as sign, in plaintext (computed before encrypting; checked after
//           decrypting);
//   header signing (PFC_SUPPORT_HEADER_SIGN negotiated at bind): signed_bytes() is the whole
//           fragment from its header through the 8-byte sec_trailer; otherwise the body only.
//
// Threading: a SecurityContext belongs to one connection and its thread. A Provider and the
// Registry are shared and must be thread-safe for their const calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "nca/rpc/auth/level.h"
#include "nca/rpc/status.h"

namespace nca::rpc::auth {

using ByteView = std::span<const uint8_t>;
using MutableByteView = std::span<uint8_t>;

// One fragment as the provider sees it.
struct PduRegions {
  // From the first header byte through the sec_trailer, without the verifier.
  MutableByteView fragment;
  // Stub data and auth padding inside `fragment`: what sealing encrypts.
  size_t body_offset = 0;
  size_t body_length = 0;
  bool header_signing = false;

  MutableByteView body() const { return fragment.subspan(body_offset, body_length); }
  ByteView signed_bytes() const {
    return header_signing ? ByteView(fragment) : ByteView(body());
  }
};

// What one handshake step produced.
struct Step {
  Bytes token;            // for the peer; may be empty
  bool complete = false;  // this side is done (it may still have a token to send)
};

// The authenticated identity of a peer, as the server's handler sees it (CallerContext).
struct Identity {
  std::string principal;  // "DOMAIN\\user", "user@REALM"; "" when anonymous
  std::string user;       // the account alone ("user")
  std::string domain;     // the NetBIOS domain (NTLMSSP) or the realm (Kerberos); may be ""
};

class SecurityContext {
 public:
  virtual ~SecurityContext() = default;

  // One leg of the handshake (see above). An error ends the negotiation: the engine refuses
  // (server: bind_nak or fault access_denied; client: the call fails naming the step).
  virtual Result<Step> step(ByteView peer_token) = 0;
  virtual bool complete() const = 0;

  // Bytes of the verifier each protected fragment carries (its auth_length).
  virtual size_t signature_size() const = 0;
  // Whether this provider signs the header when PFC_SUPPORT_HEADER_SIGN is negotiated (the
  // client asks for it only then).
  virtual bool supports_header_signing() const { return false; }

  // Per-fragment protection; `signature` has signature_size() bytes. Errors from verify/unseal
  // mean the fragment is not authentic: the engine refuses it (fault access_denied and
  // disconnect on the server, a failed call and a dropped connection on the client).
  virtual Status sign(const PduRegions& pdu, MutableByteView signature) = 0;
  virtual Status verify(const PduRegions& pdu, ByteView signature) = 0;
  virtual Status seal(const PduRegions& pdu, MutableByteView signature) = 0;
  virtual Status unseal(const PduRegions& pdu, ByteView signature) = 0;

  // Server side, once complete: who the client is.
  virtual Identity peer_identity() const { return {}; }
};

// What a client authenticates with. Providers take what they understand; the rest is ignored.
struct Credentials {
  std::string user;
  std::string domain;
  std::string password;
  bool anonymous = false;
};

// What a client asks for.
struct ClientSecurityRequest {
  AuthType auth_type = kAuthTypeNone;
  Level level = Level::none;
  std::string target_principal;  // the server's principal ("" : the provider's default)
  Credentials credentials;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual AuthType auth_type() const = 0;
  virtual std::string_view name() const = 0;
  // A fresh context for one connection's client side, or why none can be made (no credentials).
  virtual Result<std::unique_ptr<SecurityContext>> client_context(
      const ClientSecurityRequest& request) const = 0;
  // A fresh context for one connection's server side, at the level the client asked for.
  virtual Result<std::unique_ptr<SecurityContext>> server_context(Level level) const = 0;
};

}  // namespace nca::rpc::auth
