// Endpoint resolution as the cn engine uses it: a client handle given a binding without an
// endpoint asks the rpc::EndpointResolver in its ClientConfig (here a fake that answers from a
// list, so no endpoint mapper is involved), connects to what it answers, and after a failed
// connect to that answer invalidates the binding and asks once more. Against a cn::Server on
// loopback TCP that serves only its built-in mgmt; each test's loop ends with nothing open.
#include <catch2/catch.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mgmt_client.h"
#include "nca/net/loop.h"
#include "nca/rpc/cn/client.h"
#include "nca/rpc/cn/server.h"
#include "nca/rpc/endpoint_resolver.h"
#include "nca/rpc/loop_executor.h"

using namespace nca;

namespace {

constexpr rpc::SyntaxId kMgmt{rpc::Uuid::from_literal("afa8bd80-7d8a-11c9-bef4-08002b102989"), 1, 0};
constexpr uint32_t kNotRegistered = 0x16c9a0d6;

// Answers each resolve() with the next endpoint of `answers` (none left: kNotRegistered), later,
// on the executor, and records what it was asked.
class FakeResolver final : public rpc::EndpointResolver {
 public:
  explicit FakeResolver(rpc::Executor& executor) : executor_(executor) {}

  void resolve(const rpc::Binding& binding, const rpc::SyntaxId& interface,
               rpc::UniqueFunction<void(rpc::Result<rpc::Binding>)> done) override {
    asked.push_back(binding.to_string());
    interfaces.push_back(interface);
    if (answers.empty()) {
      executor_.post([done = std::move(done)]() mutable {
        done(rpc::Status::protocol(kNotRegistered, "the fake knows no endpoint"));
      });
      return;
    }
    rpc::Binding out = binding;
    out.set_endpoint(answers.front());
    answers.pop_front();
    executor_.post([done = std::move(done), out]() mutable { done(out); });
  }
  void invalidate(const rpc::Binding& binding) override { invalidated.push_back(binding.to_string()); }

  std::deque<std::string> answers;
  std::vector<std::string> asked;
  std::vector<rpc::SyntaxId> interfaces;
  std::vector<std::string> invalidated;

 private:
  rpc::Executor& executor_;
};

rpc::Binding no_endpoint() {
  rpc::Binding b;
  b.set_protseq(rpc::Protseq::kNcacnIpTcp).set_host("127.0.0.1");
  return b;
}

// A port nothing listens on: one the kernel gave a listener that is closed again.
uint16_t dead_port(net::Loop& loop) {
  rpc::ServerCore core;
  rpc::cn::Server s(loop, core);
  auto bound = s.listen_tcp(*net::Address::inet("ipv4", "127.0.0.1", 0));
  REQUIRE(bound);
  return bound->port();
}

struct Bench {
  Bench() : server(loop, core) {
    auto bound = server.listen_tcp(*net::Address::inet("ipv4", "127.0.0.1", 0));
    REQUIRE(bound);
    port = std::to_string(bound->port());
  }
  ~Bench() {
    server.close();
    loop.run();
    CHECK(loop.close().ok());
  }
  // mgmt is_server_listening over a handle for `binding` resolving through `resolver`.
  rpc::Result<mgmt::mgmt_is_server_listening::Out> call(std::shared_ptr<rpc::EndpointResolver> resolver) {
    rpc::LoopExecutor executor(loop);
    rpc::cn::ClientConfig config;
    config.resolver = std::move(resolver);
    rpc::cn::ClientHandle handle(executor, no_endpoint(), config);
    mgmt::Client::Drive drive = [this](const std::function<bool()>& done) { return loop.run_until(done); };
    mgmt::Client client(handle, drive);
    return client.mgmt_is_server_listening();
  }

  net::Loop loop;
  rpc::ServerCore core;
  rpc::cn::Server server;
  std::string port;
};

}  // namespace

TEST_CASE("cn_client_resolves_through_the_resolver_in_its_config", "[rpc][cn]") {
  Bench b;
  rpc::LoopExecutor executor(b.loop);
  auto fake = std::make_shared<FakeResolver>(executor);
  fake->answers = {b.port};
  auto r = b.call(fake);
  REQUIRE(r);
  CHECK(r->result);
  CHECK(fake->asked == std::vector<std::string>{"ncacn_ip_tcp:127.0.0.1"});
  CHECK(fake->interfaces == std::vector<rpc::SyntaxId>{kMgmt});  // the call's interface
  CHECK(fake->invalidated.empty());
}

TEST_CASE("cn_client_invalidates_and_resolves_once_more_after_a_failed_connect", "[rpc][cn]") {
  Bench b;
  rpc::LoopExecutor executor(b.loop);
  auto fake = std::make_shared<FakeResolver>(executor);
  fake->answers = {std::to_string(dead_port(b.loop)), b.port};
  auto r = b.call(fake);
  REQUIRE(r);
  CHECK(fake->asked.size() == 2);
  CHECK(fake->invalidated == std::vector<std::string>{"ncacn_ip_tcp:127.0.0.1"});

  // Only once: a second answer that fails too fails the call as the connect failed.
  uint16_t dead = dead_port(b.loop);
  fake->asked.clear();
  fake->invalidated.clear();
  fake->answers = {std::to_string(dead), std::to_string(dead), b.port};
  auto failed = b.call(fake);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().kind == rpc::StatusKind::transport);
  CHECK(fake->asked.size() == 2);
  CHECK(fake->invalidated.size() == 1);
}

TEST_CASE("cn_client_passes_the_resolvers_failure_to_the_call", "[rpc][cn]") {
  Bench b;
  rpc::LoopExecutor executor(b.loop);
  auto fake = std::make_shared<FakeResolver>(executor);
  auto r = b.call(fake);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == rpc::StatusKind::protocol);
  CHECK(r.error().code == kNotRegistered);
  CHECK(b.server.connections_accepted() == 0);
}

// The engine knows no endpoint mapper: without a resolver there is nothing to ask.
TEST_CASE("cn_client_without_a_resolver_fails_a_binding_without_endpoint", "[rpc][cn]") {
  Bench b;
  auto r = b.call(nullptr);
  REQUIRE_FALSE(r);
  CHECK(r.error().kind == rpc::StatusKind::transport);
  CHECK(r.error().message.find("ClientConfig::resolver") != std::string::npos);
  CHECK(b.server.connections_accepted() == 0);
}
