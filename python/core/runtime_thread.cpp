#include "runtime_thread.h"

#include <Python.h>

#include <condition_variable>
#include <exception>
#include <mutex>

namespace ncapy {

RuntimeThread& RuntimeThread::get() {
  // Leaked on purpose: see the header (a static destructor would join a thread blocked in epoll).
  static RuntimeThread* instance = new RuntimeThread();
  return *instance;
}

RuntimeThread::RuntimeThread() {
  loop_.keep_alive(true);
  std::thread t([this] { loop_.run(); });
  id_ = t.get_id();
  t.detach();
}

void RuntimeThread::post(std::function<void()> fn) {
  loop_.post([fn = std::move(fn)]() mutable { fn(); });
}

void RuntimeThread::run(const std::function<void()>& fn) {
  if (on_runtime_thread()) return fn();
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::exception_ptr error;
  post([&] {
    try {
      fn();
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(m);
    done = true;
    cv.notify_one();
  });
  // Waiting with the GIL would stall the runtime thread as soon as it needs Python (a handler).
  PyThreadState* saved = PyGILState_Check() ? PyEval_SaveThread() : nullptr;
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return done; });
  }
  if (saved) PyEval_RestoreThread(saved);
  if (error) std::rethrow_exception(error);
}

}  // namespace ncapy
