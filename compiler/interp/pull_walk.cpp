#include "interp/pull_walk.h"

#include "interp/runtime_builtins.h"

#include "nca/ndr/detail/generated_support.h"
#include "nca/ndr/json.h"
#include "nca/ndr/types.h"

namespace nca::interp::detail {

using F = ir::NdrFlag;

namespace {
// Marks a non-null pointer whose pointee the buffers pass has not read yet.
json placeholder() { return json::object(); }
}  // namespace

void PullWalk::finish() {
  for (auto it = full_.rbegin(); it != full_.rend(); ++it) *it->first = *it->second;
  full_.clear();
}

void PullWalk::operation(const ir::Operation& op, const json* in, json& out, bool out_shape) {
  static const json kEmpty = json::object();
  out = json::object();
  Scope s;
  s.op = &op;
  s.in = out_shape ? (in ? in : &kEmpty) : &out;
  s.out = &out;
  s.out_shape = out_shape;
  const ir::Shape& shape = out_shape ? op.out : op.in;
  // Create every member first: references into `out` stay valid while it is filled.
  for (size_t pi : shape.params)
    if (!op.params[pi].is_binding_handle) out[op.params[pi].name] = nullptr;
  if (out_shape && op.result) out["result"] = nullptr;
  for (size_t pi : shape.params) {
    const ir::Param& prm = op.params[pi];
    if (prm.is_binding_handle) continue;
    PathPart part(*this, prm.name);
    auto nest = p_.nest();
    levels(prm.element.levels, 0, out[prm.name], kBoth, s);
  }
  if (out_shape && op.result) {
    PathPart part(*this, "result");
    levels(op.result->levels, 0, out["result"], kBoth, s);
  }
}

void PullWalk::levels(const std::vector<ir::Level>& L, size_t i, json& v, int mode, const Scope& s,
                      const uint64_t* hoisted) {
  const ir::Level& l = L[i];
  if (model_.is_interface_pointer(L, i)) unsupported("COM interface pointers");
  if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
    if (p->kind == ir::PointerKind::relative || p->kind == ir::PointerKind::relative_short)
      unsupported("pidl [relative] pointers");
    bool null_ok = p->kind != ir::PointerKind::ref;
    if (mode & kScalars) {
      if (p->kind == ir::PointerKind::ref && !p->top_level) {
        p_.ref_referent();
      } else if (p->kind == ir::PointerKind::full) {
        ndr::Full<json> f;
        p_.full_pointer(f);
        if (f) {
          full_.emplace_back(&v, f);
          v = placeholder();
        } else {
          v = nullptr;
        }
      } else if (null_ok) {
        uint64_t id = 0;
        v = nullptr;
        if (p_.referent(id) && id != 0 && p_.charge(sizeof(json))) v = placeholder();
      }
    }
    if (mode & kBuffers) {
      if (p->kind == ir::PointerKind::full) {
        if (v.is_null()) return;
        std::shared_ptr<json> target;
        for (auto it = full_.rbegin(); it != full_.rend(); ++it)
          if (it->first == &v) {
            target = it->second;
            break;
          }
        if (!target) return;
        if (auto full = p_.full_pointee(target.get())) {
          auto nest = p_.nest();
          *target = nullptr;
          levels(L, i + 1, *target, kBoth, s);
        }
        return;
      }
      if (null_ok && v.is_null()) return;
      auto nest = p_.nest();
      levels(L, i + 1, v, kBoth, s);
    }
    return;
  }
  if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) return array(L, i, *a, v, mode, s, hoisted);
  if (const auto* sw = std::get_if<ir::SwitchLevel>(&l)) {
    if (!(mode & kScalars) && !model_.needs_buffers(L, i + 1)) return;
    int64_t d = eval64(sw->switch_is, s);
    const ir::Type* t = std::get<ir::DataLevel>(L.at(i + 1)).type;
    while (t && t->kind == ir::TypeKind::alias && t->target) t = t->target->data().type;
    if (!t || t->kind != ir::TypeKind::union_) unsupported("switch_is on a non-union");
    return type(*t, mode, v, d);
  }
  if (const auto* sc = std::get_if<ir::SubcontextLevel>(&l)) {
    if (!(mode & kScalars)) return;
    bool exact = std::get<ir::DataLevel>(L.back()).flags.has(F::subcontext_no_unread_bytes);
    ndr::Pull::Subcontext c{};
    if (p_.subcontext_begin(static_cast<uint8_t>(sc->header_size), c)) {
      levels(L, i + 1, v, kBoth, s);
      p_.subcontext_end(c, exact);
    }
    return;
  }
  data(std::get<ir::DataLevel>(l), v, mode, s);
}

