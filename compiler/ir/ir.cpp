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

const char* to_string(WireKind k) {
  switch (k) {
    case WireKind::none: return "none";
    case WireKind::int8: return "int8";
    case WireKind::uint8: return "uint8";
    case WireKind::int16: return "int16";
    case WireKind::uint16: return "uint16";
    case WireKind::int32: return "int32";
    case WireKind::uint32: return "uint32";
    case WireKind::int64: return "int64";
    case WireKind::uint64: return "uint64";
    case WireKind::dlong: return "dlong";
    case WireKind::udlong: return "udlong";
    case WireKind::udlongr: return "udlongr";
    case WireKind::int3264: return "int3264";
    case WireKind::uint3264: return "uint3264";
    case WireKind::char8: return "char8";
    case WireKind::char16: return "char16";
    case WireKind::bool8: return "bool8";
    case WireKind::bool32: return "bool32";
    case WireKind::float32: return "float32";
    case WireKind::float64: return "float64";
    case WireKind::error_status: return "error_status";
    case WireKind::ntstatus: return "ntstatus";
    case WireKind::werror: return "werror";
    case WireKind::hresult: return "hresult";
    case WireKind::nttime: return "nttime";
    case WireKind::nttime_hyper: return "nttime_hyper";
    case WireKind::time_t_: return "time_t";
    case WireKind::context_handle: return "context_handle";
    case WireKind::blob: return "blob";
    case WireKind::ipv4: return "ipv4";
    case WireKind::ipv6: return "ipv6";
    case WireKind::pidl_string: return "pidl_string";
    case WireKind::interface_ptr: return "interface_ptr";
    case WireKind::runtime: return "runtime";
  }
  return "?";
}

namespace {

struct FlagSpelling {
  NdrFlag flag;
  std::string_view idl;     // Samba's idl_types.h macro
  std::string_view libndr;  // libndr's constant
  uint32_t bits;            // its value in libndr.h
};

constexpr std::array<FlagSpelling, static_cast<size_t>(NdrFlag::count_)> kFlags = {{
    {NdrFlag::noalign, "NDR_NOALIGN", "LIBNDR_FLAG_NOALIGN", 0x2u},
    {NdrFlag::big_endian, "NDR_BIG_ENDIAN", "LIBNDR_FLAG_BIGENDIAN", 0x1u},
    {NdrFlag::little_endian, "NDR_LITTLE_ENDIAN", "LIBNDR_FLAG_LITTLE_ENDIAN", 0x8000000u},
    {NdrFlag::remaining, "NDR_REMAINING", "LIBNDR_FLAG_REMAINING", 0x200000u},
    {NdrFlag::align2, "NDR_ALIGN2", "LIBNDR_FLAG_ALIGN2", 0x400000u},
    {NdrFlag::align4, "NDR_ALIGN4", "LIBNDR_FLAG_ALIGN4", 0x800000u},
    {NdrFlag::align8, "NDR_ALIGN8", "LIBNDR_FLAG_ALIGN8", 0x1000000u},
    {NdrFlag::str_ascii, "STR_ASCII", "LIBNDR_FLAG_STR_ASCII", 0x4u},
    {NdrFlag::str_utf8, "STR_UTF8", "LIBNDR_FLAG_STR_UTF8", 0x1000u},
    {NdrFlag::str_raw8, "STR_RAW8", "LIBNDR_FLAG_STR_RAW8", 0x2000u},
    {NdrFlag::str_nullterm, "STR_NULLTERM", "LIBNDR_FLAG_STR_NULLTERM", 0x40u},
    {NdrFlag::str_noterm, "STR_NOTERM", "LIBNDR_FLAG_STR_NOTERM", 0x20u},
    {NdrFlag::str_len4, "STR_LEN4", "LIBNDR_FLAG_STR_LEN4", 0x8u},
    {NdrFlag::str_size4, "STR_SIZE4", "LIBNDR_FLAG_STR_SIZE4", 0x10u},
    {NdrFlag::str_size2, "STR_SIZE2", "LIBNDR_FLAG_STR_SIZE2", 0x80u},
    {NdrFlag::str_bytesize, "STR_BYTESIZE", "LIBNDR_FLAG_STR_BYTESIZE", 0x100u},
    {NdrFlag::str_conformant, "STR_CONFORMANT", "LIBNDR_FLAG_STR_CONFORMANT", 0x400u},
    {NdrFlag::str_charlen, "STR_CHARLEN", "LIBNDR_FLAG_STR_CHARLEN", 0x800u},
    {NdrFlag::subcontext_no_unread_bytes, "NDR_SUBCONTEXT_NO_UNREAD_BYTES",
     "LIBNDR_FLAG_SUBCONTEXT_NO_UNREAD_BYTES", 0x20000u},
    {NdrFlag::relative_reverse, "NDR_RELATIVE_REVERSE", "LIBNDR_FLAG_RELATIVE_REVERSE", 0x80000u},
    {NdrFlag::no_relative_reverse, "NDR_NO_RELATIVE_REVERSE", "LIBNDR_FLAG_NO_RELATIVE_REVERSE", 0x40000u},
    {NdrFlag::print_array_hex, "NDR_PAHEX", "LIBNDR_PRINT_ARRAY_HEX", 0x2000000u},
    {NdrFlag::secret, "NDR_SECRET", "LIBNDR_FLAG_IS_SECRET", 0x4000u},
    {NdrFlag::no_compression, "NDR_NO_COMP", "LIBNDR_FLAG_NO_COMPRESSION", 0x8000u},
}};

bool without_prefix(std::string_view full, std::string_view prefix, std::string_view name) {
  return full.size() > prefix.size() && full.substr(0, prefix.size()) == prefix &&
         full.substr(prefix.size()) == name;
}

}  // namespace

