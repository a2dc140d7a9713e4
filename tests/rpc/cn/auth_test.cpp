// The security seam over real cn client/server connections, with the test provider
// (test_auth_provider.h): three- and four-leg handshakes, signing and sealing of every fragment
// both ways, the caller's identity in the handler, a corrupted verifier, and security that no
// provider can give.
#include "cn_fixture.h"
#include "nca/rpc/auth/binding_security.h"
#include "nca/rpc/auth/registry.h"
#include "test_auth_provider.h"

using namespace cntest;
using namespace nca;
namespace auth = nca::rpc::auth;

namespace {

std::shared_ptr<auth::Registry> registry_with(std::shared_ptr<TestAuthProvider> p) {
  auto r = std::make_shared<auth::Registry>();
  r->add(std::move(p));
  return r;
}

auth::ClientSecurityRequest alice(auth::Level level, std::string password = "secret") {
  auth::ClientSecurityRequest r;
  r.auth_type = kTestAuthType;
  r.level = level;
  r.credentials.user = "alice";
  r.credentials.password = std::move(password);
  return r;
}

// A server and a client, each with its own provider instance (their stats apart).
struct AuthSetup {
  explicit AuthSetup(TestAuthOptions server_options = {}, TestAuthOptions client_options = {})
      : server_provider(std::make_shared<TestAuthProvider>(server_options)),
        client_provider(std::make_shared<TestAuthProvider>(client_options)),
        f(server_config()) {}
  rpc::cn::ServerConfig server_config() {
    rpc::cn::ServerConfig c;
    c.auth_providers = registry_with(server_provider);
    return c;
  }
  rpc::cn::ClientHandle& client(auth::Level level, std::string password = "secret") {
    rpc::cn::ClientConfig c;
    c.security = alice(level, std::move(password));
    c.auth_providers = registry_with(client_provider);
    return f.client(c);
  }
  TestAuthStats& server() { return server_provider->stats(); }
  TestAuthStats& client_side() { return client_provider->stats(); }

  std::shared_ptr<TestAuthProvider> server_provider, client_provider;
  Fixture f;
};

}  // namespace

TEST_CASE("cn_auth_three_legs_sign_every_fragment_and_name_the_caller", "[cn][auth]") {
  AuthSetup s;
  auto& c = s.client(auth::Level::integrity);
  auto r = s.f.call(c, rpcecho_spec(), 0, addone_in(41));
  REQUIRE(r.ok());
  CHECK(read_u32(*r) == 42u);
  // bind (HELO) -> bind_ack (CHAL) -> auth3 (AUTH): two steps each side.
  CHECK(s.client_side().client_steps == 2);
  CHECK(s.server().server_steps == 2);
  // One request fragment signed by the client and verified by the server; one response back.
  CHECK(s.client_side().signed_ == 1);
  CHECK(s.server().verified == 1);
  CHECK(s.server().signed_ == 1);
  CHECK(s.client_side().verified == 1);
  CHECK(s.client_side().sealed + s.server().sealed == 0);
  // The handler sees who called, at which level, through which provider.
  const rpc::CallerContext& who = s.f.impl.last_caller;
  CHECK(who.auth_level == auth::Level::integrity);
  CHECK(who.auth_type == kTestAuthType);
  CHECK(who.identity.principal == "TEST\\alice");
  CHECK(who.auth_context_id == 1);
  // Later calls reuse the association's security (sequence numbers go on).
  REQUIRE(s.f.call(c, rpcecho_spec(), 0, addone_in(1)).ok());
  CHECK(s.server().verified == 2);
  CHECK(s.client_side().verified == 2);
}

TEST_CASE("cn_auth_alter_context_leg_and_sealed_multi_fragment_calls", "[cn][auth]") {
  TestAuthOptions four_legs;
  four_legs.alter_leg = true;
  AuthSetup s(four_legs, four_legs);
  auto& c = s.client(auth::Level::privacy);
  // 20000 bytes: a 20008-byte request stub and a 20004-byte response stub, 5792 bytes of stub
  // per 5840-byte fragment (5840 - 24 header - 8 trailer - 16 verifier, a multiple of 16):
  // four fragments each way, every one sealed and unsealed.
  std::vector<uint8_t> data(20000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7);
  auto r = s.f.call(c, rpcecho_spec(), 1, echodata_in(data));
  REQUIRE(r.ok());
  CHECK(read_conformant_bytes(*r) == data);
  // bind -> bind_ack -> alter_context -> alter_context_resp: the client steps three times.
  CHECK(s.client_side().client_steps == 3);
  CHECK(s.server().server_steps == 2);
  CHECK(s.client_side().sealed == 4);
  CHECK(s.server().unsealed == 4);
  CHECK(s.server().sealed == 4);
  CHECK(s.client_side().unsealed == 4);
  CHECK(s.server().rejected + s.client_side().rejected == 0);
  CHECK(s.f.impl.last_caller.auth_level == auth::Level::privacy);
  CHECK(s.f.impl.last_caller.identity.principal == "TEST\\alice");
  // A second interface on the authenticated connection: an alter_context without a trailer.
  auto r2 = s.f.call(c, ndr64echo_spec(), 0, {});
  REQUIRE(r2.ok());
}

