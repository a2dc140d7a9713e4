// Callback<R(Args...)>: a move-only, type-erased callable for completions. Unlike std::function it
// accepts lambdas that capture move-only state (a unique_ptr, an owned buffer), and it never copies.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace nca::net {

template <class Signature>
class Callback;

template <class R, class... Args>
class Callback<R(Args...)> {
 public:
  Callback() = default;
  Callback(std::nullptr_t) {}
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, Callback> &&
                                              std::is_invocable_r_v<R, F&, Args...>>>
  Callback(F&& f) : impl_(std::make_unique<Holder<std::decay_t<F>>>(std::forward<F>(f))) {}

  Callback(Callback&&) noexcept = default;
  Callback& operator=(Callback&&) noexcept = default;

  explicit operator bool() const { return impl_ != nullptr; }

  // Calls the target. Calling an empty Callback is a bug.
  R operator()(Args... args) { return impl_->call(std::forward<Args>(args)...); }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual R call(Args... args) = 0;
  };
  template <class F>
  struct Holder final : Base {
    template <class G>
    explicit Holder(G&& g) : f(std::forward<G>(g)) {}
    R call(Args... args) override { return f(std::forward<Args>(args)...); }
    F f;
  };
  std::unique_ptr<Base> impl_;
};

// Moves the callback out of `slot` (leaving it empty) and calls it. Completions use this so that
// a callback which starts the next operation of the same kind finds its slot free, and so that a
// callback runs at most once.
template <class R, class... Args, class... CallArgs>
R invoke_once(Callback<R(Args...)>& slot, CallArgs&&... args) {
  Callback<R(Args...)> cb = std::move(slot);
  return cb(std::forward<CallArgs>(args)...);
}

}  // namespace nca::net
