// The generated epmapper stubs wired to EpmService. Each handler converts the generated argument
// types to wire values (towers as octet strings), makes one EpmService call, and converts back.
#include "nca/epm/epmapper_server.h"

#include <set>

#include "epmapper_server.h"
#include "nca/rpc/patched_interface.h"
#include "wire_types.h"

namespace nca::epm {
namespace {

using detail::to_ndr;
using detail::to_wire;

// State the association rundowns reach: they may run after the EpmapperServer is gone (the
// ServerCore closes associations later), so they hold this and check `db`.
struct Liveness {
  EndpointDatabase* db = nullptr;
  std::set<rpc::AssociationId> tracked;
};
struct OwnerToken {};

// ept_inq_object as a raw operation. C706 (and Windows) declare `[out] uuid_t *object`: the request
// is empty and the response is the UUID then the status. Samba's epmapper.idl declares
// `[in] GUID *epm_object`: a 16-byte request and a status-only response. Both are answered.
void inq_object_raw(void* impl, rpc::ServerCall call);

}  // namespace

struct EpmapperServer::Impl final : epmapper::Service {
  Impl(rpc::ServerCore& c, EndpointDatabase& d, Options o)
      : core(c), db(d), options(std::move(o)), service(d, service_options()),
        liveness(std::make_shared<Liveness>(Liveness{&d, {}})) {}

  EpmService::Options service_options() {
    EpmService::Options so = options.service;
    if (options.own_by_association)
      so.owner_of = [](const rpc::CallerContext& caller) -> OwnerId { return caller.association; };
    return so;
  }

  // Ties the caller's association to its entries: the first insert on an association leaves a
  // context-handle entry (never sent to the client) whose rundown drops the owner.
  void track(rpc::ServerCall& call) {
    rpc::AssociationId assoc = call.caller().association;
    if (!options.own_by_association || liveness->tracked.count(assoc)) return;
    liveness->tracked.insert(assoc);
    std::weak_ptr<Liveness> weak = liveness;
    (void)core.context_handles().create<OwnerToken>(call, std::make_shared<OwnerToken>(),
                                                    [weak, assoc](OwnerToken&) {
                                                      auto l = weak.lock();
                                                      if (!l || !l->db) return;
                                                      l->tracked.erase(assoc);
                                                      l->db->drop_owner(assoc);
                                                    });
  }

  // Entries as wire values; the octet strings live in `storage`. nullopt: an entry had no tower.
  static std::optional<std::vector<WireEntry>> wire_entries(const std::vector<epmapper::epm_entry_t>& in,
                                                            std::vector<Bytes>& storage) {
    std::vector<WireEntry> out;
    storage.reserve(in.size());
    for (const auto& e : in) {
      if (!e.tower) return std::nullopt;
      storage.push_back(detail::tower_octets(*e.tower));
    }
    for (size_t i = 0; i < in.size(); ++i)
      out.push_back(WireEntry{in[i].object, storage[i], in[i].annotation});
    return out;
  }

  uint32_t epm_Insert(rpc::OpCall<epmapper::epm_Insert>& call, uint32_t&, std::vector<epmapper::epm_entry_t>& entries,
                      uint32_t& replace) override {
    std::vector<Bytes> storage;
    auto wire = wire_entries(entries, storage);
    if (!wire) return kEptInvalidEntry;
    uint32_t status = service.insert(call.caller(), *wire, replace != 0);
    if (status == kEptOk) track(call.call());
    return status;
  }

  uint32_t epm_Delete(rpc::OpCall<epmapper::epm_Delete>&, uint32_t&, std::vector<epmapper::epm_entry_t>& entries) override {
    std::vector<Bytes> storage;
    auto wire = wire_entries(entries, storage);
    if (!wire) return kEptInvalidEntry;
    return service.remove(*wire);
  }

  uint32_t epm_Lookup(rpc::OpCall<epmapper::epm_Lookup>& call, epmapper::epm_InquiryType& inquiry_type,
                      ndr::Full<ndr::Guid>& object, ndr::Full<epmapper::rpc_if_id_t>& interface_id,
                      epmapper::epm_VersionOption& vers_option, ndr::ContextHandle& entry_handle, uint32_t& max_ents,
                      uint32_t& num_ents, std::vector<epmapper::epm_entry_t>& entries) override {
    std::optional<rpc::Uuid> obj;
    if (object) obj = *object;
    std::optional<rpc::SyntaxId> iface;
    if (interface_id) iface = rpc::SyntaxId{interface_id->uuid, interface_id->vers_major, interface_id->vers_minor};
    auto reply = service.lookup(call.call(), inquiry_type, obj, iface, vers_option, to_wire(entry_handle), max_ents);
    if (!reply) {
      call.fault(std::move(reply).take_error());
      return 0;
    }
    entry_handle = to_ndr(reply->handle);
    entries.clear();
    for (const Entry& e : reply->entries) {
      auto twr = detail::to_twr(e.tower);
      epmapper::epm_entry_t out;
      out.object = e.object;
      if (twr) out.tower = std::make_shared<epmapper::epm_twr_t>(std::move(*twr));
      out.annotation = e.annotation;
      entries.push_back(std::move(out));
    }
    num_ents = uint32_t(entries.size());
    return reply->status;
  }

