// NDR layout of types (see layout.h for the rules and their sources).
#include "sema/layout.h"

#include <algorithm>
#include <unordered_map>

#include "diag/diagnostics.h"

namespace nca::idl::sema {

namespace {

using ir::Layout;

constexpr uint32_t kCount20 = 4;  // conformance, offset and actual count: uint32 in NDR20
constexpr uint32_t kCount64 = 8;  // and uint64 in NDR64
constexpr uint64_t kMaxFixedSize = uint64_t{1} << 32;  // no NDR body is larger than 4 GiB

uint64_t round_up(uint64_t v, uint32_t align) { return (v + align - 1) / align * align; }

Layout scalar(uint32_t size20, uint32_t size64, uint32_t align20, uint32_t align64) {
  Layout l;
  l.align20 = std::max<uint32_t>(align20, 1);
  l.align64 = std::max<uint32_t>(align64, 1);
  l.size20 = size20;
  l.size64 = size64;
  return l;
}

Layout no_size(Layout l) {
  l.size20.reset();
  l.size64.reset();
  return l;
}

Layout builtin_layout(const ir::Builtin& b) {
  if (b.kind == ir::ScalarKind::blob || b.kind == ir::ScalarKind::pidl_string ||
      b.kind == ir::ScalarKind::interface_ptr ||
      (b.kind == ir::ScalarKind::runtime && b.size20 == 0))
    return no_size(scalar(0, 0, b.align20, b.align64));
  return scalar(b.size20, b.size64, b.align20, b.align64);
}

// The alignment of levels[k..] of a struct member or union arm as marshalling code aligns it: a
// top-level [ref] pointer is its pointee, a subcontext its content, a conformant array last in a
// struct (its count hoisted) and a fixed array their elements; other arrays also their counts.
uint32_t member_align(const std::vector<ir::Level>& L, size_t k, bool ndr64) {
  if (k >= L.size()) return 1;
  const ir::Level& l = L[k];
  if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
    if (p->kind == ir::PointerKind::relative) return 4;        // always a 32-bit offset
    if (p->kind == ir::PointerKind::relative_short) return 2;  // always a 16-bit offset
    return p->kind == ir::PointerKind::ref && p->top_level ? member_align(L, k + 1, ndr64) : (ndr64 ? 8 : 4);
  }
  if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) {
    const bool conformant = a->kind == ir::ArrayKind::conformant || a->kind == ir::ArrayKind::conformant_varying;
    const bool varying = a->kind == ir::ArrayKind::varying || a->kind == ir::ArrayKind::conformant_varying;
    const uint32_t counts = (a->kind == ir::ArrayKind::fixed || (conformant && a->surrounding && !varying))
                                ? 1 : (ndr64 ? kCount64 : kCount20);
    return std::max(counts, member_align(L, k + 1, ndr64));
  }
  if (std::holds_alternative<ir::SwitchLevel>(l) || std::holds_alternative<ir::SubcontextLevel>(l))
    return member_align(L, k + 1, ndr64);
  const auto& d = std::get<ir::DataLevel>(l);
  if (d.builtin) return std::max<uint32_t>(1, ndr64 ? d.builtin->align64 : d.builtin->align20);
  if (d.type) return ndr64 ? d.type->layout.align64 : d.type->layout.align20;
  return 1;
}

ir::WireAlign member_wire_align(const ir::Element& e) {
  return {member_align(e.levels, 0, false), member_align(e.levels, 0, true)};
}

// The wire alignment of a union's discriminant (NDR64 widens a plain 16-bit enum to 32 bits).
ir::WireAlign discriminant_align(const ir::Type& t) {
  if (t.switch_enum) {
    const ir::Type& e = *t.switch_enum;
    if (e.wire_bits == 16 && e.layout.size64 == 4) return {2, 4};
    return {e.wire_bits / 8, e.wire_bits / 8};
  }
  const ir::Builtin* b = t.switch_type ? t.switch_type : &ir::builtin_uint32();
  return {std::max<uint32_t>(1, b->align20), std::max<uint32_t>(1, b->align64)};
}

class LayoutPass {
 public:
  LayoutPass(const std::vector<ir::Type*>& types, DiagnosticEngine& diags) : diags_(diags) {
    for (ir::Type* t : types) mutable_[t] = t;
  }

  void run(const std::vector<ir::Type*>& types) {
    for (ir::Type* t : types) visit(t);
  }

 private:
  enum class State { unvisited, in_progress, done };

  // Makes sure `t` has its layout; returns false when `t` is being computed (a cycle by value).
  bool visit(const ir::Type* t) {
    State& s = state_[t];
    if (s == State::done) return true;
    if (s == State::in_progress) return false;
    s = State::in_progress;
    auto it = mutable_.find(t);
    if (depth_ >= kMaxDepth) {
      // Types nested this deeply by value are hostile input: no layout, one error.
      if (!depth_reported_)
        diags_.error(t->range, "types are nested too deeply (more than " +
                                   std::to_string(kMaxDepth) + " levels)", "nesting-too-deep");
      depth_reported_ = true;
      if (it != mutable_.end()) it->second->layout = no_size(scalar(0, 0, 1, 1));
    } else if (it != mutable_.end()) {
      ++depth_;
      it->second->layout = compute(*it->second);
      wire_aligns(*it->second);
      --depth_;
    }
    state_[t] = State::done;
    return true;
  }

