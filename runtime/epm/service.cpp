#include "nca/epm/service.h"

namespace nca::epm {
namespace {

std::optional<std::vector<Entry>> decode_entries(std::span<const WireEntry> in, const TowerLimits& limits) {
  std::vector<Entry> out;
  out.reserve(in.size());
  for (const WireEntry& w : in) {
    auto t = Tower::decode(w.tower, limits);
    if (!t) return std::nullopt;
    out.push_back(Entry{w.object, std::move(t).value(), std::string(w.annotation)});
  }
  return out;
}

OwnerId default_owner(const rpc::CallerContext& caller) {
  return caller.transport == "ncalrpc" ? caller.association : kNoOwner;
}

}  // namespace

EpmService::EpmService(EndpointDatabase& db, Options options) : db_(db), options_(std::move(options)) {
  if (!options_.owner_of) options_.owner_of = default_owner;
}

uint32_t EpmService::insert(const rpc::CallerContext& caller, std::span<const WireEntry> entries, bool replace) {
  auto decoded = decode_entries(entries, options_.tower_limits);
  if (!decoded) return kEptInvalidEntry;
  return db_.insert(*decoded, replace, options_.owner_of(caller));
}

uint32_t EpmService::remove(std::span<const WireEntry> entries) {
  auto decoded = decode_entries(entries, options_.tower_limits);
  if (!decoded) return kEptInvalidEntry;
  return db_.remove(*decoded);
}

rpc::Result<std::shared_ptr<EpmCursor>, rpc::Fault> EpmService::cursor_for(const rpc::ServerCall& call,
                                                                           const rpc::WireContextHandle& handle) {
  auto found = call.server().context_handles().lookup<EpmCursor>(call, handle);
  if (!found) return std::move(found).take_error();
  return std::move(found).value();
}

rpc::WireContextHandle EpmService::settle(const rpc::ServerCall& call, const rpc::WireContextHandle& handle,
                                          std::shared_ptr<EpmCursor> cursor, bool done) {
  auto& table = call.server().context_handles();
  if (done) {
    if (!handle.is_null()) (void)table.destroy(call, handle);
    return {};
  }
  if (!handle.is_null()) return handle;
  return table.create<EpmCursor>(call, std::move(cursor));
}

rpc::Result<EpmService::LookupReply, rpc::Fault> EpmService::lookup(
    const rpc::ServerCall& call, uint32_t inquiry_type, const std::optional<rpc::Uuid>& object,
    const std::optional<rpc::SyntaxId>& interface, uint32_t vers_option, const rpc::WireContextHandle& handle,
    uint32_t max_ents) {
  LookupReply reply;
  std::shared_ptr<EpmCursor> cursor;
  if (handle.is_null()) {
    auto inquiry = inquiry_type_from_wire(inquiry_type);
    auto vers = vers_option_from_wire(vers_option);
    const bool by_if = inquiry == InquiryType::kMatchByIf || inquiry == InquiryType::kMatchByBoth;
    if (!inquiry || (by_if && !vers)) {
      reply.status = kEptCantPerformOp;
      return reply;
    }
    LookupQuery q;
    q.inquiry = *inquiry;
    q.object = object.value_or(rpc::Uuid{});
    q.interface = interface.value_or(rpc::SyntaxId{});
    q.vers = vers ? vers->option : VersOption::kAll;
    LookupEnd end = options_.lookup_end;
    if (end == LookupEnd::kAuto) end = (vers && vers->samba_numbering) ? LookupEnd::kDeferred : LookupEnd::kWindows;
    cursor = std::make_shared<EpmCursor>(EpmCursor{db_.begin_lookup(q, end)});
  } else {
    // A continuation: the query is the one the handle was opened with, as C706 specifies.
    auto found = cursor_for(call, handle);
    if (!found) return std::move(found).take_error();
    cursor = std::move(found).value();
    if (!std::holds_alternative<LookupCursor>(cursor->cursor))
      return rpc::Fault(rpc::FaultCode::fault_context_mismatch, "ept_lookup on an ept_map handle");
  }
  LookupBatch batch = db_.next(std::get<LookupCursor>(cursor->cursor), max_ents);
  reply.status = batch.status;
  reply.entries = std::move(batch.entries);
  reply.handle = settle(call, handle, std::move(cursor), batch.done);
  return reply;
}

rpc::Result<EpmService::MapReply, rpc::Fault> EpmService::map(const rpc::ServerCall& call,
                                                              const std::optional<rpc::Uuid>& object,
                                                              std::optional<std::span<const uint8_t>> map_tower,
                                                              const rpc::WireContextHandle& handle,
                                                              uint32_t max_towers, const MapContext& context) {
  MapReply reply;
  std::shared_ptr<EpmCursor> cursor;
  if (handle.is_null()) {
    if (!map_tower) {
      reply.status = kEptNoMoreEntries;
      return reply;
    }
    auto tower = Tower::decode(*map_tower, options_.tower_limits);
    if (!tower) {
      reply.status = kEptCantPerformOp;
      return reply;
    }
    auto begun = db_.begin_map(object.value_or(rpc::Uuid{}), tower.value());
    if (!begun) {
      reply.status = begun.error();
      return reply;
    }
    cursor = std::make_shared<EpmCursor>(EpmCursor{std::move(begun).value()});
  } else {
    auto found = cursor_for(call, handle);
    if (!found) return std::move(found).take_error();
    cursor = std::move(found).value();
    if (!std::holds_alternative<MapCursor>(cursor->cursor))
      return rpc::Fault(rpc::FaultCode::fault_context_mismatch, "ept_map on an ept_lookup handle");
  }
  MapBatch batch = db_.next(std::get<MapCursor>(cursor->cursor), max_towers, context);
  reply.status = batch.status;
  reply.towers = std::move(batch.towers);
  reply.handle = settle(call, handle, std::move(cursor), batch.done);
  return reply;
}

rpc::Result<rpc::WireContextHandle, rpc::Fault> EpmService::lookup_handle_free(const rpc::ServerCall& call,
                                                                             const rpc::WireContextHandle& handle) {
  auto found = cursor_for(call, handle);
  if (!found) return std::move(found).take_error();
  return call.server().context_handles().destroy(call, handle);
}

uint32_t EpmService::inq_object(rpc::Uuid& object) const {
  object = db_.object();
  return kEptOk;
}

uint32_t EpmService::mgmt_delete(bool object_speced, const std::optional<rpc::Uuid>& object,
                                 std::optional<std::span<const uint8_t>> tower) {
  if (!tower) return kEptInvalidEntry;
  auto t = Tower::decode(*tower, options_.tower_limits);
  if (!t) return kEptInvalidEntry;
  std::optional<rpc::Uuid> which;
  if (object_speced) which = object.value_or(rpc::Uuid{});
  return db_.mgmt_delete(which, t.value());
}

}  // namespace nca::epm