void PullWalk::string_array(const std::vector<ir::Level>& L, size_t i, const ir::ArrayLevel& a, json& v,
                            const Scope& s, const uint64_t* hoisted) {
  const Chars ch = chars_of(L, i);
  std::string text;
  std::u16string units;
  auto get = [&](uint8_t form, uint64_t fixed_max) {
    switch (ch) {
      case Chars::text: p_.string_utf16(text, form, fixed_max); v = ndr::text_to_json(text); break;
      case Chars::units: p_.string(units, form, fixed_max); v = ndr::u16_to_json(units); break;
      case Chars::bytes: p_.string(text, form, fixed_max); v = ndr::bytes_to_json(text); break;
    }
  };
  if (a.is_string && hoisted) return get(str_form(a, false), *hoisted);
  if (a.is_string) {
    if (a.size_is) {
      uint64_t size = 0;
      p_.conformance(size);
      p_.expect_count(size, counts(a, s).size);
      return get(str_form(a, false), size);
    }
    if (a.fixed_count) return get(str_form(a, false), *a.fixed_count);
    return get(str_form(a, true), 0);
  }
  Counts c = counts(a, s);
  uint64_t count = varying(a) && c.has_length ? c.length : c.size;
  uint64_t size = 0;
  if (conformant(a)) {
    if (hoisted) size = *hoisted;
    else p_.conformance(size);
    p_.expect_count(size, c.size);
  }
  if (varying(a)) {
    uint64_t offset = 0, length = 0;
    p_.variance(offset, length, conformant(a) ? size : c.size);
    if (c.has_length) p_.expect_count(length, c.length);
    if (offset != 0) p_.fail(ndr::Error::array_bounds);
    count = length;
  }
  if (ch == Chars::text) {
    p_.utf16_units(text, count);
    v = ndr::text_to_json(text);
    return;
  }
  if (ch == Chars::units) unsupported("a wchar_t array with a charset but not [string]");
  ndr::gen::pull_chars(p_, text, count);
  v = ndr::bytes_to_json(text);
}

void PullWalk::bulk(const ir::Builtin& b, json& v, uint64_t count, bool fixed) {
  auto get = [&]<class T>(T*) {
    std::vector<T> tmp;
    if (fixed) {
      tmp.resize(count);
      p_.array(tmp.data(), tmp.size());
    } else {
      p_.array(tmp, count);
    }
    if constexpr (std::is_floating_point_v<T>) {
      v = json::array();
      for (T x : tmp) v.push_back(ndr::float_to_json(x));
    } else {
      v = tmp;
    }
  };
  if (!with_bulk_type(b, get)) unsupported(std::string("bulk array of ") + b.name);
}

void PullWalk::array(const std::vector<ir::Level>& L, size_t i, const ir::ArrayLevel& a, json& v, int mode,
                     const Scope& s, const uint64_t* hoisted) {
  if (model_.is_string_array(L, i)) {
    if (mode & kScalars) string_array(L, i, a, v, s, hoisted);
    return;
  }
  const bool std_array = is_std_array(a);
  const bool elem_buffers = model_.needs_buffers(L, i + 1);
  if (mode & kScalars) {
    Counts c = counts(a, s);
    uint64_t size = 0;
    if (std_array) {
      size = *a.fixed_count;
    } else if (conformant(a)) {
      if (hoisted) size = *hoisted;
      else p_.conformance(size);
      if (c.has_size) p_.expect_count(size, c.size);
    } else {
      size = c.size;
    }
    uint64_t count = size;
    if (varying(a)) {
      uint64_t offset = 0, length = 0;
      p_.variance(offset, length, size);
      if (c.has_length) p_.expect_count(length, c.length);
      if (c.has_offset) p_.expect_count(offset, c.offset);
      else if (offset != 0) p_.fail(ndr::Error::array_bounds);
      count = length;
    }
    if (const ir::Builtin* b = model_.bulk_scalar(L, i + 1)) {
      bulk(*b, v, count, std_array);
    } else {
      if (!std_array) {
        bool ndr64 = p_.ndr64();
        if (!p_.check_count(count, model_.min_wire(L, i + 1, ndr64), sizeof(json))) count = 0;
      }
      v = json::array();
      v.get_ref<json::array_t&>().resize(count);  // sized once: elements never move
      size_t k = 0;
      for (auto& e : v) {
        PathPart part(*this, "[" + std::to_string(k++) + "]");
        levels(L, i + 1, e, kScalars, s);
      }
    }
  }
  if ((mode & kBuffers) && elem_buffers && v.is_array()) {
    size_t k = 0;
    for (auto& e : v) {
      PathPart part(*this, "[" + std::to_string(k++) + "]");
      levels(L, i + 1, e, kBuffers, s);
    }
  }
}