  // The layout of e's levels from `k`, visiting the types it holds by value first.
  Layout levels(const ir::Element& e, size_t k, const ir::Type& owner) {
    if (k < e.levels.size()) {
      if (const auto* d = std::get_if<ir::DataLevel>(&e.levels[k]); d && d->type) {
        if (!visit(d->type)) {
          if (reported_.insert_or_assign(d->type, true).second) {
            Diagnostic diag{Severity::error, e.range,
                            "type '" + d->type->name + "' contains itself by value",
                            "recursive-type", {}};
            diag.notes.push_back({Severity::note, d->type->range,
                                  "'" + d->type->name + "' declared here (use a pointer to "
                                  "refer to it)", "", {}});
            diags_.report(std::move(diag));
          }
          return no_size(scalar(0, 0, 1, 1));
        }
      }
      // Arrays and switches recurse into the next level; that is where nested types appear.
      if (!std::holds_alternative<ir::PointerLevel>(e.levels[k]) && k + 1 < e.levels.size())
        levels(e, k + 1, owner);
    }
    Layout l = element_layout(e, k);
    if (k < e.levels.size() && !l.size20) {
      const auto* a = std::get_if<ir::ArrayLevel>(&e.levels[k]);
      if (a && a->kind == ir::ArrayKind::fixed && element_layout(e, k + 1).size20)
        diags_.error(e.range, "array '" + e.name + "' is too large", "type-too-large");
    }
    return l;
  }

  // The alignments marshalling code uses (ir::Layout::body, ::discriminant, ::arms and each
  // member's Element::align), once the type's and its members' layouts are known.
  void wire_aligns(ir::Type& t) {
    Layout& l = t.layout;
    l.body = {l.align20, l.align64};
    if (t.kind == ir::TypeKind::struct_) {
      ir::WireAlign members;
      for (ir::Element& m : t.members) {
        m.align = member_wire_align(m);
        members.a20 = std::max(members.a20, m.align.a20);
        members.a64 = std::max(members.a64, m.align.a64);
      }
      if (!t.members.empty())
        if (const auto* a = std::get_if<ir::ArrayLevel>(&t.members.back().levels[0]))
          if (a->surrounding && (a->kind == ir::ArrayKind::conformant || a->kind == ir::ArrayKind::conformant_varying))
            l.body = members;
    } else if (t.kind == ir::TypeKind::union_) {
      if (t.switch_enum) visit(t.switch_enum);
      l.discriminant = discriminant_align(t);
      l.arms = {l.align20, l.align64};
      ir::WireAlign arms;
      for (ir::UnionArm& a : t.arms)
        if (a.element) {
          a.element->align = member_wire_align(*a.element);
          arms.a20 = std::max(arms.a20, a.element->align.a20);
          arms.a64 = std::max(arms.a64, a.element->align.a64);
        }
      if (t.encapsulated) {
        l.body = {l.discriminant.a20, std::max(l.discriminant.a64, arms.a64)};
        l.arms = arms;
      }
    }
  }

  Layout compute(const ir::Type& t) {
    switch (t.kind) {
      case ir::TypeKind::struct_: return struct_layout(t);
      case ir::TypeKind::union_: return union_layout(t);
      case ir::TypeKind::enum_:
      case ir::TypeKind::bitmap: {
        uint32_t bytes = std::max<uint32_t>(t.wire_bits / 8, 1);
        // NDR64 carries a plain (16-bit) enum as 32 bits (MS-RPCE 2.2.5.2); pidl's enum8bit,
        // enum16bit and enum32bit keep their width, as Samba's NDR64 does.
        uint32_t bytes64 = t.widens_in_ndr64 ? 4 : bytes;
        return scalar(bytes, bytes64, bytes, bytes64);
      }
      case ir::TypeKind::pipe: {
        Layout l = no_size(scalar(0, 0, kCount20, kCount64));
        if (t.target) levels(*t.target, 0, t);
        return l;
      }
      case ir::TypeKind::alias: {
        if (!t.target) return scalar(0, 0, 1, 1);
        Layout l = levels(*t.target, 0, t);
        for (const ir::Level& lv : t.target->levels)
          if (const auto* a = std::get_if<ir::ArrayLevel>(&lv); a && a->is_string) l.is_string = true;
        return l;
      }
    }
    return {};
  }

