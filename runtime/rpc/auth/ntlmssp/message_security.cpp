#include "message_security.h"

#include <nettle/hmac.h>
#include <nettle/md5.h>

#include <string_view>

namespace nca::rpc::auth::ntlmssp {

namespace {

// The magic constants of MS-NLMP 3.4.5.2 and 3.4.5.3; each is hashed with its terminating NUL.
constexpr std::string_view kClientSign = "session key to client-to-server signing key magic constant";
constexpr std::string_view kServerSign = "session key to server-to-client signing key magic constant";
constexpr std::string_view kClientSeal = "session key to client-to-server sealing key magic constant";
constexpr std::string_view kServerSeal = "session key to server-to-client sealing key magic constant";

std::array<uint8_t, 16> md5_of(std::span<const uint8_t> key, std::string_view magic) {
  md5_ctx ctx;
  md5_init(&ctx);
  md5_update(&ctx, key.size(), key.data());
  md5_update(&ctx, magic.size() + 1, reinterpret_cast<const uint8_t*>(magic.data()));
  std::array<uint8_t, 16> out;
  md5_digest(&ctx, out.size(), out.data());
  return out;
}

// SEALKEY's truncation of the session key: all of it with NEGOTIATE_128, 7 bytes with
// NEGOTIATE_56, else 5.
std::span<const uint8_t> seal_key_basis(std::span<const uint8_t> key, uint32_t flags) {
  if (flags & kNegotiate128) return key;
  if (flags & kNegotiate56) return key.first(7);
  return key.first(5);
}

void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}

// Compares without an early exit, so timing does not tell how much of a forgery was right.
bool same(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= uint8_t(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Result<MessageSecurity> MessageSecurity::create(std::span<const uint8_t> key, uint32_t flags,
                                                Role role, uint32_t first_send,
                                                uint32_t first_receive) {
  if (!(flags & kNegotiateExtendedSessionSecurity))
    return Status::protocol(0, "NTLMSSP without extended session security (NTLMv1 signing) is "
                               "not supported");
  if (key.size() != 16)
    return Status::protocol(0, "the NTLMSSP session key has " + std::to_string(key.size()) +
                                   " bytes, not 16");
  MessageSecurity s;
  s.key_exchange_ = (flags & kNegotiateKeyExchange) != 0;
  bool client = role == Role::client;
  auto basis = seal_key_basis(key, flags);
  Direction& c2s = client ? s.send_ : s.receive_;
  Direction& s2c = client ? s.receive_ : s.send_;
  c2s.sign_key = md5_of(key, kClientSign);
  s2c.sign_key = md5_of(key, kServerSign);
  auto c2s_seal = md5_of(basis, kClientSeal);
  auto s2c_seal = md5_of(basis, kServerSeal);
  arcfour_set_key(&c2s.seal, c2s_seal.size(), c2s_seal.data());
  arcfour_set_key(&s2c.seal, s2c_seal.size(), s2c_seal.data());
  s.send_.seq = first_send;
  s.receive_.seq = first_receive;
  return s;
}

std::array<uint8_t, 8> MessageSecurity::mac_of(const Direction& d,
                                               std::span<const uint8_t> message) {
  uint8_t seq[4];
  put_u32(seq, d.seq);
  hmac_md5_ctx h;
  hmac_md5_set_key(&h, d.sign_key.size(), d.sign_key.data());
  hmac_md5_update(&h, sizeof seq, seq);
  hmac_md5_update(&h, message.size(), message.data());
  uint8_t mac[MD5_DIGEST_SIZE];
  hmac_md5_digest(&h, sizeof mac, mac);
  std::array<uint8_t, 8> out;
  std::copy(mac, mac + 8, out.begin());
  return out;
}

std::array<uint8_t, kSignatureSize> MessageSecurity::finish(Direction& d,
                                                            const std::array<uint8_t, 8>& mac) {
  std::array<uint8_t, kSignatureSize> sig{};
  put_u32(sig.data(), 1);  // version
  if (key_exchange_) arcfour_crypt(&d.seal, 8, sig.data() + 4, mac.data());
  else std::copy(mac.begin(), mac.end(), sig.begin() + 4);
  put_u32(sig.data() + 12, d.seq);
  ++d.seq;
  return sig;
}

void MessageSecurity::sign(std::span<const uint8_t> message,
                           std::span<uint8_t, kSignatureSize> signature) {
  auto sig = finish(send_, mac_of(send_, message));
  std::copy(sig.begin(), sig.end(), signature.begin());
}

void MessageSecurity::seal(std::span<const uint8_t> message, std::span<uint8_t> body,
                           std::span<uint8_t, kSignatureSize> signature) {
  // The checksum is computed over the plaintext; the RC4 stream then runs through the body
  // before it encrypts the checksum (MS-NLMP 3.4.3).
  auto mac = mac_of(send_, message);
  arcfour_crypt(&send_.seal, body.size(), body.data(), body.data());
  auto sig = finish(send_, mac);
  std::copy(sig.begin(), sig.end(), signature.begin());
}

bool MessageSecurity::verify(std::span<const uint8_t> message, std::span<const uint8_t> signature) {
  auto expected = finish(receive_, mac_of(receive_, message));
  return same(expected, signature);
}

bool MessageSecurity::unseal(std::span<const uint8_t> message, std::span<uint8_t> body,
                             std::span<const uint8_t> signature) {
  arcfour_crypt(&receive_.seal, body.size(), body.data(), body.data());
  return verify(message, signature);
}

}  // namespace nca::rpc::auth::ntlmssp