void PullWalk::data(const ir::DataLevel& d, json& v, int mode, const Scope& s) {
  if (d.flags.has(F::relative_reverse)) unsupported("flag(NDR_RELATIVE_REVERSE)");
  uint32_t nf = 0;
  if ((mode & kScalars) && engine_flags(d.flags, p_.flags(), nf)) {
    const uint32_t saved = p_.flags();
    p_.set_flags(nf);
    ir::DataLevel inner = d;
    inner.flags = {};
    data(inner, v, mode, s);
    p_.set_flags(saved);
    return;
  }
  if (d.context_handle != ir::ContextHandleKind::none) {
    if (mode & kScalars) {
      ndr::ContextHandle h;
      p_.context_handle(h);
      v = h;
    }
    return;
  }
  if (d.type) {
    const ir::Type& t = *d.type;
    auto wk = model_.well_known(t);
    if (wk == idl::backends::WellKnown::guid) {
      if (mode & kScalars) {
        ndr::Guid g;
        p_.guid(g);
        v = g;
      }
      return;
    }
    if (wk == idl::backends::WellKnown::policy_handle) {
      if (mode & kScalars) {
        ndr::ContextHandle h;
        p_.context_handle(h);
        v = h;
      }
      return;
    }
    if (const ir::Element* target = model_.alias_target(t)) return levels(target->levels, 0, v, mode, s);
    if (t.kind == ir::TypeKind::bitmap) {
      if (!(mode & kScalars)) return;
      switch (t.wire_bits) {
        case 8: { uint8_t x = 0; p_.u8(x); v = x; return; }
        case 16: { uint16_t x = 0; p_.u16(x); v = x; return; }
        case 64: { uint64_t x = 0; p_.u64(x); v = x; return; }
        default: { uint32_t x = 0; p_.u32(x); v = x; return; }
      }
    }
    if (t.kind == ir::TypeKind::enum_) {
      if (mode & kScalars) enum_(t, v);
      return;
    }
    if (!(mode & kScalars) && !model_.needs_buffers(t)) return;
    return type(t, mode, v, 0);
  }
  if (!(mode & kScalars)) return;
  builtin(d, v);
  if (d.range) {
    int64_t x = v.is_boolean() ? v.get<bool>() : static_cast<int64_t>(to_int(v, "value"));
    p_.range<int64_t>(x, static_cast<int64_t>(d.range->first), static_cast<int64_t>(d.range->second));
  }
}

