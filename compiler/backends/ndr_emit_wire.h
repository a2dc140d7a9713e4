// What push and pull share: both walk the same passes and differ in the verb of the calls they
// emit for most DATA levels (push(p, ...) / pull(p, ...)); the levels whose code differs in more
// than the verb are each direction's own (ndr_emit_push.cpp, ndr_emit_pull.cpp).
#pragma once

#include "backends/ndr_walker.h"

namespace nca::idl::backends::ndr {

class WireEmitter : public LevelEmitter {
 public:
  WireEmitter(NdrWalker& walker, const char* verb) : LevelEmitter(walker), verb_(verb) {}

  void switch_level(const Site& s, const ir::SwitchLevel& sw) override;
  // flag(NDR_NOALIGN / NDR_BIG_ENDIAN / NDR_LITTLE_ENDIAN) on a level: the engine's flags change
  // around its scalars.
  bool flag_scope(const Site& s, const ir::DataLevel& d) override;
  void context_handle(const Site& s) override;
  void guid(const Site& s) override;
  void bitmap(const Site& s, const ir::Type& t) override;
  void enumeration(const Site& s, const ir::Type& t) override;
  void constructed(const Site& s, const ir::Type& t) override;
  void value(const Site& s) override;

 protected:
  // A site at the first level of `el`'s levels held in `v`.
  static Site element_site(const ir::Element& el, std::string v, int pass, const Scope& scope);

  // pidl's [relative_base]: relative offsets inside the value count from its start (after its
  // alignment; for a union, after the arm's), in both passes (Samba's
  // ndr_*_setup_relative_base_offset1/2); the enclosing base comes back after the value.
  void relative_base_begin(const ir::Type& t, bool has_buffers);
  void relative_base_resume(const ir::Type& t);
  void relative_base_end(const ir::Type& t);
  void union_arm_relative_base(const ir::Type& t, const ir::Element& e);
  // A constructed type's `flag()` for the engine, saved and set at the function's start.
  void type_flags_begin(const std::string& flags);
  void type_flags_end(const std::string& flags);

  const char* verb_;
};

}  // namespace nca::idl::backends::ndr
