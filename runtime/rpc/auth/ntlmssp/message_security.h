// NTLMSSP per-message security (MS-NLMP 3.4.2-3.4.4, with extended session security): signing
// and sealing keys derived from the session key the handshake exported, one RC4 stream and one
// sequence number per direction, 16-byte signatures (version 1, the first 8 bytes of
// HMAC-MD5(sign key, seq || message), encrypted with the direction's RC4 stream when key exchange
// was negotiated, seq). The handshake itself stays gss-ntlmssp's: this is only the per-message
// layer DCE/RPC needs and gss-ntlmssp 1.2 cannot give (it has no gss_wrap_iov, and DCE/RPC's
// privacy level seals the stub while the signature covers the whole PDU).
//
// Connection-oriented: the RC4 streams run on across messages (never rekeyed per message), and
// each protected message advances its direction's sequence number by one, as Samba and Windows
// do for DCE/RPC. NTLMv1 signing (without extended session security) is not implemented: create()
// refuses such a session, and the provider fails the handshake with that reason.
#pragma once

#include <nettle/arcfour.h>

#include <array>
#include <cstdint>
#include <span>

#include "nca/rpc/status.h"

namespace nca::rpc::auth::ntlmssp {

// NegotiateFlags bits this layer reads (MS-NLMP 2.2.2.5).
inline constexpr uint32_t kNegotiateSign = 0x00000010;
inline constexpr uint32_t kNegotiateSeal = 0x00000020;
inline constexpr uint32_t kNegotiateExtendedSessionSecurity = 0x00080000;
inline constexpr uint32_t kNegotiate128 = 0x20000000;
inline constexpr uint32_t kNegotiateKeyExchange = 0x40000000;
inline constexpr uint32_t kNegotiate56 = 0x80000000;

inline constexpr size_t kSignatureSize = 16;

enum class Role { client, server };

class MessageSecurity {
 public:
  // Keys for `role` from the exported session key (16 bytes) and the negotiated flags. Fails
  // without extended session security or with a key of another size.
  // `first_send` / `first_receive`: the sequence numbers the first protected messages carry
  // (1 where SPNEGO's mechListMIC already used 0 in that direction; MS-SPNG 3.3.5.1 resets the
  // RC4 state after it, not the sequence).
  static Result<MessageSecurity> create(std::span<const uint8_t> exported_session_key,
                                        uint32_t flags, Role role, uint32_t first_send = 0,
                                        uint32_t first_receive = 0);

  // Outbound. sign: the signature of `message`. seal: the signature of `message` (plaintext),
  // then `body` (a part of message) encrypted in place. Each advances the sending sequence.
  void sign(std::span<const uint8_t> message, std::span<uint8_t, kSignatureSize> signature);
  void seal(std::span<const uint8_t> message, std::span<uint8_t> body,
            std::span<uint8_t, kSignatureSize> signature);

  // Inbound. verify: whether `signature` is the next expected signature of `message`. unseal:
  // decrypts `body` in place, then verifies the plaintext message. Each advances the receiving
  // sequence, as Samba does whether or not the check succeeds (a failure ends the connection).
  bool verify(std::span<const uint8_t> message, std::span<const uint8_t> signature);
  bool unseal(std::span<const uint8_t> message, std::span<uint8_t> body,
              std::span<const uint8_t> signature);

  uint32_t send_sequence() const { return send_.seq; }
  uint32_t receive_sequence() const { return receive_.seq; }

 private:
  struct Direction {
    std::array<uint8_t, 16> sign_key{};
    arcfour_ctx seal{};
    uint32_t seq = 0;
  };
  // The first 8 bytes of HMAC-MD5(sign key, seq || message) at d's current sequence.
  static std::array<uint8_t, 8> mac_of(const Direction& d, std::span<const uint8_t> message);
  // The signature carrying `mac` (encrypted with d's RC4 stream when key exchange was
  // negotiated) at d's sequence, which it advances.
  std::array<uint8_t, kSignatureSize> finish(Direction& d, const std::array<uint8_t, 8>& mac);

  bool key_exchange_ = false;
  Direction send_;
  Direction receive_;
};

}  // namespace nca::rpc::auth::ntlmssp
