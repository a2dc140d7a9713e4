// The checked, immutable model of an IDL program: what every generator reads.
//
// Contract:
// - Built once by semantic analysis (sema/analyze.h) and handed out as `shared_ptr<const Program>`;
//   nothing changes it afterwards, so generators may hold pointers into it for the Program's life.
// - Generators never look at attributes: everything marshalling needs (levels, sizes, alignment,
//   pointer kinds after defaults, resolved size/length/switch expressions, opnums, in/out shapes)
//   is decided here. Raw attributes that have no marshalling meaning are not carried.
// - `Type*` and `Builtin*` pointers inside the model point into the same Program (or the static
//   builtin table) and stay valid as long as the Program lives.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "diag/source.h"

namespace nca::idl::ir {

// Exact integers: constant expressions are evaluated in 128 bits and every stored value lies in
// [-2^63, 2^64 - 1] (the union of int64 and uint64).
using Int = __int128;
std::string to_string(Int v);

struct Type;

// ---------------------------------------------------------------------------------------------
// Built-in scalar types

enum class ScalarKind {
  void_,
  integer,        // signed or unsigned, `size` bytes (uint3264/int3264: 4 in NDR20, 8 in NDR64)
  boolean,        // `boolean` (1 byte), `boolean32` (4)
  character,      // `char`, `wchar_t`: an integer that [string] may terminate
  floating,       // `float`, `double`
  status,         // NTSTATUS, WERROR, HRESULT, error_status_t: 32-bit results with a type of their own
  time,           // pidl's NTTIME family and time_t
  handle,         // handle_t: a binding handle, not marshalled
  context_handle, // the wire form of [context_handle]: 20 bytes (attributes uint32 + GUID)
  blob,           // pidl's DATA_BLOB: the remaining bytes, no fixed size
  address,        // pidl's ipv4address (4 bytes on the wire) and ipv6address (16)
  pidl_string,    // pidl's `string`: its flag() attributes choose the wire form
  interface_ptr,  // a COM interface pointer (`IUnknown *`): kept, marshalled as an OBJREF later
  runtime,        // a pidl built-in whose wire form Samba writes by hand (string_array,
                  // dns_string, dnsp_name, ...): see WireKind::runtime
};

// How a builtin travels: each kind is one wire form (one engine call or fixed sequence of calls),
// so that generators choose the call by kind, never by the builtin's spelling.
enum class WireKind {
  none,            // void, handle_t: not marshalled
  int8, uint8, int16, uint16, int32, uint32, int64, uint64,
  dlong, udlong,   // pidl's 64-bit integers as two 4-aligned 32-bit halves, low half first
  udlongr,         // the same, high half first
  int3264, uint3264,  // 32 bits in NDR20, 64 in NDR64
  char8, char16,   // char, wchar_t
  bool8, bool32,   // boolean, boolean32 (0 or 1 in 32 bits)
  float32, float64,
  error_status,    // error_status_t: a 32-bit unsigned
  ntstatus, werror, hresult,
  nttime,          // NTTIME, NTTIME_1sec: as udlong
  nttime_hyper,    // a 64-bit aligned 64-bit
  time_t_,         // 32 bits, seconds
  context_handle,  // 20 bytes: attributes and GUID
  blob,            // DATA_BLOB: its flags choose remaining bytes, padding or a counted blob
  ipv4, ipv6,      // 4 bytes as one uint32 / 16 octets in network order
  pidl_string,     // pidl's `string`: its flags choose charset and form
  interface_ptr,   // a COM interface pointer (MInterfacePointer)
  // Marshalled by the runtime, by name: generated code calls
  // nca::ndr::samba::push_NAME(Push&, const T&, uint32_t libndr_flags), pull_NAME(Pull&, T&,
  // uint32_t) and print_NAME(Printer&, name, const T&), where NAME is Builtin::name, T its
  // cpp_name and the flags Samba's LIBNDR_FLAG_* bits of the element (libndr_bits()).
  runtime,
};
const char* to_string(WireKind k);

struct Builtin {
  const char* name;      // canonical spelling: "uint32", "int16", "hyper", "wchar_t", ...
  ScalarKind kind;
  bool is_signed;
  uint32_t size20;       // wire size in NDR20 (0: not marshalled or no fixed size)
  uint32_t size64;       // wire size in NDR64
  uint32_t align20;
  uint32_t align64;
  const char* cpp_name;  // "uint32_t", "int16_t", "char16_t", "nca::ndr::ContextHandle", ...
  WireKind wire;
};

// ---------------------------------------------------------------------------------------------
// Resolved expressions (size_is, length_is, switch_is, value, ...)

struct Expr {
  enum class Kind {
    integer,    // value
    string,     // text
    field,      // a member of the enclosing struct: name, index (declaration order)
    param,      // a parameter of the enclosing operation: name, index
    constant,   // a named constant or enumerator: name, value
    unary,      // op: - + ~ ! * (dereference); operands[0]
    binary,     // op; operands[0..1]
    ternary,    // operands: condition, then, else
    member,     // op: `.` or `->`; name: the member, index: its position in the struct type;
                // operands[0]: the object
    call,       // pidl's value(): a size function of a member. name: strlen, strlen_m,
                // strlen_m_term, strlen_m_term_null (its characters) or ndr_size (pidl's
                // ndr_size_T(&m, flags): its bytes pushed alone) or blob_length (C's
                // `m.length` of a DATA_BLOB member: its bytes); operands[0]: the member (field)
    opaque,     // text: kept as written (a C-side name, or a call in value() that is not one of
                // the above: generators push the member as it is)
  };
  Kind kind = Kind::integer;
  Int value = 0;
  std::string op;
  std::string name;
  std::string text;
  size_t index = 0;
  std::vector<Expr> operands;
  // True when the whole expression is a compile-time constant; then `value` holds its value.
  bool is_constant = false;
};

// ---------------------------------------------------------------------------------------------
// Levels: an element's wire form, outermost first

enum class PointerKind { ref, unique, full, relative, relative_short, ignore };
const char* to_string(PointerKind k);

struct PointerLevel {
  PointerKind kind = PointerKind::unique;
  bool top_level = false;   // a parameter's outermost pointer (no referent id on the wire for ref)
  bool from_default = false; // kind came from pointer_default or the top-level [ref] rule
};

// inline_: pidl's `T a[count]` with a member or parameter as the count: `size_is` holds it and
// nothing but the elements goes on the wire (no conformance, unlike [size_is] on `a[]`).
enum class ArrayKind { fixed, conformant, varying, conformant_varying, inline_ };
const char* to_string(ArrayKind k);

struct ArrayLevel {
  ArrayKind kind = ArrayKind::fixed;
  std::optional<uint64_t> fixed_count;  // `[N]`
  std::optional<Expr> size_is, max_is, min_is, length_is, first_is, last_is;
  bool is_string = false;     // [string]: counts come from the data's terminator
  bool zero_terminated = true; // false for pidl's [noterm] (flag STR_NOTERM)
  // A conformant array that is the last member of a struct: its conformance is hoisted to the
  // start of the enclosing struct on the wire.
  bool surrounding = false;
};

struct SwitchLevel {
  Expr switch_is;
  // The discriminant's wire type: the element's [switch_type], else the union's, else the type of
  // what switch_is names, else uint32. Exactly one of the two is set.
  const Builtin* switch_type = nullptr;
  const Type* switch_enum = nullptr;
};

struct SubcontextLevel {
  uint32_t header_size = 0;  // 0, 2 or 4: the length prefix
  std::optional<Expr> size_is;
};

// pidl's flag(A | B): the LIBNDR flags, decided by sema from their names. Each flag is accepted
// as Samba's idl_types.h spells it (NDR_NOALIGN, STR_ASCII), as libndr does
// (LIBNDR_FLAG_NOALIGN) or without either prefix (NOALIGN); any other name is an error.
enum class NdrFlag : uint32_t {
  noalign, big_endian, little_endian, remaining, align2, align4, align8,
  str_ascii, str_utf8, str_raw8, str_nullterm, str_noterm, str_len4, str_size4, str_size2,
  str_bytesize, str_conformant, str_charlen,
  subcontext_no_unread_bytes, relative_reverse, no_relative_reverse, print_array_hex, secret,
  no_compression,
  count_
};
struct NdrFlags {
  uint32_t bits = 0;
  bool has(NdrFlag f) const { return (bits >> static_cast<uint32_t>(f) & 1) != 0; }
  void set(NdrFlag f) { bits |= 1u << static_cast<uint32_t>(f); }
  bool empty() const { return bits == 0; }
};
// The flag a name stands for, or none.
std::optional<NdrFlag> parse_ndr_flag(std::string_view name);
// The idl_types.h spelling of each set flag, in NdrFlag order (IR dumps, messages).
std::vector<std::string> flag_names(NdrFlags f);
// The same flags as libndr's LIBNDR_FLAG_* bit values (what runtime-marshalled builtins take).
uint32_t libndr_bits(NdrFlags f);
// The value of a libndr.h flag constant named in IDL outside flag() (`LIBNDR_FLAG_OBJECT_PRESENT`
// as a case label in dcerpc.idl), or none.
std::optional<uint32_t> libndr_constant(std::string_view name);
const char* to_string(NdrFlag f);

// [charset(X)] on a character array: the encoding of the text on the wire.
enum class Charset { none, dos, utf8, utf16 };
const char* to_string(Charset c);
// The charset a name stands for (DOS, UTF8, UTF16, optionally quoted), or none.
std::optional<Charset> parse_charset(std::string_view name);

enum class ContextHandleKind { none, plain, strict, type_strict };
const char* to_string(ContextHandleKind k);

struct DataLevel {
  const Builtin* builtin = nullptr;  // exactly one of builtin and type is set
  const Type* type = nullptr;
  std::string alias;       // the typedef name the element was written with, if any
  Charset charset = Charset::none;  // [charset(UTF16)] etc.
  NdrFlags flags;                   // pidl's flag(A|B)
  std::optional<Expr> value;       // pidl's value(expr)
  std::optional<std::pair<Int, Int>> range;  // [range(lo, hi)]
  ContextHandleKind context_handle = ContextHandleKind::none;
};

using Level = std::variant<PointerLevel, ArrayLevel, SwitchLevel, SubcontextLevel, DataLevel>;

// An alignment in both syntaxes.
struct WireAlign {
  uint32_t a20 = 1;
  uint32_t a64 = 1;
};

// A struct member, union arm, parameter, return value or typedef target.
struct Element {
  std::string name;
  SourceRange range;
  // Struct members and union arms: what its scalars align to inside the struct or union (a
  // conformant array last in a struct counts its elements only: its count is hoisted). Set by
  // sema/layout.cpp.
  WireAlign align;
  std::vector<Level> levels;  // never empty: the last one is always DataLevel
  const DataLevel& data() const { return std::get<DataLevel>(levels.back()); }
};

// ---------------------------------------------------------------------------------------------
// Types

struct Layout {
  uint32_t align20 = 1;
  uint32_t align64 = 1;
  std::optional<uint64_t> size20;  // wire size of the flat part when it is fixed
  std::optional<uint64_t> size64;  // NDR64: structures padded to their alignment
  bool conformant = false;  // holds a conformant array inline (struct: as last member)
  bool varying = false;     // holds a varying array inline
  bool has_pointers = false; // holds pointers inline (embedded)
  bool is_string = false;
  // What marshalling code aligns to, decided once here (sema/layout.cpp) so that generators do
  // not recompute it:
  // - struct_: the start of its scalars. That is align20/align64, except for a struct whose last
  //   member is a conformant array: its count is hoisted ahead and the scalars align to the
  //   members alone (Samba aligns an NDR64 {uint32; uint16[]} to 4, not 8).
  // - union_: `discriminant` is the discriminant's own alignment, `arms` the alignment of the
  //   selected arm after it (NDR64; the largest arm's), `body` where an encapsulated union starts
  //   (NDR20: its discriminant's; NDR64: the larger of the discriminant's and the arms').
  WireAlign body;
  WireAlign discriminant;
  WireAlign arms;
};

enum class TypeKind { struct_, union_, enum_, bitmap, pipe, alias };
const char* to_string(TypeKind k);

struct UnionArm {
  std::vector<Int> cases;
  bool is_default = false;
  std::optional<Element> element;  // empty arm: none
};

struct EnumValue {
  std::string name;
  Int value = 0;
};

struct Type {
  TypeKind kind = TypeKind::struct_;
  std::string name;      // the IDL name (struct tag, or typedef name when anonymous)
  std::string cpp_name;  // the name generated C++ uses (typedef name preferred; C++ keywords
                         // get a trailing '_')
  SourceRange range;
  size_t file = 0;        // index into Program::files
  std::string scope;      // enclosing interface, empty at file level
  bool is_public = false; // pidl's [public]
  bool relative_base = false;  // pidl's [relative_base] (struct_, union_): [relative] offsets
                               // inside count from the start of this value
  NdrFlags flags;                   // pidl's flag(...) on the type
  Layout layout;

