// Driving a ManualExecutor as the event loop of the generated clients' synchronous calls, for the
// in-process programs and tests (the socket transports will bring nca::net's loop instead).
#pragma once

#include <functional>

#include "nca/rpc/executor.h"

namespace ncaecho {

enum class Clock {
  fake,  // timers fire as soon as nothing else is left to run: a TestSleep(5) takes no time
  real,  // the fake clock follows the wall clock: a TestSleep(5) takes five seconds
};

// A generated Client's Drive: runs `executor` until `done()` is true; false if nothing was left
// to run (no task, no timer) first. The executor must outlive the returned function.
std::function<bool(const std::function<bool()>&)> drive(nca::rpc::ManualExecutor& executor,
                                                        Clock clock);

}  // namespace ncaecho
