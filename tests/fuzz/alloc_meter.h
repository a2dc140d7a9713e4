// Measures the heap a piece of code uses, through the sanitizer allocator's malloc/free hooks
// (available under AddressSanitizer, which both the libFuzzer build and the ASan build use).
// Without ASan, `AllocMeter::available()` is false and the meter measures nothing.
//
// Contract: single-threaded; while a meter is running, every allocation and free of the process
// is counted, so run only the code under test in between. peak() is the largest number of
// live bytes allocated since start() (bytes freed that were allocated before start() lower it,
// as they should: they are live memory given back).
#pragma once

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define NCA_FUZZ_HAVE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NCA_FUZZ_HAVE_ASAN 1
#endif
#endif

#ifdef NCA_FUZZ_HAVE_ASAN
#if __has_include(<sanitizer/allocator_interface.h>)
#include <sanitizer/allocator_interface.h>
#else
// GCC 12 ships no allocator_interface.h, but its libasan has the same entry points.
extern "C" {
std::size_t __sanitizer_get_allocated_size(const volatile void* p);
int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, std::size_t),
                                              void (*free_hook)(const volatile void*));
}
#endif
#endif

namespace fuzz {

class AllocMeter {
 public:
  static bool available() noexcept {
#ifdef NCA_FUZZ_HAVE_ASAN
    return true;
#else
    return false;
#endif
  }
  void start() noexcept {
    install();
    live() = 0;
    peak_ref() = 0;
    running() = true;
  }
  void stop() noexcept { running() = false; }
  std::size_t peak() const noexcept { return peak_ref(); }

 private:
  static bool& running() noexcept { static bool r = false; return r; }
  static long long& live() noexcept { static long long l = 0; return l; }
  static std::size_t& peak_ref() noexcept { static std::size_t p = 0; return p; }

#ifdef NCA_FUZZ_HAVE_ASAN
  static void on_malloc(const volatile void*, std::size_t size) {
    if (!running()) return;
    live() += static_cast<long long>(size);
    if (live() > 0 && static_cast<std::size_t>(live()) > peak_ref()) peak_ref() = static_cast<std::size_t>(live());
  }
  static void on_free(const volatile void* p) {
    if (!running() || !p) return;
    live() -= static_cast<long long>(__sanitizer_get_allocated_size(const_cast<const void*>(p)));
  }
  static void install() noexcept {
    static bool done = (__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free), true);
    (void)done;
  }
#else
  static void install() noexcept {}
#endif
};

}  // namespace fuzz
