// An EpmService over a real ServerCore (through CallMaker's calls) holding tcp entries of one
// interface: the service tests' and the lookup-end tests' common setup.
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "call_maker.h"
#include "nca/epm/service.h"
#include "tower_cases.h"

namespace epmtest {

inline const nca::rpc::Uuid kServiceIf = nca::rpc::Uuid::from_literal("11111111-2222-3333-4444-555555555555");

inline nca::rpc::Bytes tcp_octets(uint16_t port, const nca::rpc::Uuid& iface = kServiceIf) {
  nca::rpc::Binding b;
  b.set_protseq(nca::rpc::Protseq::kNcacnIpTcp);
  if (port) b.set_endpoint(std::to_string(port));
  return nca::epm::tower_from_binding(b, {iface, 1, 0}).value().encode();
}

struct Fixture {
  nca::epm::EndpointDatabase db;
  nca::epm::EpmService svc{db};
  CallMaker calls;
  nca::rpc::AssociationId assoc = calls.core.open_association();

  explicit Fixture(nca::epm::EpmService::Options options = {}) : svc(db, std::move(options)) {}

  void fill(int n) {
    std::vector<nca::rpc::Bytes> towers;
    for (int i = 0; i < n; ++i) towers.push_back(tcp_octets(uint16_t(6000 + i)));
    std::vector<nca::epm::WireEntry> entries;
    for (const auto& t : towers) entries.push_back({{}, t, "svc"});
    auto call = calls.call(assoc);
    REQUIRE(svc.insert(call.caller(), entries, false) == nca::epm::kEptOk);
    call.complete();
  }
  // An ept_lookup of every element; nullopt for a fault.
  std::optional<nca::epm::EpmService::LookupReply> try_lookup(const nca::rpc::WireContextHandle& h, uint32_t vers,
                                                              uint32_t max, nca::rpc::AssociationId a = 0) {
    auto call = calls.call(a ? a : assoc);
    auto r = svc.lookup(call, 0, std::nullopt, std::nullopt, vers, h, max);
    call.complete();
    if (!r.ok()) return std::nullopt;
    return std::move(r).value();
  }
  nca::epm::EpmService::LookupReply lookup(const nca::rpc::WireContextHandle& h, uint32_t vers, uint32_t max,
                                           nca::rpc::AssociationId a = 0) {
    auto r = try_lookup(h, vers, max, a);
    REQUIRE(r.has_value());
    return std::move(*r);
  }
  size_t open_handles() { return calls.core.context_handles().size(); }
};

}  // namespace epmtest
