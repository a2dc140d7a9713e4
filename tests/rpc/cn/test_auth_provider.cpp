#include "test_auth_provider.h"

#include <cstring>

namespace cntest {

using namespace nca::rpc;
using auth::ByteView;
using auth::MutableByteView;
using auth::PduRegions;

namespace {

uint32_t fnv(uint32_t h, ByteView bytes) {
  for (uint8_t b : bytes) h = (h ^ b) * 16777619u;
  return h;
}

void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
uint32_t get_u32(const uint8_t* p) {
  return p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24;
}

Bytes token(std::string_view tag, ByteView payload) {
  Bytes t(tag.size() + payload.size());
  std::memcpy(t.data(), tag.data(), tag.size());
  if (!payload.empty()) std::memcpy(t.data() + tag.size(), payload.data(), payload.size());
  return t;
}
bool has_tag(ByteView t, std::string_view tag) {
  return t.size() >= tag.size() && std::memcmp(t.data(), tag.data(), tag.size()) == 0;
}

Status bad(std::string why) { return Status::protocol(0, std::move(why)); }

// The per-message part, the same on both sides once the key is known.
class TestContext : public auth::SecurityContext {
 public:
  TestContext(const TestAuthOptions& options, std::shared_ptr<TestAuthStats> stats)
      : options_(options), stats_(std::move(stats)) {}

  bool complete() const override { return complete_; }
  size_t signature_size() const override { return kTestSignatureSize; }
  bool supports_header_signing() const override { return options_.header_signing; }

  Status sign(const PduRegions& pdu, MutableByteView sig) override {
    ++stats_->signed_;
    write_signature(pdu, sig);
    return {};
  }
  Status verify(const PduRegions& pdu, ByteView sig) override {
    if (!check_signature(pdu, sig)) return reject("checksum mismatch");
    ++stats_->verified;
    return {};
  }
  Status seal(const PduRegions& pdu, MutableByteView sig) override {
    ++stats_->sealed;
    write_signature(pdu, sig);  // over the plaintext
    transform(pdu.body());
    return {};
  }
  Status unseal(const PduRegions& pdu, ByteView sig) override {
    transform(pdu.body());
    if (!check_signature(pdu, sig)) return reject("checksum mismatch after unsealing");
    ++stats_->unsealed;
    return {};
  }
  auth::Identity peer_identity() const override {
    auth::Identity id;
    id.principal = peer_;
    return id;
  }

 protected:
  const TestAuthOptions& options_;
  std::shared_ptr<TestAuthStats> stats_;
  bool complete_ = false;
  uint32_t key_ = 0;
  std::string peer_;

 private:
  Status reject(std::string why) {
    ++stats_->rejected;
    return bad(std::move(why));
  }
  void write_signature(const PduRegions& pdu, MutableByteView sig) {
    if (pdu.header_signing) ++stats_->header_signed;
    std::memcpy(sig.data(), "TSIG", 4);
    put_u32(sig.data() + 4, send_seq_);
    put_u32(sig.data() + 8, TestAuthProvider::checksum(key_, send_seq_, pdu.signed_bytes()) ^
                                (options_.corrupt_signatures ? 1u : 0u));
    put_u32(sig.data() + 12, 0);
    ++send_seq_;
  }
  bool check_signature(const PduRegions& pdu, ByteView sig) {
    if (sig.size() != kTestSignatureSize || std::memcmp(sig.data(), "TSIG", 4) != 0) return false;
    if (get_u32(sig.data() + 4) != recv_seq_) return false;
    if (get_u32(sig.data() + 8) != TestAuthProvider::checksum(key_, recv_seq_, pdu.signed_bytes()))
      return false;
    ++recv_seq_;
    return true;
  }
  void transform(MutableByteView body) { TestAuthProvider::transform(key_, body); }

