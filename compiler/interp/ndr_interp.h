// NdrInterpreter: marshals the values of a checked IDL program (ir::Program) without generated
// code. Values are JSON (nlohmann::json) in the forms generated code's to_json/from_json use
// (nca/ndr/json.h), so that a value printed by generated code is read back here and the other
// way round. ncacall is its user: IDL compiled at run time, [in] arguments from the command line.
//
// Contract:
//  - The bytes equal the generated code's for the same value, syntax (NDR20/NDR64) and byte
//    order, construct by construct (tests/ncacall/interp_vs_generated_test.cpp checks it). The
//    walk mirrors compiler/backends/ndr_generator.cpp: scalars pass, then buffers pass; each
//    top-level parameter in both passes in turn; the same nca::ndr::Push/Pull calls.
//  - Constructs it cannot marshal yet throw Unsupported naming the construct and where it is
//    (pidl [relative] pointers and [relative_base], pipes, COM interface pointers, expressions
//    naming C-side externals); JSON of the wrong shape throws BadValue naming the path.
//    Neither is thrown for a construct it supports, so a refusal is never silent.
//  - Wire failures (bad bytes on pull, counts that disagree on push) are nca::ndr errors: the
//    returned Status, sticky as in Push/Pull.
//  - The Program must outlive the interpreter. Thread-compatible (const methods, no shared state).
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "ir/ir.h"
#include "nca/ndr/error.h"
#include "nca/ndr/pull.h"
#include "nca/ndr/push.h"

namespace nca::interp {

namespace ir = nca::idl::ir;
using nlohmann::json;

// A construct the interpreter does not marshal yet.
class Unsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// A JSON value that does not fit the IDL type (missing member, wrong kind, unknown enumerator).
class BadValue : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class NdrInterpreter {
 public:
  explicit NdrInterpreter(const ir::Program& program);

  // An operation's request ([in] and [in,out] parameters, in order) from `in`, a JSON object
  // keyed by parameter name.
  ndr::Status push_in(const ir::Operation& op, const json& in, ndr::Push& p) const;
  // The response ([out] and [in,out] parameters, then the result as "result") into `out`.
  // `in` holds the request's values, which sizes and switches of the response may name.
  ndr::Status pull_out(const ir::Operation& op, const json& in, ndr::Pull& p, json& out) const;
  // The server's side, for tests and tools that answer: response from `out`, request into `in`.
  ndr::Status push_out(const ir::Operation& op, const json& in, const json& out, ndr::Push& p) const;
  ndr::Status pull_in(const ir::Operation& op, ndr::Pull& p, json& in) const;

  // One value of a named type alone (scalars and buffers), as ncadump decodes a type.
  // `switch_value`: the discriminant of a non-encapsulated union.
  ndr::Status push_type(const ir::Type& t, const json& v, ndr::Push& p, int64_t switch_value = 0) const;
  ndr::Status pull_type(const ir::Type& t, ndr::Pull& p, json& v, int64_t switch_value = 0) const;

  // Refuses (Unsupported) an operation or type the interpreter cannot marshal, before any byte
  // is sent: what ncacall checks ahead of a call.
  void check(const ir::Operation& op) const;
  void check(const ir::Type& t) const;

  const ir::Program& program() const { return program_; }

 private:
  const ir::Program& program_;
};

// The enumerator of any enum in `program` called `name`, or nothing.
std::optional<ir::Int> find_enumerator(const ir::Program& program, std::string_view name);

}  // namespace nca::interp
