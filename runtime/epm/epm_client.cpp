#include "nca/epm/epm_client.h"

#include <memory>

#include "epmapper_client.h"
#include "wire_types.h"

namespace nca::epm {
namespace {

std::vector<epmapper::epm_entry_t> to_wire_entries(const std::vector<Entry>& entries) {
  std::vector<epmapper::epm_entry_t> out;
  for (const Entry& e : entries) {
    epmapper::epm_entry_t w;
    w.object = e.object;
    if (auto twr = detail::to_twr(e.tower)) w.tower = std::make_shared<epmapper::epm_twr_t>(std::move(*twr));
    w.annotation = e.annotation;
    out.push_back(std::move(w));
  }
  return out;
}

struct Walk {
  Walk(rpc::BindingHandle& h, const rpc::CallOptions& o) : client(h, nullptr, o) {}
  epmapper::Client client;
  LookupAnswer answer;
  uint32_t batch = 500;
  size_t max_entries = 0;
  rpc::UniqueFunction<void(rpc::Result<LookupAnswer>)> done;
};

void lookup_next(std::shared_ptr<Walk> walk, ndr::ContextHandle handle) {
  Walk& w = *walk;
  w.client.epm_Lookup_async(
      epmapper::RPC_C_EP_ALL_ELTS, nullptr, nullptr, epmapper::epm_VersionOption(1), handle, w.batch,
      [walk](rpc::Result<epmapper::epm_Lookup::Out> r) mutable {
        Walk& w = *walk;
        if (!r) return w.done(std::move(r).take_error());
        auto& out = r.value();
        w.answer.status = out.result;
        for (auto& e : out.entries) {
          Entry entry{e.object, {}, e.annotation};
          if (e.tower) {
            auto t = Tower::decode(detail::tower_octets(*e.tower));
            if (t) entry.tower = std::move(t).value();
          }
          w.answer.entries.push_back(std::move(entry));
        }
        // Windows ends with a null handle (status 0 on the last batch, then not_registered on
        // a further call); Samba with status no_more_entries on the last batch.
        if (out.result != kEptOk || out.entry_handle.is_nil()) {
          if (out.result == kEptNoMoreEntries) w.answer.status = kEptOk;
          return w.done(std::move(w.answer));
        }
        if (w.answer.entries.size() > w.max_entries)
          return w.done(rpc::Status::protocol(0, "ept_lookup did not end after " +
                                                     std::to_string(w.max_entries) + " entries"));
        lookup_next(walk, out.entry_handle);
      });
}

}  // namespace

void map_endpoints(rpc::BindingHandle& handle, const rpc::Binding& wanted, const rpc::SyntaxId& interface,
                   const rpc::CallOptions& options, rpc::UniqueFunction<void(rpc::Result<MapAnswer>)> done) {
  rpc::Binding query = wanted;
  query.set_endpoint(std::nullopt);
  auto tower = tower_from_binding(query, interface, rpc::kNdr20);
  std::optional<epmapper::epm_twr_t> twr;
  if (tower) twr = detail::to_twr(tower.value());
  if (!twr) {
    return done(rpc::Status::protocol(0, "ept_map: no tower for " + wanted.to_string()));
  }
  ndr::Full<ndr::Guid> object;
  if (wanted.object())
    if (auto u = rpc::Uuid::parse(*wanted.object())) object = std::make_shared<ndr::Guid>(*u);
  auto client = std::make_shared<epmapper::Client>(handle, nullptr, options);
  client->epm_Map_async(object, std::make_shared<epmapper::epm_twr_t>(std::move(*twr)), ndr::ContextHandle{}, 4,
                        [client, done = std::move(done)](rpc::Result<epmapper::epm_Map::Out> r) mutable {
                          if (!r) return done(std::move(r).take_error());
                          MapAnswer answer;
                          answer.status = r->result;
                          for (const auto& p : r->towers) {
                            if (!p.twr) continue;
                            auto t = Tower::decode(detail::tower_octets(*p.twr));
                            if (!t) continue;
                            auto b = binding_from_tower(t.value());
                            if (b && b->binding.endpoint()) answer.endpoints.push_back(*b->binding.endpoint());
                          }
                          done(std::move(answer));
                        });
}

void lookup_all(rpc::BindingHandle& handle, rpc::UniqueFunction<void(rpc::Result<LookupAnswer>)> done,
                uint32_t batch, size_t max_entries, const rpc::CallOptions& options) {
  auto walk = std::make_shared<Walk>(handle, options);
  walk->batch = batch;
  walk->max_entries = max_entries;
  walk->done = std::move(done);
  lookup_next(std::move(walk), ndr::ContextHandle{});
}

void insert_entries(rpc::BindingHandle& handle, std::vector<Entry> entries, bool replace,
                    rpc::UniqueFunction<void(rpc::Result<uint32_t>)> done, const rpc::CallOptions& options) {
  auto client = std::make_shared<epmapper::Client>(handle, nullptr, options);
  auto wire = to_wire_entries(entries);
  uint32_t n = uint32_t(wire.size());
  client->epm_Insert_async(n, std::move(wire), replace ? 1 : 0,
                           [client, done = std::move(done)](rpc::Result<uint32_t> r) mutable { done(std::move(r)); });
}

void delete_entries(rpc::BindingHandle& handle, std::vector<Entry> entries,
                    rpc::UniqueFunction<void(rpc::Result<uint32_t>)> done, const rpc::CallOptions& options) {
  auto client = std::make_shared<epmapper::Client>(handle, nullptr, options);
  auto wire = to_wire_entries(entries);
  uint32_t n = uint32_t(wire.size());
  client->epm_Delete_async(n, std::move(wire),
                           [client, done = std::move(done)](rpc::Result<uint32_t> r) mutable { done(std::move(r)); });
}

}  // namespace nca::epm
