#include "nca/rpc/context_handle.h"

#include <vector>

#include "nca/rpc/server.h"

namespace nca::rpc {

ContextHandleTable::ContextHandleTable() : random_(std::random_device{}()) {}

WireContextHandle ContextHandleTable::create_erased(const ServerCall& call, std::shared_ptr<void> state,
                                                    const void* type, UniqueFunction<void()> rundown) {
  AssociationId association = call.caller().association;
  if (!live_.count(association)) {
    if (rundown) rundown();
    return WireContextHandle{};
  }
  WireContextHandle handle;
  // A random version-4 UUID: handles must not be guessable from one another, and never nil
  // (the nil UUID with attributes 0 is the null handle).
  do {
    for (size_t i = 0; i < 16; i += 8) {
      uint64_t r = random_();
      for (size_t j = 0; j < 8; ++j) handle.uuid.bytes[i + j] = static_cast<uint8_t>(r >> (8 * j));
    }
    handle.uuid.bytes[6] = (handle.uuid.bytes[6] & 0x0f) | 0x40;
    handle.uuid.bytes[8] = (handle.uuid.bytes[8] & 0x3f) | 0x80;
  } while (entries_.count(handle.uuid));
  entries_.emplace(handle.uuid, Entry{std::move(state), type, call.interface().id,
                                      call.interface().strict_context_handles,
                                      association, std::move(rundown)});
  return handle;
}

const ContextHandleTable::Entry* ContextHandleTable::find(const ServerCall& call,
                                                          const WireContextHandle& handle,
                                                          Fault* why) const {
  auto refuse = [why](std::string message) -> const Entry* {
    *why = Fault(FaultCode::fault_context_mismatch, std::move(message));
    return nullptr;
  };
  if (handle.is_null()) return refuse("null context handle");
  auto it = entries_.find(handle.uuid);
  if (it == entries_.end()) return refuse("unknown or closed context handle " + handle.uuid.to_string());
  const Entry& e = it->second;
  if (e.association != call.caller().association)
    return refuse("context handle of another association");
  if (e.strict && !(e.owner == call.interface().id))
    return refuse("strict context handle of interface " + to_string(e.owner));
  return &e;
}

Result<std::shared_ptr<void>, Fault> ContextHandleTable::lookup_erased(const ServerCall& call,
                                                                       const WireContextHandle& handle,
                                                                       const void* type) const {
  Fault why;
  const Entry* e = find(call, handle, &why);
  if (!e) return why;
  if (e->type != type) return Fault(FaultCode::fault_context_mismatch, "context handle of another type");
  return e->state;
}

Result<WireContextHandle, Fault> ContextHandleTable::destroy(const ServerCall& call,
                                                             const WireContextHandle& handle) {
  Fault why;
  if (!find(call, handle, &why)) return why;
  entries_.erase(handle.uuid);
  return WireContextHandle{};
}

void ContextHandleTable::rundown(AssociationId association) {
  live_.erase(association);
  // Take the entries out first: a rundown may create or destroy other handles.
  std::vector<Entry> gone;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.association == association) {
      gone.push_back(std::move(it->second));
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  for (Entry& e : gone)
    if (e.rundown) e.rundown();
}

}  // namespace nca::rpc
