// The datagram handle and server over real UDP on loopback, with the generated rpcecho and mgmt
// stubs unchanged: every rpcecho operation, 200,000-byte sink/source, concurrent TestSleeps,
// mgmt over UDP, and the local-messaging form over a unix datagram socket pair.
#include <catch2/catch.hpp>

#include <chrono>

#include "echo_calls.h"
#include "echo_service.h"
#include "mgmt_client.h"
#include "nca/net/loop.h"
#include "nca/rpc/dg/client.h"
#include "nca/rpc/dg/server.h"
#include "nca/rpc/loop_executor.h"
#include "rpcecho_client.h"

using namespace nca;

namespace {

struct Bench {
  net::Loop loop;
  std::unique_ptr<rpc::LoopExecutor> executor = std::make_unique<rpc::LoopExecutor>(loop);
  rpc::ServerCore core;
  ncaecho::EchoService service{*executor};
  std::unique_ptr<rpc::dg::Server> server;
  net::Address bound;
  rpcecho::Client::Drive drive = [this](const std::function<bool()>& done) { return loop.run_until(done); };

  Bench() {
    core.register_interface(rpcecho::server_interface(service));
    server = std::make_unique<rpc::dg::Server>(loop, core);
    auto b = rpc::Binding::parse_listen("ncadg_ip_udp:127.0.0.1[0]");
    auto a = server->listen(b.value());
    REQUIRE(a);
    bound = *a;
  }
  ~Bench() {
    server.reset();
    executor.reset();
    loop.run();
    CHECK(loop.close().ok());
  }
  rpc::Binding binding() const {
    return rpc::Binding::parse("ncadg_ip_udp:127.0.0.1[" + std::to_string(bound.port()) + "]").value();
  }
};

}  // namespace

TEST_CASE("dg_udp_every_rpcecho_operation_through_the_generated_client") {
  Bench b;
  {
    rpc::dg::ClientHandle h(*b.executor, b.binding());
    rpcecho::Client client(h, b.drive);
    std::ostringstream out;
    int failures = ncaecho::run_echo_calls(client, b.drive, out);
    INFO(out.str());
    CHECK(failures == 0);
  }
}

TEST_CASE("dg_udp_200000_bytes_sink_and_source") {
  Bench b;
  {
    rpc::dg::ClientHandle h(*b.executor, b.binding());
    rpcecho::Client client(h, b.drive);
    std::vector<uint8_t> data(200000);
    for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 31);
    CHECK(client.echo_SinkData(uint32_t(data.size()), data).ok());
    auto r = client.echo_SourceData(200000);
    REQUIRE(r);
    REQUIRE(r->size() == 200000);
    bool right = true;
    for (size_t i = 0; i < r->size(); ++i) right = right && (*r)[i] == uint8_t(i);
    CHECK(right);
    auto e = client.echo_EchoData(uint32_t(data.size()), data);
    REQUIRE(e);
    CHECK(*e == data);
  }
}

TEST_CASE("dg_udp_three_concurrent_testsleep_calls_on_separate_activities") {
  Bench b;
  {
    rpc::dg::ClientHandle h(*b.executor, b.binding());
    rpcecho::Client client(h, b.drive);
    int pending = 3;
    std::vector<uint32_t> got;
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i)
      client.echo_TestSleep_async(1, [&](auto r) {
        --pending;
        if (r) got.push_back(*r);
      });
    CHECK(h.activities() == 3);
    b.drive([&] { return pending == 0; });
    auto took = std::chrono::steady_clock::now() - t0;
    CHECK(got == std::vector<uint32_t>{1, 1, 1});
    CHECK(took < std::chrono::milliseconds(2500));  // together, not one after the other
  }
}

TEST_CASE("dg_udp_mgmt_served") {
  Bench b;
  {
    rpc::dg::ClientHandle h(*b.executor, b.binding());
    mgmt::Client client(h, b.drive);
    auto ids = client.mgmt_inq_if_ids();
    REQUIRE(ids);
    REQUIRE(ids->if_id_vector);
    CHECK(ids->if_id_vector->if_id.size() == 2);  // rpcecho and mgmt
    auto stats = client.mgmt_inq_stats(4, 0);
    REQUIRE(stats);
    REQUIRE(stats->statistics.statistics.size() == 4);
    CHECK(stats->statistics.statistics[0] == 2);   // calls in: inq_if_ids and this one
    CHECK(stats->statistics.statistics[2] >= 2);   // packets in (requests and acks)
  }
}

TEST_CASE("dg_udp_unknown_interface_is_a_reject") {
  Bench b;
  b.core.unregister_interface(rpcecho::kInterface.id);
  {
    rpc::dg::ClientHandle h(*b.executor, b.binding());
    rpcecho::Client client(h, b.drive);
    auto r = client.echo_AddOne(1);
    REQUIRE(!r);
    CHECK(r.error().kind == rpc::StatusKind::fault);
    CHECK(r.error().code == static_cast<uint32_t>(rpc::FaultCode::unk_if));
  }
}

TEST_CASE("dg_local_messaging_over_a_unix_datagram_socket") {
  Bench b;
  std::string path = "/tmp/ncadg_test_" + std::to_string(::getpid());
  auto server_addr = net::Address::unix_path(path).value();
  auto ss = net::unix_dgram_open(b.loop, server_addr);
  REQUIRE(ss);
  b.server->serve(std::move(*ss));
  auto client_addr = net::Address::unix_path(path + "_c").value();
  auto cs = net::unix_dgram_open(b.loop, client_addr, server_addr);
  REQUIRE(cs);
  {
    rpc::dg::ClientHandle h(*b.executor, std::move(*cs));
    rpcecho::Client client(h, b.drive);
    auto r = client.echo_AddOne(41);
    REQUIRE(r);
    CHECK(*r == 42);
    std::vector<uint8_t> data(30000, 7);
    auto e = client.echo_EchoData(uint32_t(data.size()), data);
    REQUIRE(e);
    CHECK(*e == data);
  }
}