std::optional<NdrFlag> parse_ndr_flag(std::string_view name) {
  for (const FlagSpelling& f : kFlags)
    if (name == f.idl || name == f.libndr || without_prefix(f.idl, "NDR_", name) ||
        without_prefix(f.libndr, "LIBNDR_FLAG_", name))
      return f.flag;
  return std::nullopt;
}

std::vector<std::string> flag_names(NdrFlags flags) {
  std::vector<std::string> out;
  for (const FlagSpelling& f : kFlags)
    if (flags.has(f.flag)) out.emplace_back(f.idl);
  return out;
}

uint32_t libndr_bits(NdrFlags flags) {
  uint32_t bits = 0;
  for (const FlagSpelling& f : kFlags)
    if (flags.has(f.flag)) bits |= f.bits;
  return bits;
}

std::optional<uint32_t> libndr_constant(std::string_view name) {
  for (const FlagSpelling& f : kFlags)
    if (name == f.libndr) return f.bits;
  // libndr.h flags that flag() never takes (engine state, not element properties).
  static constexpr std::pair<std::string_view, uint32_t> kOthers[] = {
      {"LIBNDR_FLAG_INCOMPLETE_BUFFER", 1u << 16}, {"LIBNDR_FLAG_REF_ALLOC", 1u << 20},
      {"LIBNDR_FLAG_PAD_CHECK", 1u << 28},         {"LIBNDR_FLAG_NDR64", 1u << 29},
      {"LIBNDR_FLAG_OBJECT_PRESENT", 1u << 30},    {"LIBNDR_FLAG_NO_NDR_SIZE", 1u << 31}};
  for (const auto& [n, v] : kOthers)
    if (name == n) return v;
  return std::nullopt;
}

const char* to_string(NdrFlag flag) {
  for (const FlagSpelling& f : kFlags)
    if (f.flag == flag) return f.idl.data();
  return "?";
}