  uint32_t epm_Map(rpc::OpCall<epmapper::epm_Map>& call, ndr::Full<ndr::Guid>& object,
                   ndr::Full<epmapper::epm_twr_t>& map_tower, ndr::ContextHandle& entry_handle, uint32_t& max_towers,
                   uint32_t& num_towers, std::vector<epmapper::epm_twr_p_t>& towers) override {
    std::optional<rpc::Uuid> obj;
    if (object) obj = *object;
    Bytes octets;
    std::optional<std::span<const uint8_t>> tower;
    if (map_tower) {
      octets = detail::tower_octets(*map_tower);
      tower = std::span<const uint8_t>(octets);
    }
    auto reply = service.map(call.call(), obj, tower, to_wire(entry_handle), max_towers, options.map_context);
    if (!reply) {
      call.fault(std::move(reply).take_error());
      return 0;
    }
    entry_handle = to_ndr(reply->handle);
    towers.clear();
    for (const Tower& t : reply->towers) {
      auto twr = detail::to_twr(t);
      if (!twr) continue;
      towers.push_back(epmapper::epm_twr_p_t{std::make_shared<epmapper::epm_twr_t>(std::move(*twr))});
    }
    num_towers = uint32_t(towers.size());
    return reply->status;
  }

  uint32_t epm_LookupHandleFree(rpc::OpCall<epmapper::epm_LookupHandleFree>& call,
                                ndr::ContextHandle& entry_handle) override {
    auto closed = service.lookup_handle_free(call.call(), to_wire(entry_handle));
    if (!closed) {
      call.fault(std::move(closed).take_error());
      return 0;
    }
    entry_handle = to_ndr(closed.value());
    return kEptOk;
  }

  uint32_t epm_MgmtDelete(rpc::OpCall<epmapper::epm_MgmtDelete>&, uint32_t& object_speced,
                          ndr::Full<ndr::Guid>& object, ndr::Full<epmapper::epm_twr_t>& tower) override {
    std::optional<rpc::Uuid> obj;
    if (object) obj = *object;
    Bytes octets;
    std::optional<std::span<const uint8_t>> t;
    if (tower) {
      octets = detail::tower_octets(*tower);
      t = std::span<const uint8_t>(octets);
    }
    return service.mgmt_delete(object_speced != 0, obj, t);
  }

  rpc::ServerCore& core;
  EndpointDatabase& db;
  Options options;
  EpmService service;
  std::shared_ptr<Liveness> liveness;
  bool registered = false;
};

namespace {

constexpr rpc::PatchedInterface::RawOp kRawOps[] = {{5, "epm_InqObject", inq_object_raw}};
const rpc::PatchedInterface& patched() {
  static const rpc::PatchedInterface p(epmapper::kInterface, epmapper::kDispatchTable, kRawOps);
  return p;
}

void inq_object_raw(void* impl, rpc::ServerCall call) {
  auto* self = static_cast<EpmapperServer::Impl*>(static_cast<epmapper::Service*>(impl));
  rpc::RawArgs& a = rpc::raw_args(call);
  rpc::Uuid object;
  uint32_t status = self->service.inq_object(object);
  auto put32 = [&a](uint32_t v) {
    for (int i = 0; i < 4; ++i) a.out.push_back(uint8_t(v >> (8 * i)));
  };
  if (a.in.empty()) {
    uint8_t wire[rpc::Uuid::kWireSize];
    object.to_wire(wire, /*little_endian=*/true);
    a.out.insert(a.out.end(), wire, wire + sizeof wire);
  } else if (a.in.size() != 16) {
    return call.fault(rpc::Fault(rpc::FaultCode::fault_ndr, "ept_inq_object: a request of " +
                                                                 std::to_string(a.in.size()) + " bytes"));
  }
  put32(status);
  call.complete();
}

}  // namespace

EpmapperServer::EpmapperServer(rpc::ServerCore& core, EndpointDatabase& db, Options options)
    : impl_(std::make_unique<Impl>(core, db, std::move(options))) {
  impl_->registered = core.register_interface(patched().server_interface(static_cast<epmapper::Service*>(impl_.get())));
}

EpmapperServer::~EpmapperServer() {
  impl_->liveness->db = nullptr;
  if (impl_->registered) impl_->core.unregister_interface(epmapper::kInterface.id);
}

bool EpmapperServer::registered() const { return impl_->registered; }

}  // namespace nca::epm
