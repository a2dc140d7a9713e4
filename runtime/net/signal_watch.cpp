#include "nca/net/signal_watch.h"

#include <vector>

#include <uv.h>

#include "nca/base/require.h"

namespace nca::net {

// The uv_signal_t handles live in a heap core that outlives the SignalWatch until libuv's close
// callbacks ran, as Timer's does: libuv may touch a handle until its close completes.
struct SignalWatch::Core {
  Loop* loop;
  Callback<void()> on_signal;
  std::vector<uv_signal_t> handles;
  size_t open = 0;     // handles not yet closed by libuv
  bool fired = false;
  bool owned = true;   // the SignalWatch still exists
  bool stopped = false;

  void stop() {
    if (stopped) return;
    stopped = true;
    for (auto& h : handles) {
      uv_signal_stop(&h);
      uv_close(reinterpret_cast<uv_handle_t*>(&h), [](uv_handle_t* handle) {
        auto* core = static_cast<Core*>(handle->data);
        if (--core->open == 0) core->release();
      });
    }
  }
  // Frees the core once neither the watch nor a handle needs it.
  void release() {
    if (owned || open != 0) return;
    loop->release_object();
    delete this;
  }
};

SignalWatch::SignalWatch(Loop& loop, std::initializer_list<int> signals, Callback<void()> on_signal)
    : core_(new Core{&loop, std::move(on_signal), std::vector<uv_signal_t>(signals.size()), 0, false, true, false}) {
  loop.retain_object();
  size_t i = 0;
  for (int signum : signals) {
    uv_signal_t& h = core_->handles[i++];
    NCA_REQUIRE(uv_signal_init(loop.uv(), &h) == 0, "uv_signal_init");
    h.data = core_;
    ++core_->open;
    int rc = uv_signal_start(&h, [](uv_signal_t* handle, int) {
      auto* core = static_cast<Core*>(handle->data);
      if (core->fired) return;
      core->fired = true;
      Callback<void()> fn = std::move(core->on_signal);
      core->stop();
      if (fn) fn();
    }, signum);
    NCA_REQUIRE(rc == 0, "uv_signal_start: not a signal number");
  }
}

SignalWatch::~SignalWatch() {
  core_->owned = false;
  core_->on_signal = nullptr;
  core_->stop();
  if (core_->open == 0) core_->release();
}

bool SignalWatch::fired() const { return core_->fired; }

}  // namespace nca::net
