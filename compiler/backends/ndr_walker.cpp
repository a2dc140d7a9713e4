#include "backends/ndr_walker.h"

namespace nca::idl::backends::ndr {

LevelEmitter::LevelEmitter(NdrWalker& walker)
    : walker_(walker), m_(walker.model()), w_(walker.writer()) {}

void LevelEmitter::walk(const Site& s) { walker_.walk(*this, s); }

std::string LevelEmitter::tmp() { return std::to_string(walker_.next_tmp()); }

void LevelEmitter::switch_level(const Site& s, const ir::SwitchLevel&) { walk(s.next(s.value)); }

void LevelEmitter::subcontext(const Site& s, const ir::SubcontextLevel&) { walk(s.next(s.value)); }

bool LevelEmitter::flag_scope(const Site&, const ir::DataLevel&) { return false; }

void LevelEmitter::bitmap(const Site& s, const ir::Type&) { value(s); }

void LevelEmitter::enumeration(const Site& s, const ir::Type&) { value(s); }

void LevelEmitter::constructed(const Site& s, const ir::Type&) { value(s); }

NdrWalker::NdrWalker(const CppModel& m, std::string& out, DiagnosticEngine& diags)
    : m_(m), w_(out), diags_(diags), exprs_(unsupported_) {}

void NdrWalker::walk(LevelEmitter& e, const Site& s) {
  const ir::Level& l = s.level();
  if (m_.is_interface_pointer(s.all(), s.i)) return e.interface_pointer(s);
  if (const auto* p = std::get_if<ir::PointerLevel>(&l)) return e.pointer(s, *p);
  if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) return e.array(s, *a);
  if (const auto* sw = std::get_if<ir::SwitchLevel>(&l)) return e.switch_level(s, *sw);
  if (const auto* sc = std::get_if<ir::SubcontextLevel>(&l)) return e.subcontext(s, *sc);
  data(e, s, std::get<ir::DataLevel>(l));
}

void NdrWalker::data(LevelEmitter& e, const Site& s, const ir::DataLevel& d) {
  if (e.flag_scope(s, d)) return;
  if (d.context_handle != ir::ContextHandleKind::none) return e.context_handle(s);
  if (!d.type) return e.builtin(s, d);
  const ir::Type& t = *d.type;
  switch (m_.well_known(t)) {
    case WellKnown::guid: return e.guid(s);
    case WellKnown::policy_handle: return e.context_handle(s);
    case WellKnown::none: break;
  }
  if (const ir::Element* target = m_.alias_target(t)) {
    Site in = s;
    in.levels = &target->levels;
    in.i = 0;
    in.hoisted.clear();
    return walk(e, in);
  }
  if (t.kind == ir::TypeKind::bitmap) return e.bitmap(s, t);
  if (t.kind == ir::TypeKind::enum_) return e.enumeration(s, t);
  e.constructed(s, t);
}

void NdrWalker::check_relative_reverse(const ir::NdrFlags& flags) {
  if (flags.has(ir::NdrFlag::relative_reverse))
    unsupported_ = std::string("flag '") + ir::to_string(ir::NdrFlag::relative_reverse) +
                   "' (the reversed relative layout)";
}

void NdrWalker::type(const ir::Type& t, const std::vector<LevelEmitter*>& emitters) {
  if (m_.well_known(t) != WellKnown::none) return;
  unsupported_.clear();
  check_relative_reverse(t.flags);
  for (LevelEmitter* e : emitters) {
    switch (t.kind) {
      case ir::TypeKind::struct_: e->struct_type(t); break;
      case ir::TypeKind::union_: e->union_type(t); break;
      case ir::TypeKind::enum_: e->enum_type(t); break;
      case ir::TypeKind::bitmap: e->bitmap_type(t); break;
      case ir::TypeKind::pipe:
        if (t.target) e->pipe_type(t);
        break;
      default: break;
    }
  }
  if (!unsupported_.empty())
    diags_.error(t.range, "cannot generate NDR code for '" + t.name + "': " + unsupported_ +
                              " not supported yet", "gen-unsupported");
}

void NdrWalker::operation(const ir::Operation& op, const std::vector<LevelEmitter*>& emitters) {
  unsupported_.clear();
  for (bool out : {false, true})
    for (LevelEmitter* e : emitters) e->operation(op, out);
  if (!unsupported_.empty())
    diags_.error(op.range, "cannot generate NDR code for '" + op.name + "': " + unsupported_ +
                               " not supported yet", "gen-unsupported");
}

}  // namespace nca::idl::backends::ndr
