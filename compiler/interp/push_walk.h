// The push walk of NdrInterpreter: JSON values to NDR through nca::ndr::Push, level by level as
// ndr_generator.cpp's push code does. Internal to compiler/interp.
#pragma once

#include "interp/walk_common.h"

namespace nca::interp::detail {

class PushWalk : public WalkBase, public SizeOracle {
 public:
  PushWalk(const ir::Program& program, ndr::Push& p) : WalkBase(program), p_(p) {}

  void operation(const ir::Operation& op, const json& in, const json* out, bool out_shape);
  void type(const ir::Type& t, int pass, const json& v, int64_t switch_value);

  uint64_t ndr_size(const ir::Element& member, const json& v, const Scope& s) override;

 private:
  void levels(const std::vector<ir::Level>& L, size_t i, const json& v, int mode, const Scope& s);
  void array(const std::vector<ir::Level>& L, size_t i, const ir::ArrayLevel& a, const json& v,
             int mode, const Scope& s);
  void string_array(const std::vector<ir::Level>& L, size_t i, const ir::ArrayLevel& a,
                    const json& v, const Scope& s);
  void data(const ir::DataLevel& d, const json& v, int mode, const Scope& s);
  void builtin(const ir::DataLevel& d, const json& v, const Scope& s);
  void bulk(const ir::Builtin& b, const json& v);
  void strukt(const ir::Type& t, int pass, const json& v);
  void union_(const ir::Type& t, int pass, const json& v, int64_t switch_value);
  void enum_(const ir::Type& t, const json& v);
  void member(const ir::Element& m, const json& obj, int mode, const Scope& s);

  ndr::Push& p_;
};

}  // namespace nca::interp::detail