void PullWalk::builtin(const ir::DataLevel& d, json& v) {
  using W = ir::WireKind;
  auto num = [&]<class T>(bool (ndr::Pull::*fn)(T&)) {
    T x{};
    (p_.*fn)(x);
    v = x;
  };
  switch (d.builtin->wire) {
    case W::int8: return num(&ndr::Pull::i8);
    case W::uint8: return num(&ndr::Pull::u8);
    case W::int16: return num(&ndr::Pull::i16);
    case W::uint16: return num(&ndr::Pull::u16);
    case W::int32: return num(&ndr::Pull::i32);
    case W::uint32:
    case W::error_status:
    case W::time_t_: return num(&ndr::Pull::u32);
    case W::int64: return num(&ndr::Pull::i64);
    case W::uint64:
    case W::nttime_hyper: return num(&ndr::Pull::u64);
    case W::uint3264: return num(&ndr::Pull::u3264);
    case W::int3264: {
      uint64_t t = 0;
      p_.u3264(t);
      v = p_.ndr64() ? static_cast<int64_t>(t) : static_cast<int64_t>(static_cast<int32_t>(t));
      return;
    }
    case W::dlong: {
      uint64_t t = 0;
      p_.udlong(t);
      v = static_cast<int64_t>(t);
      return;
    }
    case W::udlong:
    case W::nttime: return num(&ndr::Pull::udlong);
    case W::udlongr: return num(&ndr::Pull::udlongr);
    case W::bool8: {
      bool b = false;
      p_.boolean(b);
      v = b;
      return;
    }
    case W::bool32: {
      uint32_t t = 0;
      p_.u32(t);
      v = t != 0;
      return;
    }
    case W::char8: {
      uint8_t t = 0;
      p_.u8(t);
      v = static_cast<unsigned>(static_cast<unsigned char>(static_cast<char>(t)));
      return;
    }
    case W::char16: {
      uint16_t t = 0;
      p_.u16(t);
      v = static_cast<unsigned>(t);
      return;
    }
    case W::float32: {
      float f = 0;
      p_.f32(f);
      v = ndr::float_to_json(f);
      return;
    }
    case W::float64: {
      double f = 0;
      p_.f64(f);
      v = ndr::float_to_json(f);
      return;
    }
    case W::ntstatus: { ndr::NtStatus x; p_.ntstatus(x); v = x; return; }
    case W::werror: { ndr::WError x; p_.werror(x); v = x; return; }
    case W::hresult: { ndr::HResult x; p_.hresult(x); v = x; return; }
    case W::context_handle: { ndr::ContextHandle h; p_.context_handle(h); v = h; return; }
    case W::blob: {
      ndr::DataBlob b;
      if (d.flags.has(F::remaining)) p_.remaining_bytes(b.data);
      else if (int a = blob_align(d.flags)) ndr::gen::pull_padding(p_, b, static_cast<size_t>(a));
      else p_.data_blob(b);
      v = b;
      return;
    }
    case W::ipv4: {
      uint32_t t = 0;
      p_.u32(t);
      v = ndr::gen::u32_to_ipv4(t);
      return;
    }
    case W::ipv6: {
      std::string s;
      ndr::gen::pull_ipv6(p_, s);
      v = s;
      return;
    }
    case W::pidl_string: {
      std::string s;
      if (pidl_string_bytes(d)) {
        p_.string(s, pidl_string_form(d));
        v = ndr::bytes_to_json(s);
      } else {
        p_.string_utf16(s, pidl_string_form(d));
        v = ndr::text_to_json(s);
      }
      return;
    }
    case W::interface_ptr: unsupported("COM interface pointers");
    case W::runtime:
      if (!pull_runtime_builtin(p_, *d.builtin, v, ir::libndr_bits(d.flags)))
        unsupported("pidl built-in '" + std::string(d.builtin->name) + "' (the runtime does not marshal it)");
      return;
    default: v = nullptr; return;
  }
}

void PullWalk::enum_(const ir::Type& t, json& v) {
  if (t.wire_bits == 8) { uint8_t x = 0; p_.u8(x); v = x; return; }
  if (t.wire_bits == 16 && t.layout.size64 == 4) { uint32_t x = 0; p_.enum16(x); v = x; return; }
  if (t.wire_bits == 16) { uint16_t x = 0; p_.u16(x); v = x; return; }
  if (t.wire_bits == 64) { uint64_t x = 0; p_.u64(x); v = x; return; }
  uint32_t x = 0;
  p_.u32(x);
  v = x;
}

void PullWalk::type(const ir::Type& t, int pass, json& v, int64_t switch_value) {
  switch (type_walk(t)) {
    case TypeWalk::data: {
      ir::DataLevel d;  // as a data level naming the type
      d.type = &t;
      return data(d, v, pass, Scope{});
    }
    case TypeWalk::struct_: return strukt(t, pass, v);
    case TypeWalk::union_: return union_(t, pass, v, switch_value);
  }
}

