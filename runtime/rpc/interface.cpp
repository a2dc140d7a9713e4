#include "nca/rpc/interface.h"

#include <algorithm>

namespace nca::rpc {

const SyntaxId* choose_transfer_syntax(const InterfaceSpec& client,
                                       std::span<const SyntaxId> server_syntaxes) {
  for (const SyntaxId& ts : client.transfer_syntaxes)
    if (std::find(server_syntaxes.begin(), server_syntaxes.end(), ts) != server_syntaxes.end())
      return &ts;
  return nullptr;
}

}  // namespace nca::rpc
