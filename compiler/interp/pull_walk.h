// The pull walk of NdrInterpreter: NDR through nca::ndr::Pull to JSON values, level by level as
// ndr_generator.cpp's pull code does. Internal to compiler/interp.
//
// Values are built in place: a JSON object's members and a JSON array's elements are created
// before they are filled and never move afterwards (arrays are sized once), so the scalars pass
// can leave a placeholder that the buffers pass fills through the same reference. Full pointers
// hold their pointee in a shared JSON value (aliases share it, as Full<T> does) that finish()
// copies into every pointer's place, innermost first.
#pragma once

#include <memory>
#include <utility>

#include "interp/walk_common.h"

namespace nca::interp::detail {

class PullWalk : public WalkBase {
 public:
  PullWalk(const ir::Program& program, ndr::Pull& p) : WalkBase(program), p_(p) {}

  void operation(const ir::Operation& op, const json* in, json& out, bool out_shape);
  void type(const ir::Type& t, int pass, json& v, int64_t switch_value);
  // Copies full pointers' pointees into place; call once after the walk.
  void finish();

 private:
  void levels(const std::vector<ir::Level>& L, size_t i, json& v, int mode, const Scope& s,
              const uint64_t* hoisted = nullptr);
  void array(const std::vector<ir::Level>& L, size_t i, const ir::ArrayLevel& a, json& v, int mode,
             const Scope& s, const uint64_t* hoisted);
  void string_array(const std::vector<ir::Level>& L, size_t i, const ir::ArrayLevel& a, json& v,
                    const Scope& s, const uint64_t* hoisted);
  void data(const ir::DataLevel& d, json& v, int mode, const Scope& s);
  void builtin(const ir::DataLevel& d, json& v);
  void bulk(const ir::Builtin& b, json& v, uint64_t count, bool fixed);
  void strukt(const ir::Type& t, int pass, json& v);
  void union_(const ir::Type& t, int pass, json& v, int64_t switch_value);
  void enum_(const ir::Type& t, json& v);
  json read_disc(Disc form);

  ndr::Pull& p_;
  // Full pointers in the order their ids were read: where the pointer is, what it points to.
  std::vector<std::pair<json*, std::shared_ptr<json>>> full_;
};

}  // namespace nca::interp::detail
