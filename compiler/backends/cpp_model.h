// CppModel: how the IR maps to C++ names and types in generated code (GENERATED_CODE.md), shared
// by the types, NDR and ncadump-table generators so that they agree by construction.
//
// Contract: a CppModel borrows the Program and the options; both must outlive it. Pure queries.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "backends/generator.h"
#include "ir/ir.h"

namespace nca::idl::backends {

// The C++ spelling of an IDL name: the same text, with `_` appended to C++ keywords.
std::string cpp_ident(std::string_view name);

// Names an expression uses that IDL does not declare (pidl's C-side macros in switch_is/size_is,
// kept opaque by sema) and that generated code asks the caller for (nca/ndr/externals.h): bare
// identifiers only. `external_names` collects them from the elements of `types`, in order, once.
bool is_external_name(std::string_view text);
std::vector<std::string> external_names(const std::vector<const ir::Type*>& types);

// Types the runtime already provides; the generated code aliases them instead of declaring them.
enum class WellKnown { none, guid, policy_handle };

class CppModel {
 public:
  CppModel(const ir::Program& program, const GeneratorOptions& options);

  const ir::Program& program() const { return program_; }
  // The stem of a file's name: `rpcecho` for "idl/rpcecho.idl".
  std::string stem(size_t file) const;
  // Indexes of the files named on the command line.
  std::vector<size_t> root_files() const;
  // The types and interfaces declared in `file`, in order.
  std::vector<const ir::Type*> file_types(size_t file) const;

  // The namespace of a type (without the option prefix): its interface, or the file's stem.
  std::string ns_of(const ir::Type& t) const;
  // "::prefix::ns" for a namespace name.
  std::string full_ns(const std::string& ns) const;
  std::string qualified(const ir::Type& t) const;
  WellKnown well_known(const ir::Type& t) const;

  // The C++ type holding levels[i..] of an element.
  std::string cpp_type(const std::vector<ir::Level>& levels, size_t i) const;
  std::string builtin_type(const ir::Builtin& b) const;
  // True when levels[i] is an array whose value is held as a string (see GENERATED_CODE.md).
  bool is_string_array(const std::vector<ir::Level>& levels, size_t i) const;
  // True when levels[i] is the pointer of a COM interface pointer (`IFoo *`): it and the data
  // level after it are one nca::ndr::InterfacePointer, a [unique] pointer to an MInterfacePointer.
  bool is_interface_pointer(const std::vector<ir::Level>& levels, size_t i) const;
  // Whether marshalling levels[i..] (resp. the type) has a deferred (buffers) part.
  bool needs_buffers(const std::vector<ir::Level>& levels, size_t i) const;
  bool needs_buffers(const ir::Type& t) const;
  // The fewest wire bytes an element can take (a lower bound, used to bound counts).
  uint64_t min_wire(const std::vector<ir::Level>& levels, size_t i, bool ndr64) const;
  uint64_t min_wire(const ir::Type& t, bool ndr64) const;
  // An array element that can be copied in bulk (Push::array / Pull::array): the builtin, else null.
  const ir::Builtin* bulk_scalar(const std::vector<ir::Level>& levels, size_t i) const;
  // The target of an alias type, following chains. Null if `t` is not an alias.
  const ir::Element* alias_target(const ir::Type& t) const;

 private:
  const ir::Program& program_;
  const GeneratorOptions& options_;
  std::string prefix_;
  mutable std::map<const ir::Type*, int> buffers_memo_;
};

// The name of a union arm in generated code: its member, else case_N / default_.
std::string arm_name(const ir::UnionArm& arm);

}  // namespace nca::idl::backends
