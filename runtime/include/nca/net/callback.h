// Callback<R(Args...)>: nca::net's name for completions; the type is nca::base::UniqueFunction
// (move-only, accepts lambdas that capture move-only state, never copies).
#pragma once

#include "nca/base/function.h"

namespace nca::net {

template <class Signature>
using Callback = base::UniqueFunction<Signature>;

using base::invoke_once;

}  // namespace nca::net
