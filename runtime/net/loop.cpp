#include "nca/net/loop.h"

#include <csignal>
#include <mutex>
#include <utility>

namespace nca::net {

namespace {

void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigemptyset(&ignore.sa_mask);
      sigaction(SIGPIPE, &ignore, nullptr);
    }
  });
}

// Marks a loop as running for the duration of a run call, so nested runs are caught.
class RunGuard {
 public:
  explicit RunGuard(bool& running) : running_(running) {
    NCA_REQUIRE(!running_, "Loop::run* called from inside a callback of the same loop");
    running_ = true;
  }
  ~RunGuard() { running_ = false; }

 private:
  bool& running_;
};

}  // namespace

Loop::Loop() {
  ignore_sigpipe_once();
  int rc = uv_loop_init(&loop_);
  NCA_REQUIRE(rc == 0, uv_strerror(rc));
  loop_.data = this;
  uv_idle_init(&loop_, &idle_);
  idle_.data = this;
  uv_async_init(&loop_, &async_, &Loop::on_async);
  async_.data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
  uv_prepare_init(&loop_, &prepare_);
  prepare_.data = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(&prepare_));
  uv_check_init(&loop_, &check_);
  check_.data = this;
  uv_check_start(&check_, &Loop::on_check);
  uv_unref(reinterpret_cast<uv_handle_t*>(&check_));
}

Loop::~Loop() {
  if (closed_) return;
  Status s = close();
  NCA_REQUIRE(s.ok(), "Loop destroyed with objects still open: " + s.message() + " (" +
                          std::to_string(open_count()) + " open)");
}

void Loop::run() {
  RunGuard guard(running_);
  uv_run(&loop_, UV_RUN_DEFAULT);
}

bool Loop::run_until(const std::function<bool()>& done) {
  RunGuard guard(running_);
  until_ = &done;
  uv_prepare_start(&prepare_, [](uv_prepare_t* p) {
    auto* self = static_cast<Loop*>(p->data);
    if ((*self->until_)()) uv_stop(&self->loop_);
  });
  bool result = true;
  while (!done()) {
    if (uv_run(&loop_, UV_RUN_ONCE) == 0 && !done()) {
      result = false;
      break;
    }
  }
  uv_prepare_stop(&prepare_);
  until_ = nullptr;
  return result;
}

bool Loop::run_until(const std::function<bool()>& done, std::uint64_t timeout_ms) {
  bool expired = false;
  uv_update_time(&loop_);  // the timeout counts from now, not from the last iteration
  Timer timer(*this);
  timer.start(timeout_ms, [&expired] { expired = true; });
  bool result = run_until([&] { return expired || done(); });
  timer.stop();
  return result && done();
}

void Loop::stop() { uv_stop(&loop_); }

std::uint64_t Loop::now_ms() const { return uv_now(&loop_); }

void Loop::defer(Callback<void()> fn) {
  if (deferred_.empty()) uv_idle_start(&idle_, &Loop::on_idle);
  deferred_.push_back(std::move(fn));
}

void Loop::run_deferred_batch() {
  std::vector<Callback<void()>> batch;
  batch.swap(deferred_);
  for (auto& fn : batch) fn();
  if (deferred_.empty()) uv_idle_stop(&idle_);
}

void Loop::on_idle(uv_idle_t* idle) {
  // Calls deferred from inside a deferred call run in a later batch, not in this one: a deferral
  // that keeps deferring must not starve the poll phase.
  static_cast<Loop*>(idle->data)->run_deferred_batch();
}

void Loop::on_check(uv_check_t* check) {
  // After the poll phase: what I/O callbacks deferred runs now, before the next poll. A few
  // batches let a short chain (a reply whose callback starts the next call, whose write
  // completes at once) settle in this iteration; a longer chain goes on from the idle handle,
  // whose zero-timeout poll keeps I/O flowing.
  auto* self = static_cast<Loop*>(check->data);
  for (int i = 0; i < 4 && !self->deferred_.empty(); ++i) self->run_deferred_batch();
}

void Loop::post(Callback<void()> fn) {
  {
    std::lock_guard lock(post_mutex_);
    posted_.push_back(std::move(fn));
  }
  uv_async_send(&async_);
}

void Loop::on_async(uv_async_t* async) { static_cast<Loop*>(async->data)->drain_posts(); }

