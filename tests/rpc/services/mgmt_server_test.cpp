// The management interface as any engine serves it: rpc::MgmtServer registered on a bare
// ServerCore (no protocol engine, no endpoint mapper) and called through the loopback handle,
// which marshals both ways as a remote handle would. Every operation, both inq_stats request
// shapes, stop refused then allowed, and the registration's lifetime.
#include <catch2/catch.hpp>

#include <functional>
#include <optional>

#include "mgmt_client.h"
#include "nca/rpc/executor.h"
#include "nca/rpc/in_process_handle.h"
#include "nca/rpc/mgmt_server.h"

using namespace nca;

namespace {

constexpr rpc::SyntaxId kMgmt{rpc::Uuid::from_literal("afa8bd80-7d8a-11c9-bef4-08002b102989"), 1, 0};

struct Bench {
  rpc::ManualExecutor executor;
  rpc::ServerCore core;
  mgmt::Client::Drive drive = [this](const std::function<bool()>& done) {
    executor.run();
    return done();
  };

  rpc::Result<rpc::Bytes> raw(rpc::LoopbackHandle& h, uint16_t opnum, rpc::Bytes stub) {
    std::optional<rpc::Result<rpc::Bytes>> r;
    h.call_raw(mgmt::kInterface, opnum, std::move(stub), {}, [&](rpc::Result<rpc::Bytes> x) { r.emplace(std::move(x)); });
    executor.run();
    REQUIRE(r);
    return std::move(*r);
  }
};

}  // namespace

TEST_CASE("mgmt_served_on_a_bare_server_core_without_an_engine", "[rpc][mgmt]") {
  Bench b;
  bool allow = false;
  int stops = 0;
  rpc::MgmtService::Options options;
  options.allow_stop = [&](const rpc::CallerContext&) { return allow; };
  options.stop = [&] { ++stops; };
  options.principal_names[10] = "host/bench";
  rpc::MgmtServer server(b.core, options);
  REQUIRE(server.registered());
  rpc::LoopbackHandle h(b.executor, b.core);
  mgmt::Client client(h, b.drive);

  auto ids = client.mgmt_inq_if_ids();
  REQUIRE(ids);
  REQUIRE(ids->if_id_vector);
  REQUIRE(ids->if_id_vector->if_id.size() == 1);  // mgmt itself, the core's only interface
  REQUIRE(ids->if_id_vector->if_id[0].id);
  CHECK(ids->if_id_vector->if_id[0].id->uuid.to_string() == "afa8bd80-7d8a-11c9-bef4-08002b102989");
  CHECK(ids->if_id_vector->if_id[0].id->if_version == 1u);

  // Windows' and Samba's 8-byte request, through the generated stub: calls in counted by the
  // core (inq_if_ids and this one); no engine, so no packets.
  auto stats = client.mgmt_inq_stats(4, 0);
  REQUIRE(stats);
  CHECK(stats->statistics.statistics == std::vector<uint32_t>{2, 0, 0, 0});
  // DCE 1.1's 4-byte request (max_count 2), raw: size, count, two counters, status.
  auto short_reply = b.raw(h, 1, rpc::Bytes{2, 0, 0, 0});
  REQUIRE(short_reply);
  CHECK(*short_reply == rpc::Bytes{2, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  auto odd = b.raw(h, 1, rpc::Bytes(5, 0));
  REQUIRE_FALSE(odd);
  CHECK(odd.error().is_fault(rpc::FaultCode::fault_ndr));

  auto listening = client.mgmt_is_server_listening();
  REQUIRE(listening);
  CHECK(listening->result);
  CHECK(listening->status == 0u);

  auto princ = client.mgmt_inq_princ_name(10, 100);
  REQUIRE(princ);
  CHECK(princ->result.value == 0u);
  CHECK(princ->princ_name == "host/bench");
  auto unknown = client.mgmt_inq_princ_name(9, 100);
  REQUIRE(unknown);
  CHECK(unknown->result.value == rpc::kMgmtUnknownAuthnService);

  auto refused = client.mgmt_stop_server_listening();
  REQUIRE(refused);
  CHECK(refused->value == rpc::kMgmtAccessDenied);
  CHECK(stops == 0);
  allow = true;
  auto stopped = client.mgmt_stop_server_listening();
  REQUIRE(stopped);
  CHECK(stopped->value == rpc::kMgmtOk);
  CHECK(stops == 1);
  auto after = client.mgmt_is_server_listening();
  REQUIRE(after);
  CHECK_FALSE(after->result);
  CHECK(after->status == rpc::kMgmtNotListening);
}

TEST_CASE("mgmt_registration_is_one_per_core_and_ends_with_its_server", "[rpc][mgmt]") {
  Bench b;
  {
    rpc::MgmtServer first(b.core);
    REQUIRE(first.registered());
    {
      rpc::MgmtServer second(b.core);  // an engine finding mgmt already served leaves it be
      CHECK_FALSE(second.registered());
    }
    CHECK(b.core.interface_ids() == std::vector<rpc::SyntaxId>{kMgmt});  // still served
  }
  CHECK(b.core.interface_ids().empty());
  rpc::LoopbackHandle h(b.executor, b.core);
  auto gone = b.raw(h, 2, {});
  REQUIRE_FALSE(gone);
  CHECK(gone.error().is_fault(rpc::FaultCode::unk_if));
}