  uint32_t send_seq_ = 0;
  uint32_t recv_seq_ = 0;
};

class TestClientContext final : public TestContext {
 public:
  TestClientContext(const TestAuthOptions& o, std::shared_ptr<TestAuthStats> s,
                    const auth::ClientSecurityRequest& r)
      : TestContext(o, std::move(s)), user_(r.credentials.user), password_(r.credentials.password) {}

  Result<auth::Step> step(ByteView in) override {
    ++stats_->client_steps;
    switch (leg_++) {
      case 0: {
        Bytes user(user_.begin(), user_.end());
        return auth::Step{token("HELO", user), false};
      }
      case 1: {
        if (!has_tag(in, "CHAL") || in.size() != 8) return bad("expected a challenge");
        uint32_t challenge = get_u32(in.data() + 4);
        key_ = TestAuthProvider::session_key(challenge, password_);
        uint8_t proof[4];
        put_u32(proof, key_);
        complete_ = !options_.alter_leg;
        return auth::Step{token("AUTH", ByteView(proof, 4)), complete_};
      }
      case 2:
        if (!options_.alter_leg || !has_tag(in, "DONE")) return bad("unexpected token");
        complete_ = true;
        return auth::Step{{}, true};
      default:
        return bad("handshake already complete");
    }
  }

 private:
  std::string user_, password_;
  int leg_ = 0;
};

class TestServerContext final : public TestContext {
 public:
  using TestContext::TestContext;

  Result<auth::Step> step(ByteView in) override {
    ++stats_->server_steps;
    switch (leg_++) {
      case 0: {
        if (!has_tag(in, "HELO")) return bad("expected HELO");
        user_.assign(in.begin() + 4, in.end());
        if (!options_.accounts.count(user_)) return bad("unknown user");
        challenge_ = 0x1234567u + uint32_t(user_.size());
        uint8_t c[4];
        put_u32(c, challenge_);
        return auth::Step{token("CHAL", ByteView(c, 4)), false};
      }
      case 1: {
        const std::string& pw = options_.accounts.at(user_);
        key_ = TestAuthProvider::session_key(challenge_, pw);
        if (!has_tag(in, "AUTH") || in.size() != 8 || get_u32(in.data() + 4) != key_)
          return bad("wrong proof");
        complete_ = true;
        peer_ = "TEST\\" + user_;
        return auth::Step{options_.alter_leg ? token("DONE", {}) : Bytes{}, true};
      }
      default:
        return bad("handshake already complete");
    }
  }

 private:
  std::string user_;
  uint32_t challenge_ = 0;
  int leg_ = 0;
};

}  // namespace

uint32_t TestAuthProvider::checksum(uint32_t key, uint32_t seq, ByteView bytes) {
  uint8_t k[8];
  put_u32(k, key);
  put_u32(k + 4, seq);
  return fnv(fnv(2166136261u, ByteView(k, 8)), bytes);
}

uint32_t TestAuthProvider::session_key(uint32_t challenge, std::string_view password) {
  return fnv(challenge, ByteView(reinterpret_cast<const uint8_t*>(password.data()), password.size()));
}

void TestAuthProvider::transform(uint32_t key, MutableByteView body) {
  for (size_t i = 0; i < body.size(); ++i) body[i] ^= uint8_t(key >> (8 * (i % 4))) ^ 0xa5;
}

Result<std::unique_ptr<auth::SecurityContext>> TestAuthProvider::client_context(
    const auth::ClientSecurityRequest& request) const {
  if (request.credentials.user.empty()) return bad("no user name in the credentials");
  return std::unique_ptr<auth::SecurityContext>(
      std::make_unique<TestClientContext>(options_, stats_, request));
}

Result<std::unique_ptr<auth::SecurityContext>> TestAuthProvider::server_context(auth::Level) const {
  return std::unique_ptr<auth::SecurityContext>(std::make_unique<TestServerContext>(options_, stats_));
}

}  // namespace cntest
