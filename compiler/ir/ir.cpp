// Small helpers of the IR model and the table of built-in scalars.
#include "ir/ir.h"

#include <array>
#include <string_view>

namespace nca::idl::ir {

std::string to_string(Int v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  // Work on the magnitude as unsigned so that the most negative value does not overflow.
  unsigned __int128 m = negative ? static_cast<unsigned __int128>(-(v + 1)) + 1
                                 : static_cast<unsigned __int128>(v);
  std::string out;
  while (m != 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  if (negative) out.push_back('-');
  return {out.rbegin(), out.rend()};
}

const char* to_string(PointerKind k) {
  switch (k) {
    case PointerKind::ref: return "ref";
    case PointerKind::unique: return "unique";
    case PointerKind::full: return "full";
    case PointerKind::relative: return "relative";
    case PointerKind::relative_short: return "relative_short";
    case PointerKind::ignore: return "ignore";
  }
  return "?";
}

const char* to_string(ArrayKind k) {
  switch (k) {
    case ArrayKind::fixed: return "fixed";
    case ArrayKind::conformant: return "conformant";
    case ArrayKind::varying: return "varying";
    case ArrayKind::conformant_varying: return "conformant_varying";
    case ArrayKind::inline_: return "inline";
  }
  return "?";
}

const char* to_string(ContextHandleKind k) {
  switch (k) {
    case ContextHandleKind::none: return "none";
    case ContextHandleKind::plain: return "context_handle";
    case ContextHandleKind::strict: return "strict_context_handle";
    case ContextHandleKind::type_strict: return "type_strict_context_handle";
  }
  return "?";
}

const char* to_string(TypeKind k) {
  switch (k) {
    case TypeKind::struct_: return "struct";
    case TypeKind::union_: return "union";
    case TypeKind::enum_: return "enum";
    case TypeKind::bitmap: return "bitmap";
    case TypeKind::pipe: return "pipe";
    case TypeKind::alias: return "alias";
  }
  return "?";
}

const char* to_string(Direction d) {
  switch (d) {
    case Direction::in: return "in";
    case Direction::out: return "out";
    case Direction::in_out: return "in_out";
  }
  return "?";
}

namespace {

using K = ScalarKind;

// Canonical scalars. NDR20 aligns a scalar to its size; NDR64 does the same, except that the
// 3264 integers widen to 8 bytes.
constexpr std::array kBuiltins = {
    Builtin{"void", K::void_, false, 0, 0, 1, 1, "void"},
    Builtin{"int8", K::integer, true, 1, 1, 1, 1, "int8_t"},
    Builtin{"uint8", K::integer, false, 1, 1, 1, 1, "uint8_t"},
    Builtin{"int16", K::integer, true, 2, 2, 2, 2, "int16_t"},
    Builtin{"uint16", K::integer, false, 2, 2, 2, 2, "uint16_t"},
    Builtin{"int32", K::integer, true, 4, 4, 4, 4, "int32_t"},
    Builtin{"uint32", K::integer, false, 4, 4, 4, 4, "uint32_t"},
    Builtin{"int64", K::integer, true, 8, 8, 8, 8, "int64_t"},
    Builtin{"uint64", K::integer, false, 8, 8, 8, 8, "uint64_t"},
    // pidl's 64-bit integers pushed as two 32-bit halves, 4-aligned (udlongr: high half first).
    Builtin{"dlong", K::integer, true, 8, 8, 4, 4, "int64_t"},
    Builtin{"udlong", K::integer, false, 8, 8, 4, 4, "uint64_t"},
    Builtin{"udlongr", K::integer, false, 8, 8, 4, 4, "uint64_t"},
    Builtin{"int3264", K::integer, true, 4, 8, 4, 8, "int64_t"},
    Builtin{"uint3264", K::integer, false, 4, 8, 4, 8, "uint64_t"},
    Builtin{"char", K::character, false, 1, 1, 1, 1, "char"},
    Builtin{"wchar_t", K::character, false, 2, 2, 2, 2, "char16_t"},
    Builtin{"boolean", K::boolean, false, 1, 1, 1, 1, "bool"},
    Builtin{"boolean32", K::boolean, false, 4, 4, 4, 4, "bool"},
    Builtin{"float", K::floating, true, 4, 4, 4, 4, "float"},
    Builtin{"double", K::floating, true, 8, 8, 8, 8, "double"},
    Builtin{"error_status_t", K::status, false, 4, 4, 4, 4, "uint32_t"},
    Builtin{"NTSTATUS", K::status, false, 4, 4, 4, 4, "nca::ndr::NtStatus"},
    Builtin{"WERROR", K::status, false, 4, 4, 4, 4, "nca::ndr::WError"},
    Builtin{"HRESULT", K::status, true, 4, 4, 4, 4, "nca::ndr::HResult"},
    Builtin{"NTTIME", K::time, false, 8, 8, 4, 4, "uint64_t"},
    Builtin{"NTTIME_1sec", K::time, false, 8, 8, 4, 4, "uint64_t"},
    Builtin{"NTTIME_hyper", K::time, false, 8, 8, 8, 8, "uint64_t"},
    Builtin{"time_t", K::time, false, 4, 4, 4, 4, "uint32_t"},
    Builtin{"handle_t", K::handle, false, 0, 0, 1, 1, "nca::rpc::BindingHandle*"},
    Builtin{"context_handle", K::context_handle, false, 20, 20, 4, 4, "nca::ndr::ContextHandle"},
    Builtin{"DATA_BLOB", K::blob, false, 0, 0, 1, 1, "std::vector<uint8_t>"},
    Builtin{"ipv4address", K::address, false, 4, 4, 4, 4, "std::string"},
    Builtin{"ipv6address", K::address, false, 16, 16, 4, 4, "std::string"},
    Builtin{"string", K::pidl_string, false, 0, 0, 4, 8, "std::string"},
    Builtin{"interface_pointer", K::interface_ptr, false, 0, 0, 4, 8, "nca::ndr::InterfacePointer"},
};

struct Spelling {
  std::string_view name;
  std::string_view canonical;
};

// Other spellings of the same scalars: MIDL/DCE keywords and pidl's names.
constexpr std::array kSpellings = {
    Spelling{"small", "int8"}, Spelling{"signed small", "int8"},
    Spelling{"unsigned small", "uint8"}, Spelling{"signed char", "int8"},
    Spelling{"unsigned char", "uint8"}, Spelling{"byte", "uint8"}, Spelling{"uchar", "uint8"},
    Spelling{"boolean8", "boolean"}, Spelling{"short", "int16"}, Spelling{"signed short", "int16"},
    Spelling{"short int", "int16"}, Spelling{"unsigned short", "uint16"},
    Spelling{"unsigned short int", "uint16"}, Spelling{"long", "int32"},
    Spelling{"signed long", "int32"}, Spelling{"long int", "int32"}, Spelling{"int", "int32"},
    Spelling{"signed int", "int32"}, Spelling{"signed", "int32"},
    Spelling{"unsigned long", "uint32"}, Spelling{"unsigned long int", "uint32"},
    Spelling{"unsigned int", "uint32"}, Spelling{"unsigned", "uint32"},
    Spelling{"hyper", "int64"}, Spelling{"signed hyper", "int64"},
    Spelling{"unsigned hyper", "uint64"}, Spelling{"__int64", "int64"},
    Spelling{"signed __int64", "int64"}, Spelling{"unsigned __int64", "uint64"},
    Spelling{"long long", "int64"}, Spelling{"unsigned long long", "uint64"},
    Spelling{"hyper int", "int64"}, Spelling{"__int3264", "int3264"},
    Spelling{"signed __int3264", "int3264"}, Spelling{"unsigned __int3264", "uint3264"},
    Spelling{"wchar", "wchar_t"},
};

}  // namespace

const Builtin* find_builtin(std::string_view name) {
  for (const Spelling& s : kSpellings)
    if (s.name == name) {
      name = s.canonical;
      break;
    }
  for (const Builtin& b : kBuiltins)
    if (name == b.name && b.kind != ScalarKind::context_handle &&
        b.kind != ScalarKind::interface_ptr)
      return &b;
  return nullptr;
}

const Builtin& builtin_context_handle() {
  for (const Builtin& b : kBuiltins)
    if (b.kind == ScalarKind::context_handle) return b;
  __builtin_unreachable();
}

const Builtin& builtin_uint32() { return *find_builtin("uint32"); }

const Builtin& builtin_interface_pointer() {
  for (const Builtin& b : kBuiltins)
    if (b.kind == ScalarKind::interface_ptr) return b;
  __builtin_unreachable();
}

}  // namespace nca::idl::ir
