// nca::base::UniqueFunction: holds move-only state, is itself move-only, moving transfers the
// target without copying it, and invoke_once empties the slot before the call.
#include "nca/base/function.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <type_traits>

using nca::base::UniqueFunction;

namespace {

// Counts copies of a callable: a UniqueFunction must never make one.
struct CopyCounter {
  int* copies;
  CopyCounter(int* c) : copies(c) {}
  CopyCounter(const CopyCounter& o) : copies(o.copies) { ++*copies; }
  CopyCounter(CopyCounter&& o) noexcept = default;
  int operator()(int x) const { return x + 1; }
};

}  // namespace

static_assert(!std::is_copy_constructible_v<UniqueFunction<void()>>);
static_assert(!std::is_copy_assignable_v<UniqueFunction<void()>>);
static_assert(std::is_nothrow_move_constructible_v<UniqueFunction<void()>>);
static_assert(std::is_nothrow_move_assignable_v<UniqueFunction<void()>>);
// Only callables of a matching signature convert.
static_assert(std::is_constructible_v<UniqueFunction<int(int)>, int (*)(int)>);
static_assert(!std::is_constructible_v<UniqueFunction<int(int)>, void (*)()>);

TEST_CASE("base_function_holds_move_only_state", "[base][function]") {
  auto owned = std::make_unique<std::string>("payload");
  UniqueFunction<std::size_t(std::size_t)> f = [p = std::move(owned)](std::size_t extra) {
    return p->size() + extra;
  };
  REQUIRE(f);
  CHECK(f(1) == 8);

  // Moving transfers the target; the source is empty afterwards.
  UniqueFunction<std::size_t(std::size_t)> g = std::move(f);
  CHECK_FALSE(f);  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  REQUIRE(g);
  CHECK(g(0) == 7);

  UniqueFunction<std::size_t(std::size_t)> h;
  CHECK_FALSE(h);
  h = std::move(g);
  CHECK(h(2) == 9);
  h = nullptr;
  CHECK_FALSE(h);
}

TEST_CASE("base_function_never_copies_its_target", "[base][function]") {
  int copies = 0;
  UniqueFunction<int(int)> f = CopyCounter(&copies);
  UniqueFunction<int(int)> g = std::move(f);
  UniqueFunction<int(int)> h;
  h = std::move(g);
  CHECK(h(41) == 42);
  CHECK(copies == 0);
}

TEST_CASE("base_function_passes_move_only_arguments", "[base][function]") {
  UniqueFunction<int(std::unique_ptr<int>)> f = [](std::unique_ptr<int> p) { return *p * 2; };
  CHECK(f(std::make_unique<int>(21)) == 42);
}

TEST_CASE("base_invoke_once_empties_the_slot_before_calling", "[base][function]") {
  UniqueFunction<void(int)> slot;
  int seen = 0;
  bool slot_empty_during_call = false;
  slot = [&](int v) {
    seen = v;
    slot_empty_during_call = !slot;
  };
  nca::base::invoke_once(slot, 5);
  CHECK(seen == 5);
  CHECK(slot_empty_during_call);
  CHECK_FALSE(slot);
}