TEST_CASE("cn_auth_header_signing_when_both_sides_can", "[cn][auth]") {
  TestAuthOptions hs;
  hs.header_signing = true;
  AuthSetup s(hs, hs);
  auto& c = s.client(auth::Level::integrity);
  REQUIRE(s.f.call(c, rpcecho_spec(), 0, addone_in(1)).ok());
  CHECK(s.client_side().header_signed == 1);
  CHECK(s.server().header_signed == 1);
  // Without the provider's support the body alone is signed.
  AuthSetup plain;
  auto& c2 = plain.client(auth::Level::integrity);
  REQUIRE(plain.f.call(c2, rpcecho_spec(), 0, addone_in(1)).ok());
  CHECK(plain.client_side().header_signed + plain.server().header_signed == 0);
}

TEST_CASE("cn_auth_connect_level_authenticates_once", "[cn][auth]") {
  AuthSetup s;
  auto& c = s.client(auth::Level::connect);
  REQUIRE(s.f.call(c, rpcecho_spec(), 0, addone_in(1)).ok());
  CHECK(s.server().server_steps == 2);
  CHECK(s.client_side().signed_ + s.server().signed_ == 0);
  CHECK(s.f.impl.last_caller.auth_level == auth::Level::connect);
  CHECK(s.f.impl.last_caller.identity.principal == "TEST\\alice");
}

TEST_CASE("cn_auth_client_refuses_a_response_that_fails_verification", "[cn][auth]") {
  TestAuthOptions broken;
  broken.corrupt_signatures = true;
  AuthSetup s(broken, {});
  auto& c = s.client(auth::Level::integrity);
  auto r = s.f.call(c, rpcecho_spec(), 0, addone_in(1));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == rpc::StatusKind::protocol);
  CHECK(r.error().message.find("refused by the security filter") != std::string::npos);
  CHECK(s.client_side().rejected == 1);
}

TEST_CASE("cn_auth_server_refuses_a_request_that_fails_verification", "[cn][auth]") {
  TestAuthOptions broken;
  broken.corrupt_signatures = true;
  AuthSetup s({}, broken);
  auto& c = s.client(auth::Level::privacy);
  auto r = s.f.call(c, rpcecho_spec(), 0, addone_in(1));
  REQUIRE_FALSE(r.ok());
  // fault nca_s_fault_access_denied (5), then the server hangs up.
  CHECK(r.error().is_fault(rpc::FaultCode::fault_access_denied));
  CHECK(s.server().rejected == 1);
  CHECK(s.f.impl.calls == 0);
  s.f.run_until([&] { return s.f.server->connection_count() == 0; });
}

TEST_CASE("cn_auth_wrong_password_never_reaches_the_handler", "[cn][auth]") {
  AuthSetup s;
  auto& c = s.client(auth::Level::integrity, "guess");
  auto r = s.f.call(c, rpcecho_spec(), 0, addone_in(1));
  REQUIRE_FALSE(r.ok());
  CHECK(s.f.impl.calls == 0);
}

TEST_CASE("cn_auth_security_no_provider_can_give_fails_before_sending", "[cn][auth]") {
  Fixture f;
  SECTION("a [seal] binding, no provider registered") {
    auto addr = f.server->listen(rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1").value());
    REQUIRE(addr.ok());
    auto binding = rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[" + std::to_string(addr->port()) +
                                       ",seal]");
    REQUIRE(binding.ok());
    auto wanted = auth::security_from_binding(binding.value());
    REQUIRE(wanted.ok());
    REQUIRE(*wanted);
    CHECK((*wanted)->level == auth::Level::privacy);
    CHECK((*wanted)->auth_type == auth::kAuthTypeSpnego);
    auto& c = f.client_for(binding.value());
    auto r = f.call(c, rpcecho_spec(), 0, addone_in(1));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == rpc::StatusKind::protocol);
    CHECK(r.error().code == uint32_t(rpc::FaultCode::unsupported_authn_level));
    CHECK(r.error().message ==
          "security level privacy with auth type 0x09 was asked for, but no security provider "
          "for that auth type is registered; nothing was sent");
    // Not even a connection: no plaintext call left.
    CHECK(f.server->connections_accepted() == 0);
    CHECK(f.impl.calls == 0);
  }
  SECTION("[sign,krb5] with a registry that has another provider") {
    rpc::cn::ClientConfig config;
    config.auth_providers = registry_with(std::make_shared<TestAuthProvider>());
    auto binding = rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[1,sign,krb5]");
    REQUIRE(binding.ok());
    auto& c = f.client_for(binding.value(), config);
    auto r = f.call(c, rpcecho_spec(), 0, addone_in(1));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("integrity with auth type 0x10") != std::string::npos);
  }
  SECTION("[sign,ntlm,krb5]: two auth types are an error naming them, whatever is registered") {
    auto binding = rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[1,sign,ntlm,krb5]");
    REQUIRE(binding.ok());
    auto wanted = auth::security_from_binding(binding.value());
    REQUIRE_FALSE(wanted.ok());
    rpc::cn::ClientConfig config;
    config.auth_providers = registry_with(std::make_shared<TestAuthProvider>());
    auto& c = f.client_for(binding.value(), config);
    auto r = f.call(c, rpcecho_spec(), 0, addone_in(1));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == uint32_t(rpc::FaultCode::unsupported_authn_level));
    CHECK(r.error().message == "the binding asks for more than one auth type (ntlm and krb5)");
    CHECK(f.server->connections_accepted() == 0);
  }
  SECTION("ClientConfig::security over a given stream: not one byte reaches the server") {
    rpc::cn::ClientConfig config;
    config.security = alice(auth::Level::privacy);
    auto& c = f.client(config);
    auto r = f.call(c, rpcecho_spec(), 0, addone_in(1));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == uint32_t(rpc::FaultCode::unsupported_authn_level));
    CHECK(f.core.stats().pkts_in == 0);
  }
}