  Layout struct_layout(const ir::Type& t) {
    Layout out;
    uint64_t off20 = 0, off64 = 0;
    bool fixed = true;
    for (size_t i = 0; i < t.members.size(); ++i) {
      const ir::Element& m = t.members[i];
      Layout l = levels(m, 0, t);
      out.align20 = std::max(out.align20, l.align20);
      out.align64 = std::max(out.align64, l.align64);
      out.varying |= l.varying;
      out.has_pointers |= l.has_pointers;
      if (l.conformant) {
        // pidl sends the count of a conformant array that is not last right before its elements
        // (security.idl's security_token); DCE NDR has no such form, so MIDL users hear of it.
        if (i + 1 != t.members.size())
          diags_.warning(m.range, "conformant member '" + m.name + "' is not the last member of '" +
                                      t.name + "': its count is sent where it stands (pidl's form)",
                         "conformant-not-last");
        else
          out.conformant = true;
      }
      if (!l.size20 || !l.size64) {
        fixed = false;
        continue;
      }
      off20 = round_up(off20, l.align20) + *l.size20;
      off64 = round_up(off64, l.align64) + *l.size64;
      if (off20 > kMaxFixedSize || off64 > kMaxFixedSize) {
        diags_.error(t.range, "type '" + t.name + "' is too large", "type-too-large");
        fixed = false;
        break;
      }
    }
    if (fixed && !out.conformant && !out.varying) {
      out.size20 = off20;
      out.size64 = round_up(off64, out.align64);  // NDR64's trailing pad
    }
    return out;
  }

  Layout union_layout(const ir::Type& t) {
    Layout out;
    if (!t.nodiscriminant) {
      uint32_t a20 = 4, a64 = 4;
      if (t.switch_enum) {
        visit(t.switch_enum);
        a20 = t.switch_enum->layout.align20;
        a64 = t.switch_enum->layout.align64;
      } else if (t.switch_type) {
        a20 = t.switch_type->align20;
        a64 = t.switch_type->align64;
      }
      out.align20 = a20;
      out.align64 = a64;
    }
    for (const ir::UnionArm& arm : t.arms) {
      if (!arm.element) continue;
      Layout l = levels(*arm.element, 0, t);
      out.align20 = std::max(out.align20, l.align20);
      out.align64 = std::max(out.align64, l.align64);
      out.has_pointers |= l.has_pointers;
      out.varying |= l.varying;
      if (l.conformant)
        diags_.error(arm.element->range, "union arm '" + arm.element->name +
                                             "' cannot hold a conformant array",
                     "conformant-in-union");
    }
    return out;  // the selected arm decides the size: never fixed
  }

  static constexpr int kMaxDepth = 512;
  DiagnosticEngine& diags_;
  int depth_ = 0;
  bool depth_reported_ = false;
  std::unordered_map<const ir::Type*, ir::Type*> mutable_;
  std::unordered_map<const ir::Type*, State> state_;
  std::unordered_map<const ir::Type*, bool> reported_;
};

}  // namespace

Layout element_layout(const ir::Element& e, size_t k) {
  if (k >= e.levels.size()) return scalar(0, 0, 1, 1);
  return std::visit(
      [&](const auto& lv) -> Layout {
        using T = std::decay_t<decltype(lv)>;
        if constexpr (std::is_same_v<T, ir::PointerLevel>) {
          Layout l = scalar(4, 8, 4, 8);
          if (lv.kind == ir::PointerKind::relative_short) l = scalar(2, 2, 2, 2);
          else if (lv.kind == ir::PointerKind::relative) l = scalar(4, 4, 4, 4);
          l.has_pointers = true;
          return l;
        } else if constexpr (std::is_same_v<T, ir::ArrayLevel>) {
          Layout inner = element_layout(e, k + 1);
          Layout l = inner;
          l.is_string = lv.is_string;
          bool conformant = lv.kind == ir::ArrayKind::conformant ||
                            lv.kind == ir::ArrayKind::conformant_varying;
          bool varying = lv.kind == ir::ArrayKind::varying ||
                         lv.kind == ir::ArrayKind::conformant_varying;
          if (lv.kind == ir::ArrayKind::inline_) return no_size(l);
          if (conformant || varying) {
            l.align20 = std::max(l.align20, kCount20);
            l.align64 = std::max(l.align64, kCount64);
            l.conformant = conformant;
            l.varying = varying;
            return no_size(l);
          }
          uint64_t n = lv.fixed_count.value_or(0);
          if (inner.size20 && inner.size64 && n <= kMaxFixedSize &&
              (*inner.size20 == 0 || n <= kMaxFixedSize / *inner.size20) &&
              (*inner.size64 == 0 || n <= kMaxFixedSize / *inner.size64)) {
            l.size20 = n * *inner.size20;
            l.size64 = n * *inner.size64;
          } else {
            l = no_size(l);
          }
          return l;
        } else if constexpr (std::is_same_v<T, ir::SwitchLevel>) {
          return element_layout(e, k + 1);
        } else if constexpr (std::is_same_v<T, ir::SubcontextLevel>) {
          uint32_t a = std::max<uint32_t>(lv.header_size, 1);
          return no_size(scalar(0, 0, a, a));
        } else {
          if (lv.builtin) return builtin_layout(*lv.builtin);
          if (lv.type) return lv.type->layout;
          return scalar(0, 0, 1, 1);
        }
      },
      e.levels[k]);
}

void compute_layouts(const std::vector<ir::Type*>& types, DiagnosticEngine& diags) {
  LayoutPass pass(types, diags);
  pass.run(types);
}

}  // namespace nca::idl::sema
