// What the push and pull walks of NdrInterpreter share: where an expression's names come from,
// its evaluation over JSON values, and the decisions ndr_generator.cpp makes per level (which the
// walks must make the same way to give the same bytes). Internal to compiler/interp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/cpp_model.h"
#include "interp/ndr_interp.h"

namespace nca::interp::detail {

enum Mode { kScalars = 1, kBuffers = 2, kBoth = 3 };

// Where an expression's names come from (ndr_generator.cpp's Scope, over JSON values).
struct Scope {
  const ir::Type* strukt = nullptr;  // field references: members of *obj
  const json* obj = nullptr;
  const ir::Operation* op = nullptr;  // parameter references
  const json* in = nullptr;
  const json* out = nullptr;
  bool out_shape = false;  // in_out parameters come from *out
  bool push = false;       // a member with value() counts as its computed value
};

// pidl's value(ndr_size_T(&m, flags)) needs the bytes of `m` pushed alone: the push walk provides it.
class SizeOracle {
 public:
  virtual ~SizeOracle() = default;
  virtual uint64_t ndr_size(const ir::Element& member, const json& v, const Scope& s) = 0;
};

// Shared state and helpers of one walk.
class WalkBase {
 public:
  explicit WalkBase(const ir::Program& program);

  // ---- expressions ----
  ir::Int eval(const ir::Expr& e, const Scope& s, SizeOracle* sizes = nullptr);
  int64_t eval64(const ir::Expr& e, const Scope& s, SizeOracle* sizes = nullptr) {
    return static_cast<int64_t>(eval(e, s, sizes));
  }
  // The JSON node an lvalue expression names (field, param, a.b, *p) and its element; null if
  // the value has no such member.
  const json* resolve(const ir::Expr& e, const Scope& s, const ir::Element** el);
  // A JSON value as an integer: numbers, booleans, enumerator names.
  ir::Int to_int(const json& v, const std::string& what) const;

  // ---- per-level decisions (as ndr_generator.cpp makes them) ----
  struct Counts {
    bool has_size = false, has_length = false, has_offset = false;
    uint64_t size = 0, length = 0, offset = 0;
  };
  Counts counts(const ir::ArrayLevel& a, const Scope& s, SizeOracle* sizes = nullptr);
  static bool conformant(const ir::ArrayLevel& a) {
    return a.kind == ir::ArrayKind::conformant || a.kind == ir::ArrayKind::conformant_varying;
  }
  static bool varying(const ir::ArrayLevel& a) {
    return a.kind == ir::ArrayKind::varying || a.kind == ir::ArrayKind::conformant_varying;
  }
  static bool is_std_array(const ir::ArrayLevel& a) {
    return a.kind == ir::ArrayKind::fixed && a.fixed_count && !a.size_is;
  }
  // How a string array's characters are held: WTF-8 text sent as UTF-16, UTF-16 units as they
  // are (wchar_t), or bytes as they are (char, DOS, UTF8).
  enum class Chars { text, units, bytes };
  Chars chars_of(const std::vector<ir::Level>& L, size_t i) const;
  static uint8_t str_form(const ir::ArrayLevel& a, bool with_size);
  // The characters a [string] value sends, terminator included (ndr_generator's string_count).
  uint64_t string_count(const std::vector<ir::Level>& L, size_t i, const json& v);
  // nca::ndr engine flags for pidl flag()s, applied to `cur`; false when none apply.
  static bool engine_flags(const ir::NdrFlags& f, uint32_t cur, uint32_t& out);
  static bool pidl_string_bytes(const ir::DataLevel& d);
  static uint8_t pidl_string_form(const ir::DataLevel& d);
  static int blob_align(const ir::NdrFlags& f);
  // A union's discriminant on the wire: its switch_type's (an enum's form, a builtin's width and
  // sign, uint3264), as ndr_generator.cpp's switch_push/switch_pull write and read it.
  enum class Disc { u8, i8, u16, i16, enum16, u32, i32, u64, i64, u3264 };
  static Disc disc_form(const ir::Type& u);
  // The arm a discriminant selects (its case, else the default arm), or null.
  static const ir::UnionArm* arm_for(const ir::Type& u, int64_t value);
  // The arm a union's JSON value holds (the first arm, in declaration order, whose name is a
  // key), or null.
  static const ir::UnionArm* arm_held(const ir::Type& u, const json& v);

  // How a walk handles a named type: as a data level naming it (well-known, alias, enum, bitmap),
  // or as a struct or union walk. Refuses (Unsupported) what no walk handles.
  enum class TypeWalk { data, struct_, union_ };
  TypeWalk type_walk(const ir::Type& t) const;

  // ---- refusals ----
  [[noreturn]] void unsupported(const std::string& what) const;
  [[noreturn]] void bad_value(const std::string& what) const;
  std::string path() const;

 protected:
  const ir::Program& program_;
  idl::backends::GeneratorOptions options_;
  idl::backends::CppModel model_;
  std::vector<std::string> path_;  // where the walk is, for messages
  struct PathPart {
    PathPart(WalkBase& w, std::string s) : w_(w) { w_.path_.push_back(std::move(s)); }
    ~PathPart() { w_.path_.pop_back(); }
    WalkBase& w_;
  };
};

// Calls f((T*)nullptr) with the C++ type T of a bulk array element (CppModel::bulk_scalar), as
// Push::array/Pull::array take it; false for a builtin that is not one.
template <class F>
bool with_bulk_type(const ir::Builtin& b, F&& f) {
  using W = ir::WireKind;
  switch (b.wire) {
    case W::int8: f(static_cast<int8_t*>(nullptr)); return true;
    case W::uint8: f(static_cast<uint8_t*>(nullptr)); return true;
    case W::int16: f(static_cast<int16_t*>(nullptr)); return true;
    case W::uint16: f(static_cast<uint16_t*>(nullptr)); return true;
    case W::int32: f(static_cast<int32_t*>(nullptr)); return true;
    case W::uint32:
    case W::error_status: f(static_cast<uint32_t*>(nullptr)); return true;
    case W::int64: f(static_cast<int64_t*>(nullptr)); return true;
    case W::uint64: f(static_cast<uint64_t*>(nullptr)); return true;
    case W::float32: f(static_cast<float*>(nullptr)); return true;
    case W::float64: f(static_cast<double*>(nullptr)); return true;
    default: return false;
  }
}

// Statically refuses what the walks cannot do (NdrInterpreter::check).
void check_element(const ir::Element& e, const std::string& where);
void check_type(const ir::Type& t);

}  // namespace nca::interp::detail
