#include <cstdio>
#include "backends/ndr_naming.h"

#include <cstdint>

namespace nca::idl::backends::ndr {

using F = ir::NdrFlag;

std::string int_lit(ir::Int v) {
  if (v < 0) return "(" + ir::to_string(v + 1) + "LL - 1)";
  if (v > ir::Int(INT64_MAX)) return "static_cast<std::int64_t>(" + ir::to_string(v) + "ULL)";
  return ir::to_string(v) + "LL";
}

std::string engine_flags(const ir::NdrFlags& flags, const std::string& cur) {
  std::string set, clear;
  if (flags.has(F::noalign)) set += " | nca::ndr::kFlagNoAlign";
  if (flags.has(F::big_endian)) {
    set += " | nca::ndr::kFlagBigEndian";
    clear = " & ~std::uint32_t{nca::ndr::kFlagLittleEndian}";
  }
  if (flags.has(F::little_endian)) {
    set += " | nca::ndr::kFlagLittleEndian";
    clear = " & ~std::uint32_t{nca::ndr::kFlagBigEndian}";
  }
  if (set.empty() && clear.empty()) return "";
  return "(" + cur + clear + ")" + set;
}

std::string pass_text(int pass) {
  return pass == kBoth ? "nca::ndr::kScalarsAndBuffers" : pass == kScalars ? "nca::ndr::kScalars" : "nca::ndr::kBuffers";
}

const char* int_call(ir::WireKind k) {
  using W = ir::WireKind;
  switch (k) {
    case W::int8: return "i8";
    case W::uint8: return "u8";
    case W::int16: return "i16";
    case W::uint16: return "u16";
    case W::int32: return "i32";
    case W::uint32: return "u32";
    case W::int64: return "i64";
    case W::uint64: return "u64";
    default: return nullptr;
  }
}

std::string int_fn(uint32_t bits, bool is_signed) {
  std::string f = is_signed ? "i" : "u";
  return f + std::to_string(bits);
}

bool pidl_string_bytes(const ir::DataLevel& d) {
  return d.flags.has(F::str_ascii) || d.flags.has(F::str_utf8) || d.flags.has(F::str_raw8);
}

std::string pidl_string_fn(const ir::DataLevel& d) {
  return pidl_string_bytes(d) ? "string" : "string_utf16";
}

std::string pidl_string_form(const ir::DataLevel& d) {
  std::string form;
  if (d.flags.has(F::str_nullterm)) form = "nca::ndr::kStrNullterm";
  else if (d.flags.has(F::str_len4) && !d.flags.has(F::str_size4)) form = "nca::ndr::kStrLen";
  else if (d.flags.has(F::str_size4) && !d.flags.has(F::str_len4)) form = "nca::ndr::kStrSize";
  else form = "nca::ndr::kStrConformantVarying";
  if (d.flags.has(F::str_noterm)) form += " | nca::ndr::kStrNoterm";
  return "static_cast<std::uint8_t>(" + form + ")";
}

int blob_align(const ir::NdrFlags& flags) {
  if (flags.has(F::align2)) return 2;
  if (flags.has(F::align4)) return 4;
  if (flags.has(F::align8)) return 8;
  return 0;
}

bool conformant(const ir::ArrayLevel& a) {
  return a.kind == ir::ArrayKind::conformant || a.kind == ir::ArrayKind::conformant_varying;
}

bool varying(const ir::ArrayLevel& a) {
  return a.kind == ir::ArrayKind::varying || a.kind == ir::ArrayKind::conformant_varying;
}

bool is_std_array(const ir::ArrayLevel& a) {
  return a.kind == ir::ArrayKind::fixed && a.fixed_count && !a.size_is;
}

Counts counts(ExprWriter& x, const ir::ArrayLevel& a, const Scope& s) {
  Counts c;
  if (a.size_is) c.size = x.expr(*a.size_is, s);
  else if (a.max_is) c.size = "(" + x.expr(*a.max_is, s) + " + 1)";
  else if (a.fixed_count) c.size = std::to_string(*a.fixed_count) + "LL";
  if (varying(a)) {
    if (a.first_is) c.offset = x.expr(*a.first_is, s);
    if (a.length_is) c.length = x.expr(*a.length_is, s);
    else if (a.last_is)
      c.length = "(" + x.expr(*a.last_is, s) + " - " + (c.offset.empty() ? "0" : c.offset) + " + 1)";
  }
  return c;
}

std::string string_fn(const ir::DataLevel& d) {
  if (d.charset == ir::Charset::utf16) return "string_utf16";
  return "string";
}

std::string str_form(const ir::ArrayLevel& a, bool with_size) {
  std::string f = with_size ? "nca::ndr::kStrConformantVarying" : "nca::ndr::kStrVarying";
  if (!a.zero_terminated) f += " | nca::ndr::kStrNoterm";
  return f;
}

std::string string_count(const std::vector<ir::Level>& L, size_t i, const std::string& v) {
  const auto& a = std::get<ir::ArrayLevel>(L[i]);
  const auto& d = std::get<ir::DataLevel>(L.at(i + 1));
  std::string term = a.zero_terminated ? " + 1" : "";
  if (string_fn(d) == "string_utf16") return "(nca::ndr::utf16_length(" + v + ").value_or(0)" + term + ")";
  return "(" + v + ".size()" + term + ")";
}

std::string case_labels(const ir::UnionArm& a) {
  if (a.is_default) return "default:";
  std::string s;
  for (ir::Int c : a.cases) s += (s.empty() ? "" : " ") + std::string("case ") + int_lit(c) + ":";
  return s;
}

bool has_default_arm(const ir::Type& u) {
  for (const auto& a : u.arms)
    if (a.is_default) return true;
  return false;
}

bool is_float(const std::vector<ir::Level>& L, size_t i) {
  const auto* d = std::get_if<ir::DataLevel>(&L[i]);
  return d && d->builtin && d->builtin->kind == ir::ScalarKind::floating;
}

bool is_pipe(const ir::Element& e) {
  const ir::DataLevel& d = e.data();
  return d.type && d.type->kind == ir::TypeKind::pipe;
}

std::vector<size_t> wire_order(const ir::Operation& op, bool out) {
  const ir::Shape& shape = out ? op.out : op.in;
  std::vector<size_t> order;
  for (int pipes = 0; pipes < 2; ++pipes)
    for (size_t pi : shape.params)
      if (is_pipe(op.params[pi].element) == (out ? pipes == 0 : pipes == 1)) order.push_back(pi);
  return order;
}

EnumWire enum_wire(const ir::Type& t) {
  if (t.wire_bits == 8) return {"u8", "std::uint8_t"};
  if (t.wire_bits == 16 && t.layout.size64 == 4) return {"enum16", "std::uint32_t"};
  if (t.wire_bits == 16) return {"u16", "std::uint16_t"};
  if (t.wire_bits == 64) return {"u64", "std::uint64_t"};
  return {"u32", "std::uint32_t"};
}

// A builtin the runtime marshals by name (ir::WireKind::runtime): nca::ndr::samba::OP_NAME(p,
// value, libndr flags).
std::string runtime_builtin_call(const char* op, const ir::DataLevel& d, const std::string& v) {
  char flags[16];
  std::snprintf(flags, sizeof flags, "0x%xu", ir::libndr_bits(d.flags));
  return std::string("nca::ndr::samba::") + op + "_" + d.builtin->name + "(p, " + v + ", " + flags + ");\n";
}

}  // namespace nca::idl::backends::ndr