void PullWalk::strukt(const ir::Type& t, int pass, json& v) {
  auto nest = p_.nest();
  if (!nest) return;
  if (!v.is_object()) v = json::object();
  for (const auto& m : t.members)
    if (!v.contains(m.name)) v[m.name] = nullptr;
  Scope s;
  s.strukt = &t;
  s.obj = &v;
  uint32_t nf = 0;
  const uint32_t saved = p_.flags();
  bool flags = engine_flags(t.flags, saved, nf);
  if (flags) p_.set_flags(nf);
  const ir::Element* last = t.members.empty() ? nullptr : &t.members.back();
  bool hoist = false;
  if (last)
    if (const auto* a = std::get_if<ir::ArrayLevel>(&last->levels[0]))
      hoist = a->surrounding && conformant(*a);
  if (pass & kScalars) {
    uint64_t hoisted = 0;
    if (hoist) p_.conformance(hoisted);
    p_.align(p_.ndr64() ? t.layout.body.a64 : t.layout.body.a20);
    for (const auto& m : t.members) {
      PathPart part(*this, m.name);
      levels(m.levels, 0, v[m.name], kScalars, s, hoist && &m == last ? &hoisted : nullptr);
    }
    if (p_.ndr64()) p_.align(t.layout.body.a64);
  }
  if ((pass & kBuffers) && model_.needs_buffers(t)) {
    for (const auto& m : t.members) {
      if (!model_.needs_buffers(m.levels, 0)) continue;
      PathPart part(*this, m.name);
      levels(m.levels, 0, v[m.name], kBuffers, s);
    }
  }
  if (flags) p_.set_flags(saved);
}

json PullWalk::read_disc(Disc form) {
  auto get = [&]<class T>(bool (ndr::Pull::*fn)(T&)) {
    T x{};
    (p_.*fn)(x);
    return json(x);
  };
  switch (form) {
    case Disc::u8: return get(&ndr::Pull::u8);
    case Disc::i8: return get(&ndr::Pull::i8);
    case Disc::u16: return get(&ndr::Pull::u16);
    case Disc::i16: return get(&ndr::Pull::i16);
    case Disc::enum16: return get(&ndr::Pull::enum16);
    case Disc::u32: return get(&ndr::Pull::u32);
    case Disc::i32: return get(&ndr::Pull::i32);
    case Disc::u64: return get(&ndr::Pull::u64);
    case Disc::i64: return get(&ndr::Pull::i64);
    case Disc::u3264: return get(&ndr::Pull::u3264);
  }
  return json(0);
}

void PullWalk::union_(const ir::Type& t, int pass, json& v, int64_t switch_value) {
  auto nest = p_.nest();
  if (!nest) return;
  Scope s;
  const bool enc = t.encapsulated;
  uint32_t nf = 0;
  const uint32_t saved = p_.flags();
  bool flags = engine_flags(t.flags, saved, nf);
  if (flags) p_.set_flags(nf);
  if (pass & kScalars) {
    v = json::object();
    if (enc) {
      p_.align(p_.ndr64() ? t.layout.body.a64 : t.layout.body.a20);
      json& d = v[t.discriminant];
      d = read_disc(disc_form(t));
      switch_value = static_cast<int64_t>(to_int(d, t.discriminant));
    } else if (!t.nodiscriminant) {
      json wire = read_disc(disc_form(t));
      if (p_.ok() && static_cast<int64_t>(to_int(wire, "discriminant")) != switch_value)
        p_.fail(ndr::Error::bad_switch_value);
    }
    if (p_.ndr64()) p_.align(t.layout.arms.a64);
    const ir::UnionArm* arm = arm_for(t, switch_value);
    if (!arm) {
      p_.fail(ndr::Error::bad_switch_value);
    } else {
      const std::string name = idl::backends::arm_name(*arm);
      json& a = v[name];
      a = nullptr;
      if (arm->element) {
        PathPart part(*this, name);
        levels(arm->element->levels, 0, a, kScalars, s);
      }
    }
    if (enc && p_.ndr64()) p_.align(t.layout.body.a64);
  }
  if ((pass & kBuffers) && model_.needs_buffers(t)) {
    if (const ir::UnionArm* arm = arm_held(t, v); arm && arm->element && model_.needs_buffers(arm->element->levels, 0)) {
      const std::string name = idl::backends::arm_name(*arm);
      PathPart part(*this, name);
      levels(arm->element->levels, 0, v[name], kBuffers, s);
    }
  }
  if (flags) p_.set_flags(saved);
}

}  // namespace nca::interp::detail
