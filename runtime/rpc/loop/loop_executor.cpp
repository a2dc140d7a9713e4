#include "nca/rpc/loop_executor.h"

#include <utility>

namespace nca::rpc {

struct LoopExecutor::State {
  TimerId next = 1;
  std::map<TimerId, std::unique_ptr<net::Timer>> timers;
};

LoopExecutor::LoopExecutor(net::Loop& loop) : loop_(loop), state_(std::make_shared<State>()) {}

LoopExecutor::~LoopExecutor() = default;

void LoopExecutor::post(UniqueFunction<void()> task) {
  // net::Callback and rpc::UniqueFunction are both move-only; wrap one in the other.
  loop_.defer([t = std::move(task)]() mutable { t(); });
}

Executor::TimerId LoopExecutor::start_timer(Duration delay, UniqueFunction<void()> task) {
  TimerId id = state_->next++;
  auto timer = std::make_unique<net::Timer>(loop_);
  std::weak_ptr<State> weak = state_;
  timer->start(static_cast<uint64_t>(delay.count()), [weak, id, t = std::move(task)]() mutable {
    auto st = weak.lock();
    if (!st) return;
    // Keep the Timer alive until this callback returns: destroying a libuv timer inside its own
    // callback is allowed by net::Timer, but the task may start new timers meanwhile.
    auto it = st->timers.find(id);
    if (it == st->timers.end()) return;
    std::unique_ptr<net::Timer> self = std::move(it->second);
    st->timers.erase(it);
    t();
    st.reset();
    self.reset();
  });
  state_->timers.emplace(id, std::move(timer));
  return id;
}

void LoopExecutor::cancel_timer(TimerId id) { state_->timers.erase(id); }

}  // namespace nca::rpc
