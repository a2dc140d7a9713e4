#include "nca/rpc/patched_interface.h"

namespace nca::rpc {
namespace {
constexpr SyntaxId kNdr20Only[] = {kNdr20};
}

PatchedInterface::PatchedInterface(const InterfaceSpec& base, std::span<const HandlerFn> handlers,
                                   std::span<const RawOp> raw)
    : operations_(base.operations.begin(), base.operations.end()),
      handlers_(handlers.begin(), handlers.end()),
      spec_(base) {
  for (const RawOp& op : raw) {
    if (op.opnum >= operations_.size()) continue;
    operations_[op.opnum] = raw_operation(op.name, op.opnum);
    handlers_[op.opnum] = op.handler;
  }
  spec_.operations = operations_;
  spec_.transfer_syntaxes = kNdr20Only;
}

}  // namespace nca::rpc
