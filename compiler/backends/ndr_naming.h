// Spellings the NDR directions share: engine calls and constants named after IR facts
// (nca::ndr's Push/Pull functions, flag and string-form constants, literals). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/ndr_expr.h"
#include "ir/ir.h"

namespace nca::idl::backends::ndr {

// The passes of NDR marshalling: the fixed part with referent ids, the deferred pointees, or both
// (a pointee, or a top-level parameter).
enum Pass { kScalars = 1, kBuffers = 2, kBoth = 3 };

// A C++ literal of an IDL integer, as std::int64_t (values above INT64_MAX wrap, as on the wire).
std::string int_lit(ir::Int v);
// The engine flags (nca::ndr::Flag) a pidl flag list asks for, as C++ text applied to `cur`;
// "" when the list asks for none.
std::string engine_flags(const ir::NdrFlags& flags, const std::string& cur);
// nca::ndr::kScalars, kBuffers or kScalarsAndBuffers for a Pass.
std::string pass_text(int pass);
// The engine call of a fixed-size integer wire kind ("u32", "i16", ...), else null.
const char* int_call(ir::WireKind k);
// "u8", "i32", ...: the engine call of an integer of `bits` bits.
std::string int_fn(uint32_t bits, bool is_signed);

// pidl's `string` type: the charset and wire form come from its STR_ flags.
bool pidl_string_bytes(const ir::DataLevel& d);
std::string pidl_string_fn(const ir::DataLevel& d);
std::string pidl_string_form(const ir::DataLevel& d);
// The alignment a DATA_BLOB's flag(NDR_ALIGN*) asks for (pidl: the blob is that padding), or 0.
int blob_align(const ir::NdrFlags& flags);

// Array kinds.
bool conformant(const ir::ArrayLevel& a);
bool varying(const ir::ArrayLevel& a);
// A fixed array held as std::array (its size is its type's).
bool is_std_array(const ir::ArrayLevel& a);
// Counts of an array level as C++ expressions ("" when absent).
struct Counts {
  std::string size, length, offset;
};
Counts counts(ExprWriter& x, const ir::ArrayLevel& a, const Scope& s);

// A string array's engine call ("string" or "string_utf16") and wire form.
std::string string_fn(const ir::DataLevel& d);
std::string str_form(const ir::ArrayLevel& a, bool with_size);
// The characters a [string] value levels[i] held in `v` sends, with its terminator (its maximum
// and actual count).
std::string string_count(const std::vector<ir::Level>& L, size_t i, const std::string& v);

// The `case` labels of a union arm; the default arm gets `default:`.
std::string case_labels(const ir::UnionArm& a);
bool has_default_arm(const ir::Type& u);
// Whether levels[i] is a DATA level of a floating builtin (JSON keeps those apart).
bool is_float(const std::vector<ir::Level>& L, size_t i);
bool is_pipe(const ir::Element& e);
// The parameters of one shape of an operation in wire order: pipes travel after the other [in]
// parameters and before the other [out] ones (MIDL's "Combining Pipe and Nonpipe Parameters";
// C706 14.3.13).
std::vector<size_t> wire_order(const ir::Operation& op, bool out);

// An enum's engine call and the unsigned type it travels as.
struct EnumWire {
  std::string fn, type;
};
EnumWire enum_wire(const ir::Type& t);

// The call a push or pull ("push"/"pull") of a runtime-marshalled builtin makes on stream `p`.
std::string runtime_builtin_call(const char* op, const ir::DataLevel& d, const std::string& v);

}  // namespace nca::idl::backends::ndr
