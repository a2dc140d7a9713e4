#include "server_tool.h"

#include <signal.h>
#include <uv.h>

namespace nca::tools {

bool parse_listen_all(const std::vector<std::string>& texts, std::vector<rpc::Binding>& out, std::string& error) {
  for (const auto& text : texts) {
    auto parsed = rpc::Binding::parse_listen(text);
    if (!parsed) {
      error = text + ": " + parsed.error().to_string();
      return false;
    }
    out.push_back(parsed.value());
  }
  return true;
}

Listening reachable(const rpc::Binding& asked, const net::Address& bound) {
  rpc::Binding reach;
  reach.set_protseq(asked.protseq());
  if (bound.is_inet())
    reach.set_host(bound.ip()).set_endpoint(std::to_string(bound.port()));
  else
    reach.set_endpoint(asked.endpoint());
  return Listening{std::move(reach), bound};
}

bool listen_all(rpc::cn::Server& server, const std::vector<std::string>& bindings, std::vector<Listening>& out,
                std::string& error, bool& usage) {
  for (const auto& text : bindings) {
    auto parsed = rpc::Binding::parse_listen(text);
    if (!parsed) {
      error = text + ": " + parsed.error().to_string();
      usage = true;
      return false;
    }
    const rpc::Binding& asked = parsed.value();
    auto bound = server.listen(asked);
    if (!bound) {
      error = "cannot listen on " + text + ": " + bound.status().message();
      usage = false;
      return false;
    }
    out.push_back(reachable(asked, *bound));
  }
  return true;
}

struct SignalWatch::State {
  std::function<void()> on_signal;
  uv_signal_t signals[2];
  int open = 0;
  bool fired = false;
  bool owned = true;  // the SignalWatch still exists; the last of (watch, handles) frees this

  void stop() {
    for (auto& sig : signals) {
      if (uv_is_closing(reinterpret_cast<uv_handle_t*>(&sig))) continue;
      uv_signal_stop(&sig);
      uv_close(reinterpret_cast<uv_handle_t*>(&sig), [](uv_handle_t* h) {
        auto* s = static_cast<State*>(h->data);
        if (--s->open == 0 && !s->owned) delete s;
      });
    }
  }
};

SignalWatch::SignalWatch(net::Loop& loop, std::function<void()> on_signal) : state_(new State{std::move(on_signal), {}, 0, false, true}) {
  const int kSignals[2] = {SIGINT, SIGTERM};
  for (int i = 0; i < 2; ++i) {
    uv_signal_init(loop.uv(), &state_->signals[i]);
    state_->signals[i].data = state_;
    ++state_->open;
    uv_signal_start(&state_->signals[i], [](uv_signal_t* h, int) {
      auto* s = static_cast<State*>(h->data);
      if (s->fired) return;
      s->fired = true;
      auto fn = std::move(s->on_signal);
      s->stop();
      if (fn) fn();
    }, kSignals[i]);
  }
}

SignalWatch::~SignalWatch() {
  state_->owned = false;
  if (!state_->fired) {
    state_->fired = true;
    state_->stop();
  } else if (state_->open == 0) {
    delete state_;
  }
}

}  // namespace nca::tools
