#include "interp/ndr_interp.h"

#include "interp/pull_walk.h"
#include "interp/push_walk.h"

namespace nca::interp {

NdrInterpreter::NdrInterpreter(const ir::Program& program) : program_(program) {}

void NdrInterpreter::check(const ir::Operation& op) const {
  for (const auto& prm : op.params) {
    const ir::DataLevel& d = prm.element.data();
    if (d.type && d.type->kind == ir::TypeKind::pipe)
      throw Unsupported(op.name + "." + prm.name + ": pipes not supported by the interpreter yet");
    detail::check_element(prm.element, op.name + "." + prm.name);
  }
  if (op.result) detail::check_element(*op.result, op.name + ".result");
}

void NdrInterpreter::check(const ir::Type& t) const { detail::check_type(t); }

ndr::Status NdrInterpreter::push_in(const ir::Operation& op, const json& in, ndr::Push& p) const {
  check(op);
  detail::PushWalk(program_, p).operation(op, in, nullptr, false);
  return p.status();
}

ndr::Status NdrInterpreter::push_out(const ir::Operation& op, const json& in, const json& out,
                                     ndr::Push& p) const {
  check(op);
  detail::PushWalk(program_, p).operation(op, in, &out, true);
  return p.status();
}

ndr::Status NdrInterpreter::pull_in(const ir::Operation& op, ndr::Pull& p, json& in) const {
  check(op);
  detail::PullWalk w(program_, p);
  w.operation(op, nullptr, in, false);
  w.finish();
  return p.status();
}

ndr::Status NdrInterpreter::pull_out(const ir::Operation& op, const json& in, ndr::Pull& p, json& out) const {
  check(op);
  detail::PullWalk w(program_, p);
  w.operation(op, &in, out, true);
  w.finish();
  return p.status();
}

ndr::Status NdrInterpreter::push_type(const ir::Type& t, const json& v, ndr::Push& p, int64_t switch_value) const {
  check(t);
  detail::PushWalk(program_, p).type(t, detail::kBoth, v, switch_value);
  return p.status();
}

ndr::Status NdrInterpreter::pull_type(const ir::Type& t, ndr::Pull& p, json& v, int64_t switch_value) const {
  check(t);
  detail::PullWalk w(program_, p);
  w.type(t, detail::kBoth, v, switch_value);
  w.finish();
  return p.status();
}

}  // namespace nca::interp
