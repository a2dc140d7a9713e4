// nca::ndr::Printer: a readable, indented text dump of a value, in the manner of Samba's ndr_print.
//
// Generated print functions call it member by member:
//
//   lsa_TransNameArray: struct lsa_TransNameArray
//       count                    : 0x00000001 (1)
//       names                    : *
//           names: ARRAY(1)
//               names: struct lsa_TranslatedName
//                   sid_type                 : SID_NAME_USER (1)
//                   name: struct lsa_String
//                       length                   : 0x000a (10)
//                       string                   : *
//                           string                   : 'alice'
//
// Every *_begin is closed by the matching *_end (or ptr_end for a non-null ptr). Text is WTF-8;
// control characters and unpaired surrogates are escaped so the dump is always printable UTF-8.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "nca/ndr/types.h"

namespace nca::ndr {

class Printer {
 public:
  // Each level indents by `indent_width` spaces.
  explicit Printer(int indent_width = 4) : width_(indent_width) {}

  const std::string& str() const noexcept { return out_; }
  std::string take() { return std::move(out_); }

  void struct_begin(std::string_view name, std::string_view type);
  void struct_end() { --depth_; }
  // "name: union type(case 3)"
  void union_begin(std::string_view name, std::string_view type, std::int64_t level);
  void union_end() { --depth_; }
  void array_begin(std::string_view name, std::uint64_t count);
  void array_end() { --depth_; }
  // "name : *" and one level deeper (close with ptr_end), or "name : NULL" (nothing to close).
  // Returns `present`, so generated code can write `if (pr.ptr("x", bool(v.x))) {...}`.
  bool ptr(std::string_view name, bool present);
  void ptr_end() { --depth_; }

  // Integers: unsigned as "0x%0Nx (%u)" with N = 2 * size, signed as "%d", bool as "True/False".
  void field(std::string_view name, std::uint8_t v);
  void field(std::string_view name, std::uint16_t v);
  void field(std::string_view name, std::uint32_t v);
  void field(std::string_view name, std::uint64_t v);
  void field(std::string_view name, std::int8_t v);
  void field(std::string_view name, std::int16_t v);
  void field(std::string_view name, std::int32_t v);
  void field(std::string_view name, std::int64_t v);
  void field(std::string_view name, bool v);
  void field(std::string_view name, float v);
  void field(std::string_view name, double v);
  // An enum: "name : VALUE_NAME (3)"; an empty value_name prints "UNKNOWN_ENUM_VALUE".
  void enum_value(std::string_view name, std::string_view value_name, std::int64_t v);
  // A bitmap: the value, then one line per flag defined for it ("1: FLAG_NAME" or "0: ...").
  void bitmap_begin(std::string_view name, std::uint64_t v, int bytes);
  void bitmap_flag(std::string_view flag_name, std::uint64_t mask, std::uint64_t v);
  void bitmap_end() { --depth_; }
  // Strings: "name : 'text'" (WTF-8 or raw bytes, escaped), UTF-16 units converted.
  void string(std::string_view name, std::string_view text);
  void string(std::string_view name, std::u16string_view units);
  void guid(std::string_view name, const Guid& g);
  void context_handle(std::string_view name, const ContextHandle& h);
  void field(std::string_view name, NtStatus v);
  void field(std::string_view name, WError v);
  void field(std::string_view name, HResult v);
  void field(std::string_view name, NtTime v);
  void blob(std::string_view name, const DataBlob& b);
  // A free-form "name : text" line.
  void line(std::string_view name, std::string_view text);

 private:
  void indent();
  void value_line(std::string_view name, std::string_view text);

  std::string out_;
  int depth_ = 0;
  int width_;
};

// An operation's argument struct R printed as generated code does it (print_in/print_out, found
// by argument-dependent lookup): the type-erased printers of nca::rpc::OperationSpec.
template <class R>
std::string print_in_text(const void* r) {
  Printer pr;
  print_in(pr, *static_cast<const R*>(r));
  return pr.take();
}
template <class R>
std::string print_out_text(const void* r) {
  Printer pr;
  print_out(pr, *static_cast<const R*>(r));
  return pr.take();
}

}  // namespace nca::ndr
