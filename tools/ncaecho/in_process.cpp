// The in-process drive (see in_process.h).
#include "in_process.h"

#include <chrono>
#include <thread>

namespace ncaecho {

std::function<bool(const std::function<bool()>&)> drive(nca::rpc::ManualExecutor& executor,
                                                        Clock clock) {
  return [&executor, clock](const std::function<bool()>& done) {
    // Millisecond steps: ManualExecutor does not tell when its next timer is due, and a step is
    // cheap next to what a timer-driven call waits for.
    constexpr std::chrono::milliseconds kStep{1};
    auto start = std::chrono::steady_clock::now();
    auto start_clock = executor.now();
    while (!done()) {
      if (executor.run() > 0) continue;
      if (executor.timers() == 0) return false;
      if (clock == Clock::real) std::this_thread::sleep_until(start + (executor.now() - start_clock) + kStep);
      executor.advance(kStep);
    }
    return true;
  };
}

}  // namespace ncaecho
