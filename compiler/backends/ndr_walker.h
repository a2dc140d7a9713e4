// The NDR code's one walk over types and levels, and the interface each output direction
// (push, pull, print, JSON out, JSON in) implements to emit its code for one level at a time.
//
// Marshalling an element is a walk over its levels (ARCHITECTURE.md): pointer, array, switch,
// subcontext, then the DATA level. NdrWalker owns that walk (which level comes next, where a
// typedef leads, which DATA level is which kind) and the order of the generated functions; an
// emitter only says what one level is in its direction and where the walk continues (`walk`).
// A new construct or builtin therefore needs one hook per direction, not a new walk.
//
// Contract: the emitters of a walker write into its CodeWriter, in the order given to `type` and
// `operation`; the temporaries' numbers (`next_tmp`) are shared by all of them, so the text of a
// file depends only on the IR and that order.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/code_writer.h"
#include "backends/cpp_model.h"
#include "backends/ndr_expr.h"
#include "backends/ndr_naming.h"
#include "diag/diagnostics.h"

namespace nca::idl::backends::ndr {

// Where a walk is: levels[i] of an element, the C++ lvalue holding it and what each direction
// carries along. Fields a direction does not use stay empty.
struct Site {
  const std::vector<ir::Level>* levels = nullptr;
  size_t i = 0;
  std::string value;             // the C++ lvalue of levels[i..]
  int pass = kBoth;              // push/pull: the passes to emit
  const Scope* scope = nullptr;  // push/pull: where size and switch expressions find their names
  std::string hoisted;           // pull: the conformance a struct read first (levels[i] only)
  std::string name;              // print: the field's name
  std::string json;              // JSON: the nlohmann::json lvalue or expression

  const std::vector<ir::Level>& all() const { return *levels; }
  const ir::Level& level() const { return (*levels)[i]; }
  // The next level, held by `v`, in `pass`.
  Site next(std::string v, int p) const {
    Site n = *this;
    ++n.i;
    n.value = std::move(v);
    n.pass = p;
    n.hoisted.clear();
    return n;
  }
  Site next(std::string v) const { return next(std::move(v), pass); }
};

class NdrWalker;

// One output direction. The level hooks get the site of their level; a hook that continues the
// walk calls `walk` with the next site. The DATA hooks after `flag_scope` default to `value`,
// for directions that treat every named or runtime type alike (JSON).
class LevelEmitter {
 public:
  explicit LevelEmitter(NdrWalker& walker);
  virtual ~LevelEmitter() = default;

  // ---- levels -------------------------------------------------------------------------------
  // A COM interface pointer: levels[i] and the DATA level after it are one InterfacePointer.
  virtual void interface_pointer(const Site& s) = 0;
  virtual void pointer(const Site& s, const ir::PointerLevel& p) = 0;
  virtual void array(const Site& s, const ir::ArrayLevel& a) = 0;
  // Default: the level is transparent in this direction (the walk goes on to the next level).
  virtual void switch_level(const Site& s, const ir::SwitchLevel& sw);
  virtual void subcontext(const Site& s, const ir::SubcontextLevel& sc);

  // ---- the DATA level (NdrWalker::data says which hook) ---------------------------------------
  // True when the emitter opened a scope for the level's flag() and walked the level inside it
  // (through NdrWalker::data with the flags cleared); false to go on.
  virtual bool flag_scope(const Site& s, const ir::DataLevel& d);
  virtual void context_handle(const Site& s) { value(s); }  // [context_handle] or policy_handle
  virtual void guid(const Site& s) { value(s); }
  virtual void bitmap(const Site& s, const ir::Type& t);
  virtual void enumeration(const Site& s, const ir::Type& t);
  virtual void constructed(const Site& s, const ir::Type& t);  // struct, union or pipe
  virtual void builtin(const Site& s, const ir::DataLevel& d) = 0;
  // A value of a named type handled by its own generated function (or nlohmann's adapters).
  virtual void value(const Site& s) = 0;

  // ---- declarations -------------------------------------------------------------------------
  virtual void struct_type(const ir::Type& t) = 0;
  virtual void union_type(const ir::Type& t) = 0;
  virtual void pipe_type(const ir::Type& t) = 0;
  virtual void enum_type(const ir::Type& t) { (void)t; }
  virtual void bitmap_type(const ir::Type& t) { (void)t; }
  // One direction's shape of an operation (in: [in] parameters; out: [out] ones and the result).
  virtual void operation(const ir::Operation& op, bool out) = 0;

 protected:
  void walk(const Site& s);
  std::string tmp();  // the next temporary's number, as text

  NdrWalker& walker_;
  const CppModel& m_;
  CodeWriter& w_;
};

// The walk, the state the directions share while one file is written, and the order of the
// generated functions: per type and per operation shape, each emitter in turn.
class NdrWalker {
 public:
  NdrWalker(const CppModel& m, std::string& out, DiagnosticEngine& diags);

  const CppModel& model() const { return m_; }
  CodeWriter& writer() { return w_; }
  ExprWriter& exprs() { return exprs_; }

  // Walks levels[s.i..] in emitter `e`'s direction.
  void walk(LevelEmitter& e, const Site& s);
  // The DATA level `d` at `s` (passed apart from the site: a flag scope walks a copy without
  // its flags). A typedef continues with its target's levels.
  void data(LevelEmitter& e, const Site& s, const ir::DataLevel& d);

  // The code of a type and of an operation in each of `emitters`, in order; an unsupported
  // construct met on the way is one error on the type or the operation.
  void type(const ir::Type& t, const std::vector<LevelEmitter*>& emitters);
  void operation(const ir::Operation& op, const std::vector<LevelEmitter*>& emitters);

  int next_tmp() { return ++tmp_; }
  // Records a construct the generated code cannot express (the last one is reported).
  void unsupported(std::string what) { unsupported_ = std::move(what); }
  // Records LIBNDR_FLAG_RELATIVE_REVERSE as unsupported (spoolss's buffers written backwards
  // from the end): the bytes would differ from Samba's without a diagnostic.
  void check_relative_reverse(const ir::NdrFlags& flags);

 private:
  const CppModel& m_;
  CodeWriter w_;
  DiagnosticEngine& diags_;
  int tmp_ = 0;
  std::string unsupported_;
  ExprWriter exprs_;
};

// The directions, in the order their functions appear in a _ndr.cpp.
std::unique_ptr<LevelEmitter> make_push_emitter(NdrWalker& walker);
std::unique_ptr<LevelEmitter> make_pull_emitter(NdrWalker& walker);
std::unique_ptr<LevelEmitter> make_print_emitter(NdrWalker& walker);
std::unique_ptr<LevelEmitter> make_json_out_emitter(NdrWalker& walker);
std::unique_ptr<LevelEmitter> make_json_in_emitter(NdrWalker& walker);

}  // namespace nca::idl::backends::ndr