  std::vector<Element> members;       // struct_
  std::vector<UnionArm> arms;         // union_
  const Builtin* switch_type = nullptr;  // union_: discriminant type (default uint32 per pidl)
  const Type* switch_enum = nullptr;     // union_: when switch_type names an enum
  bool encapsulated = false;             // union_: DCE `union switch (T d) u { ... }`
  std::string discriminant;              // encapsulated: the discriminant's name
  bool nodiscriminant = false;           // pidl's [nodiscriminant]
  uint32_t wire_bits = 0;                // enum_ and bitmap: 8, 16, 32, 64
  bool widens_in_ndr64 = false;          // enum_: a plain enum (pidl's uint1632) is 16 bits in
                                         // NDR20 and 32 in NDR64; [enum16bit] stays 16
  std::vector<EnumValue> values;         // enum_ and bitmap
  std::optional<Element> target;         // pipe: the element type; alias: what it names
};

struct Constant {
  std::string name;
  std::string type;  // as written
  SourceRange range;
  size_t file = 0;
  std::string scope;
  bool is_string = false;
  Int value = 0;
  std::string text;  // is_string: the string
};

// ---------------------------------------------------------------------------------------------
// Interfaces and operations

enum class Direction { in, out, in_out };
const char* to_string(Direction d);

struct Param {
  std::string name;
  Direction direction = Direction::in;
  Element element;
  bool is_binding_handle = false;  // `[in] handle_t h`: picks the binding, not marshalled
};

// Which parameters (indices into Operation::params, in declaration order) travel in one PDU body.
struct Shape {
  std::vector<size_t> params;
  bool has_result = false;  // out shape only: the return value comes last
};

struct Operation {
  std::string name;
  uint32_t opnum = 0;
  SourceRange range;
  std::optional<Element> result;  // none for void
  std::vector<Param> params;
  Shape in;
  Shape out;
  bool idempotent = false, broadcast = false, maybe = false, callback = false, async = false;
  bool noopnum = false;  // pidl's [noopnum]: not callable over the wire
};

struct Version {
  uint16_t major = 0;
  uint16_t minor = 0;
};

struct Interface {
  std::string name;
  std::string base;  // `interface I : Base`
  SourceRange range;
  size_t file = 0;
  std::optional<std::string> uuid;  // canonical lowercase 8-4-4-4-12
  Version version;
  PointerKind pointer_default = PointerKind::unique;
  bool pointer_default_explicit = false;
  std::vector<std::string> endpoints;
  std::vector<std::string> exceptions;
  std::string helpstring;
  bool object = false;  // COM: [object]
  bool local = false;   // [local]: no stubs
  // Context-handle usage: the interface's attributes and whether any operation uses one.
  bool strict_context_handle = false;
  bool uses_context_handles = false;
  uint32_t first_opnum = 0;  // operations inherited from the base come first
  std::vector<const Type*> types;           // declared inside, in order
  std::vector<const Constant*> constants;
  std::vector<Operation> operations;
};

struct File {
  std::string path;
  bool is_root = false;
  std::vector<size_t> imports;
  std::vector<const Type*> types;  // declared at file level, in order
  std::vector<const Constant*> constants;
  std::vector<size_t> interfaces;  // indices into Program::interfaces
};

struct Program {
  std::vector<File> files;
  std::vector<std::unique_ptr<const Type>> types;  // every type, in declaration order
  std::vector<std::unique_ptr<const Constant>> constants;
  std::vector<Interface> interfaces;
};

// The built-in scalar with this canonical or alternative spelling (`unsigned long`, `DWORD` is
// not one: that is a typedef in the IDL), or null.
const Builtin* find_builtin(std::string_view name);
const Builtin& builtin_context_handle();
const Builtin& builtin_uint32();
const Builtin& builtin_interface_pointer();

}  // namespace nca::idl::ir
