#include "interp/push_walk.h"

#include <limits>

#include "interp/runtime_builtins.h"
#include "nca/ndr/detail/generated_support.h"
#include "nca/ndr/json.h"
#include "nca/ndr/types.h"

namespace nca::interp::detail {

using F = ir::NdrFlag;

namespace {

// An integer of wire type T from JSON, refusing values T cannot hold (generated code's
// from_json would too).
template <class T>
T get_int(const WalkBase& w, const json& v, ir::Int i) {
  if (i < ir::Int(std::numeric_limits<T>::min()) || i > ir::Int(std::numeric_limits<T>::max()))
    w.bad_value(v.dump() + " does not fit the type");
  return static_cast<T>(i);
}

}  // namespace

void PushWalk::member(const ir::Element& m, const json& obj, int mode, const Scope& s) {
  PathPart part(*this, m.name);
  auto it = obj.find(m.name);
  if (it == obj.end()) {
    // A member with value() is computed: the caller need not give it.
    static const json kNull;
    if (m.levels.size() == 1 && m.data().value) return levels(m.levels, 0, kNull, mode, s);
    bad_value("member '" + m.name + "' is missing");
  }
  levels(m.levels, 0, *it, mode, s);
}

void PushWalk::operation(const ir::Operation& op, const json& in, const json* out, bool out_shape) {
  if (!in.is_object()) bad_value("the [in] arguments must be a JSON object");
  if (out_shape && (!out || !out->is_object())) bad_value("the [out] values must be a JSON object");
  Scope s;
  s.op = &op;
  s.in = &in;
  s.out = out;
  s.out_shape = out_shape;
  s.push = false;
  const ir::Shape& shape = out_shape ? op.out : op.in;
  const json& obj = out_shape ? *out : in;
  for (size_t pi : shape.params) {
    const ir::Param& prm = op.params[pi];
    if (prm.is_binding_handle) continue;
    PathPart part(*this, prm.name);
    auto it = obj.find(prm.name);
    if (it == obj.end()) {
      // A context handle not given is the nil handle (a first call's [in,out] handle).
      if (prm.element.data().context_handle != ir::ContextHandleKind::none ||
          (prm.element.data().type && model_.well_known(*prm.element.data().type) ==
                                          idl::backends::WellKnown::policy_handle)) {
        static const json kNil = {{"handle_type", 0}, {"uuid", "00000000-0000-0000-0000-000000000000"}};
        levels(prm.element.levels, 0, kNil, kBoth, s);
        continue;
      }
      bad_value(std::string(out_shape ? "[out]" : "[in]") + " argument '" + prm.name + "' is missing");
    }
    levels(prm.element.levels, 0, *it, kBoth, s);
  }
  if (out_shape && op.result) {
    PathPart part(*this, "result");
    auto it = out->find("result");
    if (it == out->end()) bad_value("'result' is missing");
    levels(op.result->levels, 0, *it, kBoth, s);
  }
}

void PushWalk::levels(const std::vector<ir::Level>& L, size_t i, const json& v, int mode, const Scope& s) {
  const ir::Level& l = L[i];
  if (model_.is_interface_pointer(L, i)) unsupported("COM interface pointers");
  if (const auto* p = std::get_if<ir::PointerLevel>(&l)) {
    if (p->kind == ir::PointerKind::relative || p->kind == ir::PointerKind::relative_short)
      unsupported("pidl [relative] pointers");
    bool null_ok = p->kind != ir::PointerKind::ref;
    // JSON has one null for a chain of pointers: a [ref] pointer's null is its pointee's.
    if (!null_ok && v.is_null() && !std::holds_alternative<ir::PointerLevel>(L.at(i + 1)))
      bad_value("a [ref] pointer cannot be null");
    if (mode & kScalars) {
      if (p->kind == ir::PointerKind::ref && !p->top_level)
        p_.referent(true);
      else if (p->kind == ir::PointerKind::full)
        p_.full_pointer(v.is_null() ? nullptr : &v);
      else if (null_ok)
        p_.referent(!v.is_null());
    }
    if (mode & kBuffers) {
      bool go = p->kind == ir::PointerKind::full ? p_.full_pointee_pending(v.is_null() ? nullptr : &v)
                                                 : (!null_ok || !v.is_null());
      if (go) levels(L, i + 1, v, kBoth, s);
    }
    return;
  }
  if (const auto* a = std::get_if<ir::ArrayLevel>(&l)) return array(L, i, *a, v, mode, s);
  if (const auto* sw = std::get_if<ir::SwitchLevel>(&l)) {
    if (!(mode & kScalars) && !model_.needs_buffers(L, i + 1)) return;
    int64_t d = eval64(sw->switch_is, s, this);
    const auto& dl = std::get<ir::DataLevel>(L.at(i + 1));
    const ir::Type* t = dl.type;
    while (t && t->kind == ir::TypeKind::alias && t->target) t = t->target->data().type;
    if (!t || t->kind != ir::TypeKind::union_) unsupported("switch_is on a non-union");
    return type(*t, mode, v, d);
  }
  if (const auto* sc = std::get_if<ir::SubcontextLevel>(&l)) {
    if (!(mode & kScalars)) return;
    auto c = p_.subcontext_begin(static_cast<uint8_t>(sc->header_size));
    levels(L, i + 1, v, kBoth, s);
    p_.subcontext_end(c);
    return;
  }
  data(std::get<ir::DataLevel>(l), v, mode, s);
}

void PushWalk::string_array(const std::vector<ir::Level>& L, size_t i, const ir::ArrayLevel& a,
                            const json& v, const Scope& s) {
  const Chars ch = chars_of(L, i);
  Counts c = counts(a, s, this);
  std::string text, bytes;
  std::u16string units;
  switch (ch) {
    case Chars::text: text = ndr::text_from_json(v); break;
    case Chars::units: units = ndr::u16_from_json(v); break;
    case Chars::bytes: bytes = ndr::bytes_from_json(v); break;
  }
  auto put = [&](uint8_t form, uint64_t fixed_max) {
    switch (ch) {
      case Chars::text: return p_.string_utf16(text, form, fixed_max);
      case Chars::units: return p_.string(std::u16string_view(units), form, fixed_max);
      case Chars::bytes: return p_.string(std::string_view(bytes), form, fixed_max);
    }
  };
  if (a.is_string && a.surrounding && conformant(a)) return put(str_form(a, false), string_count(L, i, v));
  if (a.is_string) {
    if (a.size_is) {
      p_.conformance(c.size);
      return put(str_form(a, false), c.size);
    }
    if (a.fixed_count) return put(str_form(a, false), *a.fixed_count);
    return put(str_form(a, true), 0);
  }
  if (ch == Chars::text) {
    // [charset(UTF16), size_is(), length_is()]: counts from the IDL, bare UTF-16 units.
    uint64_t n = c.has_length ? c.length : c.size;
    if (conformant(a) && !a.surrounding) p_.conformance(c.size);
    if (varying(a)) p_.variance(c.has_offset ? c.offset : 0, n);
    p_.utf16_units(text, n);
    return;
  }
  if (ch == Chars::units) unsupported("a wchar_t array with a charset but not [string]");
  if (conformant(a) && !a.surrounding) p_.conformance(c.size);
  uint64_t n = varying(a) && c.has_length ? c.length : c.size;
  ndr::gen::push_chars(p_, bytes, n);
}

void PushWalk::bulk(const ir::Builtin& b, const json& v) {
  auto put = [&]<class T>(T*) {
    std::vector<T> tmp;
    tmp.reserve(v.size());
    size_t k = 0;
    for (const auto& e : v) {
      PathPart part(*this, "[" + std::to_string(k++) + "]");
      if constexpr (std::is_floating_point_v<T>)
        tmp.push_back(static_cast<T>(ndr::float_from_json(e)));
      else
        tmp.push_back(get_int<T>(*this, e, to_int(e, "element")));
    }
    p_.array(std::span<const T>(tmp));
  };
  if (!with_bulk_type(b, put)) unsupported(std::string("bulk array of ") + b.name);
}

void PushWalk::array(const std::vector<ir::Level>& L, size_t i, const ir::ArrayLevel& a, const json& v,
                     int mode, const Scope& s) {
  if (model_.is_string_array(L, i)) {
    if (mode & kScalars) string_array(L, i, a, v, s);
    return;
  }
  if (!v.is_array()) bad_value("expected a JSON array, got " + v.dump());
  const bool std_array = is_std_array(a);
  const bool elem_buffers = model_.needs_buffers(L, i + 1);
  if (mode & kScalars) {
    Counts c = counts(a, s, this);
    if (!std_array) {
      bool has = varying(a) && c.has_length ? true : c.has_size;
      uint64_t count = varying(a) && c.has_length ? c.length : c.size;
      if (!has) unsupported("an array without a size");
      if (v.size() != count) p_.fail(ndr::Error::array_size_mismatch);
    } else if (v.size() != *a.fixed_count) {
      bad_value("expected " + std::to_string(*a.fixed_count) + " elements, got " + std::to_string(v.size()));
    }
    if (conformant(a) && !a.surrounding) p_.conformance(c.size);
    if (varying(a)) p_.variance(c.has_offset ? c.offset : 0, v.size());
    if (const ir::Builtin* b = model_.bulk_scalar(L, i + 1)) {
      bulk(*b, v);
    } else {
      size_t k = 0;
      for (const auto& e : v) {
        PathPart part(*this, "[" + std::to_string(k++) + "]");
        levels(L, i + 1, e, kScalars, s);
      }
    }
  }
  if ((mode & kBuffers) && elem_buffers) {
    size_t k = 0;
    for (const auto& e : v) {
      PathPart part(*this, "[" + std::to_string(k++) + "]");
      levels(L, i + 1, e, kBuffers, s);
    }
  }
}

void PushWalk::data(const ir::DataLevel& d, const json& v, int mode, const Scope& s) {
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
    if (mode & kScalars) p_.context_handle(v.get<ndr::ContextHandle>());
    return;
  }
  if (d.type) {
    const ir::Type& t = *d.type;
    auto wk = model_.well_known(t);
    if (wk == idl::backends::WellKnown::guid) {
      if (mode & kScalars) p_.guid(v.get<ndr::Guid>());
      return;
    }
    if (wk == idl::backends::WellKnown::policy_handle) {
      if (mode & kScalars) p_.context_handle(v.get<ndr::ContextHandle>());
      return;
    }
    if (const ir::Element* target = model_.alias_target(t)) return levels(target->levels, 0, v, mode, s);
    if (t.kind == ir::TypeKind::bitmap) {
      if (!(mode & kScalars)) return;
      ir::Int x = to_int(v, t.name);
      switch (t.wire_bits) {
        case 8: return p_.u8(get_int<uint8_t>(*this, v, x));
        case 16: return p_.u16(get_int<uint16_t>(*this, v, x));
        case 64: return p_.u64(get_int<uint64_t>(*this, v, x));
        default: return p_.u32(get_int<uint32_t>(*this, v, x));
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
  builtin(d, v, s);
}

void PushWalk::builtin(const ir::DataLevel& d, const json& v0, const Scope& s) {
  using W = ir::WireKind;
  const ir::Builtin& b = *d.builtin;
  // value(): what is written is the computed value (an opaque C expression: the member as is).
  json computed;
  const json* vp = &v0;
  if (d.value && d.value->kind != ir::Expr::Kind::opaque) {
    Scope ps = s;
    ps.push = true;
    ir::Int x = eval(*d.value, ps, this);
    // Generated code casts to the builtin's C++ type: wrap as that type does.
    computed = b.is_signed ? json(static_cast<int64_t>(x)) : json(static_cast<uint64_t>(x));
    if (!b.is_signed && b.size20 && b.size20 < 8)
      computed = static_cast<uint64_t>(x) & ((uint64_t{1} << (8 * b.size20)) - 1);
    vp = &computed;
  }
  const json& v = *vp;
  if (d.range) {
    int64_t x = static_cast<int64_t>(to_int(v, "value"));
    if (x < static_cast<int64_t>(d.range->first) || x > static_cast<int64_t>(d.range->second))
      p_.fail(ndr::Error::range_violation);
  }
  auto i = [&] { return to_int(v, b.name); };
  switch (b.wire) {
    case W::int8: return p_.i8(get_int<int8_t>(*this, v, i()));
    case W::uint8: return p_.u8(get_int<uint8_t>(*this, v, i()));
    case W::int16: return p_.i16(get_int<int16_t>(*this, v, i()));
    case W::uint16: return p_.u16(get_int<uint16_t>(*this, v, i()));
    case W::int32: return p_.i32(get_int<int32_t>(*this, v, i()));
    case W::uint32: return p_.u32(get_int<uint32_t>(*this, v, i()));
    case W::int64: return p_.i64(get_int<int64_t>(*this, v, i()));
    case W::uint64: return p_.u64(get_int<uint64_t>(*this, v, i()));
    case W::int3264: return p_.u3264(static_cast<uint64_t>(get_int<int64_t>(*this, v, i())));
    case W::uint3264: return p_.u3264(get_int<uint64_t>(*this, v, i()));
    case W::dlong: return p_.udlong(static_cast<uint64_t>(get_int<int64_t>(*this, v, i())));
    case W::udlong: return p_.udlong(get_int<uint64_t>(*this, v, i()));
    case W::udlongr: return p_.udlongr(get_int<uint64_t>(*this, v, i()));
    case W::bool8: return p_.boolean(i() != 0);
    case W::bool32: return p_.u32(i() != 0 ? 1 : 0);
    case W::char8: return p_.u8(get_int<uint8_t>(*this, v, i()));
    case W::char16: return p_.u16(get_int<uint16_t>(*this, v, i()));
    case W::float32: return p_.f32(static_cast<float>(ndr::float_from_json(v)));
    case W::float64: return p_.f64(ndr::float_from_json(v));
    case W::ntstatus: return p_.ntstatus(v.get<ndr::NtStatus>());
    case W::werror: return p_.werror(v.get<ndr::WError>());
    case W::hresult: return p_.hresult(v.get<ndr::HResult>());
    case W::error_status:
    case W::time_t_: return p_.u32(get_int<uint32_t>(*this, v, i()));
    case W::nttime_hyper: return p_.u64(get_int<uint64_t>(*this, v, i()));
    case W::nttime: return p_.udlong(get_int<uint64_t>(*this, v, i()));
    case W::context_handle: return p_.context_handle(v.get<ndr::ContextHandle>());
    case W::blob: {
      ndr::DataBlob blob = v.get<ndr::DataBlob>();
      if (d.flags.has(F::remaining)) return p_.raw(blob.data.data(), blob.data.size());
      if (int a = blob_align(d.flags)) return p_.align(static_cast<size_t>(a));
      return p_.data_blob(blob);
    }
    case W::ipv4: return p_.u32(ndr::gen::ipv4_to_u32(v.get<std::string>(), p_));
    case W::ipv6: return ndr::gen::push_ipv6(p_, v.get<std::string>());
    case W::pidl_string:
      if (pidl_string_bytes(d)) return p_.string(std::string_view(ndr::bytes_from_json(v)), pidl_string_form(d));
      return p_.string_utf16(ndr::text_from_json(v), pidl_string_form(d));
    case W::interface_ptr: unsupported("COM interface pointers");
    case W::runtime:
      try {
        if (!push_runtime_builtin(p_, b, v, ir::libndr_bits(d.flags)))
          unsupported("pidl built-in '" + std::string(b.name) + "' (the runtime does not marshal it)");
      } catch (const std::invalid_argument& e) {
        bad_value(e.what());
      }
      return;
    default: return;
  }
}

void PushWalk::enum_(const ir::Type& t, const json& v) {
  ir::Int x = to_int(v, t.name);
  if (t.wire_bits == 8) return p_.u8(static_cast<uint8_t>(x));
  if (t.wire_bits == 16 && t.layout.size64 == 4) return p_.enum16(static_cast<uint32_t>(x));
  if (t.wire_bits == 16) return p_.u16(static_cast<uint16_t>(x));
  if (t.wire_bits == 64) return p_.u64(static_cast<uint64_t>(x));
  p_.u32(static_cast<uint32_t>(x));
}

void PushWalk::type(const ir::Type& t, int pass, const json& v, int64_t switch_value) {
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

void PushWalk::strukt(const ir::Type& t, int pass, const json& v) {
  if (!v.is_object()) bad_value("expected a JSON object for " + t.name + ", got " + v.dump());
  Scope s;
  s.strukt = &t;
  s.obj = &v;
  Scope ps = s;
  ps.push = true;
  uint32_t nf = 0;
  const uint32_t saved = p_.flags();
  bool flags = engine_flags(t.flags, saved, nf);
  if (flags) p_.set_flags(nf);
  const ir::Element* last = t.members.empty() ? nullptr : &t.members.back();
  const ir::ArrayLevel* hoist = nullptr;
  if (last)
    if (const auto* a = std::get_if<ir::ArrayLevel>(&last->levels[0]))
      if (a->surrounding && conformant(*a)) hoist = a;
  if (pass & kScalars) {
    if (hoist) {
      PathPart part(*this, last->name);
      if (model_.is_string_array(last->levels, 0)) {
        auto it = v.find(last->name);
        if (it == v.end()) bad_value("member '" + last->name + "' is missing");
        p_.conformance(string_count(last->levels, 0, *it));
      } else {
        p_.conformance(counts(*hoist, ps, this).size);
      }
    }
    p_.align(p_.ndr64() ? t.layout.body.a64 : t.layout.body.a20);
    for (const auto& m : t.members) member(m, v, kScalars, ps);
    if (p_.ndr64()) p_.align(t.layout.body.a64);
  }
  if ((pass & kBuffers) && model_.needs_buffers(t)) {
    for (const auto& m : t.members)
      if (model_.needs_buffers(m.levels, 0)) member(m, v, kBuffers, ps);
  }
  if (flags) p_.set_flags(saved);
}

void PushWalk::union_(const ir::Type& t, int pass, const json& v, int64_t switch_value) {
  Scope s;
  const bool enc = t.encapsulated;
  if (enc) {
    if (!v.is_object() || !v.contains(t.discriminant))
      bad_value("the discriminant '" + t.discriminant + "' of " + t.name + " is missing");
    switch_value = static_cast<int64_t>(to_int(v.at(t.discriminant), t.discriminant));
  }
  uint32_t nf = 0;
  const uint32_t saved = p_.flags();
  bool flags = engine_flags(t.flags, saved, nf);
  if (flags) p_.set_flags(nf);
  if (pass & kScalars) {
    if (enc) p_.align(p_.ndr64() ? t.layout.body.a64 : t.layout.body.a20);
    if (!t.nodiscriminant) {
      const int64_t x = switch_value;
      switch (disc_form(t)) {
        case Disc::u8: p_.u8(static_cast<uint8_t>(x)); break;
        case Disc::i8: p_.i8(static_cast<int8_t>(x)); break;
        case Disc::u16: p_.u16(static_cast<uint16_t>(x)); break;
        case Disc::i16: p_.i16(static_cast<int16_t>(x)); break;
        case Disc::enum16: p_.enum16(static_cast<uint32_t>(x)); break;
        case Disc::u32: p_.u32(static_cast<uint32_t>(x)); break;
        case Disc::i32: p_.i32(static_cast<int32_t>(x)); break;
        case Disc::u64: p_.u64(static_cast<uint64_t>(x)); break;
        case Disc::i64: p_.i64(x); break;
        case Disc::u3264: p_.u3264(static_cast<uint64_t>(x)); break;
      }
    }
    if (p_.ndr64()) p_.align(t.layout.arms.a64);
    const ir::UnionArm* arm = arm_for(t, switch_value);
    if (!arm) {
      p_.fail(ndr::Error::bad_switch_value);
    } else {
      const std::string name = idl::backends::arm_name(*arm);
      if (!v.is_object() || !v.contains(name)) {
        p_.fail(ndr::Error::bad_switch_value);
      } else if (arm->element) {
        PathPart part(*this, name);
        levels(arm->element->levels, 0, v.at(name), kScalars, s);
      }
    }
    if (enc && p_.ndr64()) p_.align(t.layout.body.a64);
  }
  if ((pass & kBuffers) && model_.needs_buffers(t)) {
    if (const ir::UnionArm* arm = arm_held(t, v); arm && arm->element && model_.needs_buffers(arm->element->levels, 0)) {
      const std::string name = idl::backends::arm_name(*arm);
      PathPart part(*this, name);
      levels(arm->element->levels, 0, v.at(name), kBuffers, s);
    }
  }
  if (flags) p_.set_flags(saved);
}

uint64_t PushWalk::ndr_size(const ir::Element& member, const json& v, const Scope&) {
  // pidl's ndr_size_T(&m, flags): m pushed alone, in this stream's syntax and flags.
  const ir::DataLevel& d = member.data();
  if (!d.type) unsupported("ndr_size of a builtin");
  ndr::Push t(p_.syntax());
  t.set_flags(p_.flags());
  PushWalk w(program_, t);
  w.path_ = path_;
  w.type(*d.type, kBoth, v, 0);
  return t.size();
}

}  // namespace nca::interp::detail
