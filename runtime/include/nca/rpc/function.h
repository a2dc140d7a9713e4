// rpc::UniqueFunction names nca::base::UniqueFunction, the move-only callable of every layer;
// generated stubs spell it ::nca::rpc::UniqueFunction.
#pragma once

#include "nca/base/function.h"

namespace nca::rpc {

using base::UniqueFunction;

}  // namespace nca::rpc
