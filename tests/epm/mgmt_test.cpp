// rpc::MgmtService (the management interface's logic, rpc level): inq_if_ids from the ServerCore
// registry, the four counters, stop refused unless allowed, principal names with the buffer size
// rule, and the inq_stats raw codec for 4- and 8-byte requests.
#include <catch2/catch.hpp>

#include "call_maker.h"
#include "nca/rpc/mgmt.h"

using namespace nca::rpc;
using namespace epmtest;

TEST_CASE("mgmt_inq_if_ids_lists_registered_interfaces", "[epm]") {
  CallMaker calls;
  MgmtService mgmt(calls.core);
  auto ids = mgmt.inq_if_ids();
  REQUIRE(ids.size() == 1);
  CHECK(ids[0].uuid.to_string() == "a0a0a0a0-0000-4000-8000-000000000001");
  CHECK(ids[0].major == 1);
}

TEST_CASE("mgmt_inq_stats_four_counters", "[epm]") {
  CallMaker calls;
  MgmtService mgmt(calls.core);
  nca::rpc::CallStats& stats = calls.core.stats();
  stats.calls_in = 10;
  stats.calls_out = 20;
  stats.pkts_in = 30;
  stats.pkts_out = 40;
  CHECK(mgmt.inq_stats(4) == std::vector<uint32_t>{10, 20, 30, 40});
  CHECK(mgmt.inq_stats(100) == std::vector<uint32_t>{10, 20, 30, 40});
  CHECK(mgmt.inq_stats(2) == std::vector<uint32_t>{10, 20});
  CHECK(mgmt.inq_stats(0).empty());
}

TEST_CASE("mgmt_stop_server_listening_refused_unless_allowed", "[epm]") {
  CallMaker calls;
  nca::rpc::CallerContext caller{"ncacn_ip_tcp", "192.0.2.9:5000", 1};
  MgmtService closed(calls.core);
  CHECK(closed.stop_server_listening(caller) == kMgmtAccessDenied);
  CHECK(closed.is_server_listening().listening);
  int stops = 0;
  MgmtService::Options o;
  o.allow_stop = [](const nca::rpc::CallerContext& c) { return c.transport == "ncalrpc"; };
  o.stop = [&] { ++stops; };
  MgmtService open(calls.core, o);
  CHECK(open.stop_server_listening(caller) == kMgmtAccessDenied);
  CHECK(stops == 0);
  caller.transport = "ncalrpc";
  CHECK(open.stop_server_listening(caller) == kMgmtOk);
  CHECK(stops == 1);
  CHECK_FALSE(open.is_server_listening().listening);
  CHECK(open.is_server_listening().status == kMgmtNotListening);
}

TEST_CASE("mgmt_inq_princ_name", "[epm]") {
  CallMaker calls;
  MgmtService::Options o;
  o.principal_names[10] = "host/server.example";
  MgmtService mgmt(calls.core, o);
  CHECK(mgmt.inq_princ_name(10, 100).name == "host/server.example");
  CHECK(mgmt.inq_princ_name(10, 20).status == kMgmtOk);  // 19 characters + NUL
  CHECK(mgmt.inq_princ_name(10, 19).status == kMgmtInsufficientBuffer);
  CHECK(mgmt.inq_princ_name(9, 100).status == kMgmtUnknownAuthnService);
}

TEST_CASE("mgmt_inq_stats_request_of_4_or_8_bytes", "[epm]") {
  const nca::rpc::Bytes dce = {4, 0, 0, 0};
  const nca::rpc::Bytes samba = {4, 0, 0, 0, 0, 0, 0, 0};
  CHECK(decode_inq_stats_request(dce) == 4u);
  CHECK(decode_inq_stats_request(samba) == 4u);
  CHECK(decode_inq_stats_request(nca::rpc::Bytes{0, 0, 0, 4}, false) == 4u);
  CHECK_FALSE(decode_inq_stats_request(nca::rpc::Bytes{4, 0, 0}));
  CHECK_FALSE(decode_inq_stats_request(nca::rpc::Bytes(12, 0)));
  const uint32_t v[] = {1, 2};
  CHECK(encode_inq_stats_response(v) ==
        nca::rpc::Bytes{2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0});
}
