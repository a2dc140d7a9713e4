#include "patched_interface.h"

namespace nca::epm::detail {
namespace {
constexpr rpc::SyntaxId kNdr20Only[] = {rpc::kNdr20};
}

PatchedInterface::PatchedInterface(const rpc::InterfaceSpec& base, std::span<const rpc::HandlerFn> handlers,
                                   std::span<const RawOp> raw)
    : operations_(base.operations.begin(), base.operations.end()),
      handlers_(handlers.begin(), handlers.end()),
      spec_(base) {
  for (const RawOp& op : raw) {
    if (op.opnum >= operations_.size()) continue;
    operations_[op.opnum] = rpc::raw_operation(op.name, op.opnum);
    handlers_[op.opnum] = op.handler;
  }
  spec_.operations = operations_;
  spec_.transfer_syntaxes = kNdr20Only;
}

}  // namespace nca::epm::detail
