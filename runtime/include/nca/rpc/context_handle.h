// Server-side context handles: the table behind [context_handle] parameters.
//
// On the wire a context handle is 20 bytes (attributes uint32 + a UUID; MS-RPCE 2.2.4.11 /
// C706 policy_handle); the table is keyed by the UUID. Each handle belongs to the association that
// created it: other associations cannot use it, and when its association closes the handle's
// rundown runs (C706 "context rundown"). A handle created by an interface with
// strict_context_handles only works on calls to that same interface.
// Every refusal is the fault nca_s_fault_context_mismatch.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <set>

#include "nca/rpc/function.h"
#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

namespace nca::rpc {

using AssociationId = uint64_t;
class ServerCall;

struct WireContextHandle {
  uint32_t attributes = 0;
  Uuid uuid;
  bool is_null() const { return attributes == 0 && uuid.is_nil(); }
  friend bool operator==(const WireContextHandle&, const WireContextHandle&) = default;
};

class ContextHandleTable {
 public:
  ContextHandleTable();

  // A new handle for `state`, owned by the caller's association and tagged with the call's
  // interface. `rundown` (optional) runs once if the association closes before destroy(). If
  // the association has already closed (an asynchronous handler finishing after its client left),
  // nothing is stored and the rundown runs at once, before create() returns.
  template <class T>
  WireContextHandle create(const ServerCall& call, std::shared_ptr<T> state,
                           UniqueFunction<void(T&)> rundown = nullptr) {
    UniqueFunction<void()> erased;
    if (rundown)
      erased = [s = state, r = std::move(rundown)]() mutable { r(*s); };
    return create_erased(call, std::move(state), type_tag<T>(), std::move(erased));
  }

  // The state behind `handle` for this call, or the fault nca_s_fault_context_mismatch when it is
  // null, unknown, closed, another association's, another interface's (strict), or not a T.
  template <class T>
  Result<std::shared_ptr<T>, Fault> lookup(const ServerCall& call, const WireContextHandle& handle) const {
    auto found = lookup_erased(call, handle, type_tag<T>());
    if (!found) return std::move(found).take_error();
    return std::static_pointer_cast<T>(std::move(found).value());
  }

  // Closes `handle` without rundown (the close operation of the interface). Returns the null
  // handle the close operation sends back, or the lookup fault.
  Result<WireContextHandle, Fault> destroy(const ServerCall& call, const WireContextHandle& handle);

  // ServerCore calls these as associations open and close. rundown() runs the rundown of every
  // handle `association` owns, then forgets them and the association.
  void association_opened(AssociationId association) { live_.insert(association); }
  void rundown(AssociationId association);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::shared_ptr<void> state;
    const void* type;
    SyntaxId owner;  // the interface of the creating call
    bool strict;
    AssociationId association;
    UniqueFunction<void()> rundown;
  };
  template <class T>
  static const void* type_tag() {
    static const char tag = 0;
    return &tag;
  }
  WireContextHandle create_erased(const ServerCall& call, std::shared_ptr<void> state,
                                  const void* type, UniqueFunction<void()> rundown);
  Result<std::shared_ptr<void>, Fault> lookup_erased(const ServerCall& call,
                                                     const WireContextHandle& handle,
                                                     const void* type) const;
  const Entry* find(const ServerCall& call, const WireContextHandle& handle, Fault* why) const;

  std::map<Uuid, Entry> entries_;
  std::set<AssociationId> live_;
  std::mt19937_64 random_;
};

}  // namespace nca::rpc
