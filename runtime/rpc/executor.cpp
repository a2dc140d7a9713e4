#include "nca/rpc/executor.h"

namespace nca::rpc {

void ManualExecutor::post(UniqueFunction<void()> task) { tasks_.push_back(std::move(task)); }

Executor::TimerId ManualExecutor::start_timer(Duration delay, UniqueFunction<void()> task) {
  TimerId id = next_timer_++;
  // A zero delay still waits for advance(): a timer never fires inside start_timer, nor from run().
  Duration deadline = now_ + (delay.count() < 0 ? Duration{0} : delay);
  timers_.emplace(std::pair{deadline, id}, std::move(task));
  deadline_of_.emplace(id, deadline);
  return id;
}

void ManualExecutor::cancel_timer(TimerId id) {
  auto it = deadline_of_.find(id);
  if (it == deadline_of_.end()) return;
  timers_.erase({it->second, id});
  deadline_of_.erase(it);
}

size_t ManualExecutor::run() {
  size_t ran = 0;
  while (!tasks_.empty()) {
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    task();
    ++ran;
  }
  return ran;
}

size_t ManualExecutor::advance(Duration d) {
  Duration target = now_ + d;
  size_t ran = run();
  while (!timers_.empty() && timers_.begin()->first.first <= target) {
    auto node = timers_.extract(timers_.begin());
    now_ = node.key().first;
    deadline_of_.erase(node.key().second);
    node.mapped()();
    ++ran;
    ran += run();
  }
  now_ = target;
  return ran;
}

}  // namespace nca::rpc
