// UniqueFunction<R(Args...)>: the one move-only, type-erased callable of nca. Completions and
// posted tasks often own move-only state (a unique_ptr, an owned buffer, a ServerCall), which
// std::function cannot hold; UniqueFunction holds it and never copies.
// TODO(perf): a small-buffer store would save one allocation per callback.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace nca::base {

template <class Signature>
class UniqueFunction;

template <class R, class... Args>
class UniqueFunction<R(Args...)> {
 public:
  UniqueFunction() = default;
  UniqueFunction(std::nullptr_t) {}

  template <class F>
    requires(!std::is_same_v<std::decay_t<F>, UniqueFunction> &&
             std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
  UniqueFunction(F&& f) : impl_(std::make_unique<Impl<std::decay_t<F>>>(std::forward<F>(f))) {}

  UniqueFunction(UniqueFunction&&) noexcept = default;
  UniqueFunction& operator=(UniqueFunction&&) noexcept = default;
  UniqueFunction(const UniqueFunction&) = delete;
  UniqueFunction& operator=(const UniqueFunction&) = delete;

  explicit operator bool() const { return impl_ != nullptr; }

  // Calls the target. Precondition: not empty (calling an empty UniqueFunction is a bug).
  R operator()(Args... args) { return impl_->call(std::forward<Args>(args)...); }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual R call(Args&&... args) = 0;
  };
  template <class F>
  struct Impl final : Base {
    template <class G>
    explicit Impl(G&& g) : f(std::forward<G>(g)) {}
    R call(Args&&... args) override { return std::invoke(f, std::forward<Args>(args)...); }
    F f;
  };
  std::unique_ptr<Base> impl_;
};

// Moves the function out of `slot` (leaving it empty) and calls it. Completions use this so that
// a callback which starts the next operation of the same kind finds its slot free, and so that a
// callback runs at most once.
template <class R, class... Args, class... CallArgs>
R invoke_once(UniqueFunction<R(Args...)>& slot, CallArgs&&... args) {
  UniqueFunction<R(Args...)> f = std::move(slot);
  return f(std::forward<CallArgs>(args)...);
}

}  // namespace nca::base
