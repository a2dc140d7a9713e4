// A security provider for tests only: it exercises every path of the security seam that a real
// provider (NTLMSSP, Kerberos, SPNEGO) will take, with nothing secret about it.
//
// auth_type 0xfe: not assigned by MS-RPCE 2.2.1.1.7 (0x00, 0x09, 0x0a, 0x0e, 0x10, 0x44, 0xff)
// and not used by Samba (which adds 0x01, 0x11, 0x12, 0x15, 0x64 and 0xc8 for
// ncalrpc_as_system), so no real peer will ever offer it.
//
// Handshake: the client's first token is "HELO" + user; the server answers "CHAL" + a 4-byte
// challenge; the client proves the account's password with "AUTH" + checksum(challenge,
// password). Three legs (bind, bind_ack, auth3) or, with `alter_leg`, four (the proof travels
// in an alter_context and the server answers "DONE"), as SPNEGO does.
//
// Verifier (16 bytes): "TSIG", the sender's sequence number, a checksum of the session key,
// sequence number and signed bytes, 4 zero bytes. Sealing XORs the body with the session key
// (its own inverse). Each direction counts its own sequence numbers, as NTLMSSP does.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "nca/rpc/auth/provider.h"

namespace cntest {

inline constexpr nca::rpc::auth::AuthType kTestAuthType = 0xfe;
inline constexpr size_t kTestSignatureSize = 16;

// What the provider's contexts did, for tests to assert on. Shared by all its contexts.
struct TestAuthStats {
  uint64_t client_steps = 0;
  uint64_t server_steps = 0;
  uint64_t signed_ = 0;
  uint64_t sealed = 0;
  uint64_t verified = 0;
  uint64_t unsealed = 0;
  uint64_t rejected = 0;  // verify/unseal failures
  uint64_t header_signed = 0;  // protections that covered the whole fragment
};

struct TestAuthOptions {
  bool alter_leg = false;       // four legs (alter_context) instead of three (auth3)
  bool header_signing = false;  // supports PFC_SUPPORT_HEADER_SIGN
  bool corrupt_signatures = false;  // every verifier this side writes is wrong
  // The server's accounts: user -> password.
  std::map<std::string, std::string> accounts{{"alice", "secret"}};
};

class TestAuthProvider final : public nca::rpc::auth::Provider {
 public:
  explicit TestAuthProvider(TestAuthOptions options = {})
      : options_(std::move(options)), stats_(std::make_shared<TestAuthStats>()) {}

  nca::rpc::auth::AuthType auth_type() const override { return kTestAuthType; }
  std::string_view name() const override { return "test-checksum"; }
  nca::rpc::Result<std::unique_ptr<nca::rpc::auth::SecurityContext>> client_context(
      const nca::rpc::auth::ClientSecurityRequest& request) const override;
  nca::rpc::Result<std::unique_ptr<nca::rpc::auth::SecurityContext>> server_context(
      nca::rpc::auth::Level level) const override;

  TestAuthStats& stats() const { return *stats_; }

  // The checksum the verifier carries (exposed so tests can forge or check one).
  static uint32_t checksum(uint32_t key, uint32_t seq, nca::rpc::auth::ByteView bytes);
  // The session key both sides derive from the challenge and the password.
  static uint32_t session_key(uint32_t challenge, std::string_view password);
  // XORs `body` with the key's stream: seals and unseals.
  static void transform(uint32_t key, nca::rpc::auth::MutableByteView body);

 private:
  TestAuthOptions options_;
  std::shared_ptr<TestAuthStats> stats_;
};

}  // namespace cntest