const char* to_string(Charset c) {
  switch (c) {
    case Charset::none: return "none";
    case Charset::dos: return "DOS";
    case Charset::utf8: return "UTF8";
    case Charset::utf16: return "UTF16";
  }
  return "?";
}

std::optional<Charset> parse_charset(std::string_view name) {
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  if (name == "DOS") return Charset::dos;
  if (name == "UTF8") return Charset::utf8;
  if (name == "UTF16") return Charset::utf16;
  // Samba's CH_UNIX: the host's "unix charset", UTF-8 by default (dnsserver.idl).
  if (name == "UNIX") return Charset::utf8;
  return std::nullopt;
}

namespace {

using K = ScalarKind;
using W = WireKind;

// Canonical scalars. NDR20 aligns a scalar to its size; NDR64 does the same, except that the
// 3264 integers widen to 8 bytes.
constexpr std::array kBuiltins = {
    Builtin{"void", K::void_, false, 0, 0, 1, 1, "void", W::none},
    Builtin{"int8", K::integer, true, 1, 1, 1, 1, "int8_t", W::int8},
    Builtin{"uint8", K::integer, false, 1, 1, 1, 1, "uint8_t", W::uint8},
    Builtin{"int16", K::integer, true, 2, 2, 2, 2, "int16_t", W::int16},
    Builtin{"uint16", K::integer, false, 2, 2, 2, 2, "uint16_t", W::uint16},
    Builtin{"int32", K::integer, true, 4, 4, 4, 4, "int32_t", W::int32},
    Builtin{"uint32", K::integer, false, 4, 4, 4, 4, "uint32_t", W::uint32},
    Builtin{"int64", K::integer, true, 8, 8, 8, 8, "int64_t", W::int64},
    Builtin{"uint64", K::integer, false, 8, 8, 8, 8, "uint64_t", W::uint64},
    // pidl's 64-bit integers pushed as two 32-bit halves, 4-aligned (udlongr: high half first).
    Builtin{"dlong", K::integer, true, 8, 8, 4, 4, "int64_t", W::dlong},
    Builtin{"udlong", K::integer, false, 8, 8, 4, 4, "uint64_t", W::udlong},
    Builtin{"udlongr", K::integer, false, 8, 8, 4, 4, "uint64_t", W::udlongr},
    Builtin{"int3264", K::integer, true, 4, 8, 4, 8, "int64_t", W::int3264},
    Builtin{"uint3264", K::integer, false, 4, 8, 4, 8, "uint64_t", W::uint3264},
    Builtin{"char", K::character, false, 1, 1, 1, 1, "char", W::char8},
    Builtin{"wchar_t", K::character, false, 2, 2, 2, 2, "char16_t", W::char16},
    Builtin{"boolean", K::boolean, false, 1, 1, 1, 1, "bool", W::bool8},
    Builtin{"boolean32", K::boolean, false, 4, 4, 4, 4, "bool", W::bool32},
    Builtin{"float", K::floating, true, 4, 4, 4, 4, "float", W::float32},
    Builtin{"double", K::floating, true, 8, 8, 8, 8, "double", W::float64},
    Builtin{"error_status_t", K::status, false, 4, 4, 4, 4, "uint32_t", W::error_status},
    Builtin{"NTSTATUS", K::status, false, 4, 4, 4, 4, "nca::ndr::NtStatus", W::ntstatus},
    Builtin{"WERROR", K::status, false, 4, 4, 4, 4, "nca::ndr::WError", W::werror},
    Builtin{"HRESULT", K::status, true, 4, 4, 4, 4, "nca::ndr::HResult", W::hresult},
    Builtin{"NTTIME", K::time, false, 8, 8, 4, 4, "uint64_t", W::nttime},
    Builtin{"NTTIME_1sec", K::time, false, 8, 8, 4, 4, "uint64_t", W::nttime},
    Builtin{"NTTIME_hyper", K::time, false, 8, 8, 8, 8, "uint64_t", W::nttime_hyper},
    Builtin{"time_t", K::time, false, 4, 4, 4, 4, "uint32_t", W::time_t_},
    Builtin{"handle_t", K::handle, false, 0, 0, 1, 1, "nca::rpc::BindingHandle*", W::none},
    Builtin{"context_handle", K::context_handle, false, 20, 20, 4, 4, "nca::ndr::ContextHandle", W::context_handle},
    Builtin{"DATA_BLOB", K::blob, false, 0, 0, 1, 1, "std::vector<uint8_t>", W::blob},
    Builtin{"ipv4address", K::address, false, 4, 4, 4, 4, "std::string", W::ipv4},
    Builtin{"ipv6address", K::address, false, 16, 16, 4, 4, "std::string", W::ipv6},
    Builtin{"string", K::pidl_string, false, 0, 0, 4, 8, "std::string", W::pidl_string},
    Builtin{"interface_pointer", K::interface_ptr, false, 0, 0, 4, 8, "nca::ndr::InterfacePointer", W::interface_ptr},
    // pidl built-ins marshalled by the runtime (nca/ndr/samba/builtins.h). Alignments are
    // pidl's (NDR.pm's scalar_alignment); sizes vary with the value except where given.
    Builtin{"string_array", K::runtime, false, 0, 0, 4, 4, "std::vector<std::string>", W::runtime},
    Builtin{"dns_string", K::runtime, false, 0, 0, 4, 4, "std::string", W::runtime},
    Builtin{"nbt_string", K::runtime, false, 0, 0, 4, 4, "std::string", W::runtime},
    Builtin{"dnsp_name", K::runtime, false, 0, 0, 1, 1, "std::string", W::runtime},
    Builtin{"dnsp_string", K::runtime, false, 0, 0, 1, 1, "std::string", W::runtime},
    // A host pointer's bytes (Samba-internal databases only: notify.idl, opendb.idl): 8 bytes
    // in the host's order, aligned to 8.
    Builtin{"pointer", K::runtime, false, 8, 8, 8, 8, "uint64_t", W::runtime},
    // 16 bits in NDR20, 32 in NDR64.
    Builtin{"int1632", K::runtime, true, 2, 4, 2, 4, "int16_t", W::runtime},
    Builtin{"uint1632", K::runtime, false, 2, 4, 2, 4, "uint16_t", W::runtime},
    // Security identifiers: security.idl's dom_sid is [nopull,nopush] (its body is not its wire
    // form), and dom_sid2/28/0 are C macros for it with wire forms of their own.
    Builtin{"dom_sid", K::runtime, false, 0, 0, 4, 4, "nca::ndr::samba::DomSid", W::runtime},
    Builtin{"dom_sid2", K::runtime, false, 0, 0, 4, 8, "nca::ndr::samba::DomSid", W::runtime},
    Builtin{"dom_sid28", K::runtime, false, 28, 28, 4, 4, "nca::ndr::samba::DomSid", W::runtime},
    Builtin{"dom_sid0", K::runtime, false, 0, 0, 4, 4, "nca::ndr::samba::DomSid", W::runtime},
    // netlogon.idl's bodiless enums: the 16-bit enum's value in one octet.
    Builtin{"netr_DeltaEnum8Bit", K::runtime, false, 1, 1, 1, 1, "uint8_t", W::runtime},
    Builtin{"netr_SamDatabaseID8Bit", K::runtime, false, 1, 1, 1, 1, "uint8_t", W::runtime},
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
    // pidl's aliases (Typelist.pm); uid_t and gid_t travel as a hyper (ndr_push_uid_t).
    Spelling{"DWORD", "uint32"}, Spelling{"WORD", "uint16"}, Spelling{"uint", "uint32"},
    Spelling{"HYPER_T", "uint64"}, Spelling{"mode_t", "uint32"}, Spelling{"uid_t", "uint64"},
    Spelling{"gid_t", "uint64"},
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
