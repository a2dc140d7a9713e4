// The attribute table: which attribute is allowed on what, how many arguments of which kind it
// takes, and which attributes exclude each other. One row per attribute; checking is data-driven.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "frontend/ast.h"

namespace nca::idl {

class DiagnosticEngine;

namespace sema {

// Where an attribute list appears.
enum Place : uint32_t {
  kInterface = 1u << 0,
  kOperation = 1u << 1,
  kParam = 1u << 2,
  kField = 1u << 3,      // a struct member
  kArm = 1u << 4,        // a union arm
  kStruct = 1u << 5,
  kUnion = 1u << 6,
  kEnum = 1u << 7,
  kBitmap = 1u << 8,
  kAlias = 1u << 9,      // a typedef of a non-aggregate (`typedef [string] char *LPSTR`)
  kPipe = 1u << 10,
  kOther = 1u << 11,     // library, coclass, module, dispinterface, constants
  kElement = kParam | kField | kArm,
  kAggregate = kStruct | kUnion,
  kAnyType = kStruct | kUnion | kEnum | kBitmap | kAlias | kPipe,
  kAnywhere = 0xFFFFu,
};

// What a human calls the place, for messages: "a struct", "a parameter".
const char* place_name(Place p);

enum class ArgKind {
  none,        // takes no arguments
  expr,        // expressions (integer constants or references)
  type,        // a type
  uuid,
  version,
  string,      // a string literal
  identifier,  // a bare word (`pointer_default(unique)`, `charset(UTF16)`)
  any,         // anything: kept as written
};

struct AttrInfo {
  std::string_view name;
  uint32_t places;
  ArgKind arg_kind;
  uint8_t min_args;
  uint8_t max_args;          // 255: unbounded
  uint8_t exclusive_group;   // 0: none; attributes sharing a group exclude each other
  bool marshalling_meaning;  // false: a typelib/COM/MIDL-only attribute accepted and ignored
};

// The row for `name`, or null for an unknown attribute.
const AttrInfo* find_attribute(std::string_view name);

// Checks one attribute list found at `place`: unknown attributes (warning), placement, argument
// counts and kinds, duplicates and conflicts. Reports to `diags`; returns false if it reported an
// error (the caller may still use the list).
bool check_attributes(const ast::AttributeList& attrs, Place place, DiagnosticEngine& diags);

// Lookup helpers over a list as written.
const ast::Attribute* find_attr(const ast::AttributeList& attrs, std::string_view name);
inline bool has_attr(const ast::AttributeList& attrs, std::string_view name) {
  return find_attr(attrs, name) != nullptr;
}

}  // namespace sema
}  // namespace nca::idl