void Loop::drain_posts() {
  std::vector<Callback<void()>> batch;
  {
    std::lock_guard lock(post_mutex_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

void Loop::keep_alive(bool on) {
  if (on) {
    uv_ref(reinterpret_cast<uv_handle_t*>(&async_));
  } else {
    uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
  }
}

std::size_t Loop::open_count() const {
  if (closed_) return 0;
  struct Count {
    const Loop* self;
    std::size_t n = 0;
  } count{this};
  uv_walk(
      const_cast<uv_loop_t*>(&loop_),
      [](uv_handle_t* h, void* arg) {
        auto* c = static_cast<Count*>(arg);
        if (h == reinterpret_cast<const uv_handle_t*>(&c->self->idle_) ||
            h == reinterpret_cast<const uv_handle_t*>(&c->self->async_) ||
            h == reinterpret_cast<const uv_handle_t*>(&c->self->prepare_) ||
            h == reinterpret_cast<const uv_handle_t*>(&c->self->check_))
          return;
        ++c->n;
      },
      &count);
  return count.n + objects_;
}

Status Loop::close() {
  if (closed_) return Status();
  RunGuard guard(running_);
  // Close callbacks, deferred calls and posts may each schedule more of the same (a close
  // callback completes a request that defers its callback); a few non-blocking iterations settle
  // it. The bound only guards against a deferral loop.
  for (int i = 0; i < 64; ++i) {
    drain_posts();
    bool closing = false;
    uv_walk(
        &loop_,
        [](uv_handle_t* h, void* arg) {
          if (uv_is_closing(h)) *static_cast<bool*>(arg) = true;
        },
        &closing);
    if (!closing && deferred_.empty()) break;
    uv_run(&loop_, UV_RUN_NOWAIT);
  }
  if (std::size_t open = open_count(); open != 0) {
    return Status(Errc::busy, UV_EBUSY, "handles or nca::net objects still open on the loop");
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&idle_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
  uv_run(&loop_, UV_RUN_NOWAIT);
  int rc = uv_loop_close(&loop_);
  NCA_REQUIRE(rc == 0, uv_strerror(rc));
  closed_ = true;
  return Status();
}

// Timer: the uv_timer_t lives in a heap Core that outlives the Timer until libuv's close
// callback, because libuv may still touch the handle until then.
struct Timer::Core {
  Loop* loop;
  uv_timer_t handle;
  Callback<void()> cb;
  bool repeating = false;
};

Timer::Timer(Loop& loop) : core_(new Core{&loop, {}, {}, false}) {
  uv_timer_init(loop.uv(), &core_->handle);
  core_->handle.data = core_;
  loop.retain_object();
}

Timer::~Timer() {
  if (core_ == nullptr) return;
  uv_timer_stop(&core_->handle);
  core_->cb = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&core_->handle), [](uv_handle_t* h) {
    auto* core = static_cast<Core*>(h->data);
    core->loop->release_object();
    delete core;
  });
}

Timer::Timer(Timer&& other) noexcept : core_(std::exchange(other.core_, nullptr)) {}

Timer& Timer::operator=(Timer&& other) noexcept {
  if (this != &other) {
    Timer dying(std::move(*this));
    core_ = std::exchange(other.core_, nullptr);
  }
  return *this;
}

void Timer::start(std::uint64_t timeout_ms, Callback<void()> cb) {
  core_->cb = std::move(cb);
  core_->repeating = false;
  uv_timer_start(
      &core_->handle,
      [](uv_timer_t* h) {
        auto* core = static_cast<Core*>(h->data);
        invoke_once(core->cb);
      },
      timeout_ms, 0);
}

void Timer::start_repeating(std::uint64_t timeout_ms, std::uint64_t repeat_ms,
                            Callback<void()> cb) {
  NCA_REQUIRE(repeat_ms > 0u, "start_repeating needs a repeat interval");
  core_->cb = std::move(cb);
  core_->repeating = true;
  uv_timer_start(
      &core_->handle,
      [](uv_timer_t* h) {
        // The callback may stop or restart the timer (replacing cb): call a moved-out copy and
        // put it back only if nothing replaced it.
        auto* core = static_cast<Core*>(h->data);
        Callback<void()> cb = std::move(core->cb);
        cb();
        if (!core->cb && uv_is_active(reinterpret_cast<uv_handle_t*>(h)) && core->repeating)
          core->cb = std::move(cb);
      },
      timeout_ms, repeat_ms);
}

void Timer::stop() {
  uv_timer_stop(&core_->handle);
  core_->cb = nullptr;
}

bool Timer::active() const {
  return uv_is_active(reinterpret_cast<const uv_handle_t*>(&core_->handle)) != 0;
}

}  // namespace nca::net
