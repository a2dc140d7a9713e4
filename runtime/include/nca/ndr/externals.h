// nca::ndr::Externals: values that IDL names but does not declare, supplied by the caller of
// push/pull (GENERATED_CODE.md, "Names IDL leaves to the caller").
//
// pidl passes switch_is()/size_is() expressions through to C, so Samba's IDL (and ours, for
// wire compatibility) names C-side macros there: NDR_DCERPC_REQUEST_OBJECT_PRESENT is "the
// enclosing PDU header has PFC_OBJECT_UUID". Such a name depends on context outside the value
// being marshalled. Generated code asks the Push/Pull for it by name; the caller who knows the
// context (the CO engine, from the header it is about to write or has just read) sets it first.
// A name nobody set is Error::missing_external, never a guess.
//
// Contract: at most kMax names per Push/Pull; `name` is not copied and must outlive the
// Push/Pull (use the generated `k<Name>` constants or literals). Setting a name again replaces
// its value. No allocation; not thread-safe (one per Push/Pull).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nca::ndr {

class Externals {
 public:
  static constexpr std::size_t kMax = 4;

  // False (and nothing stored) when kMax other names are already set.
  bool set(std::string_view name, std::int64_t value) noexcept {
    for (std::size_t i = 0; i < count_; ++i)
      if (values_[i].name == name) {
        values_[i].value = value;
        return true;
      }
    if (count_ == kMax) return false;
    values_[count_++] = {name, value};
    return true;
  }
  std::optional<std::int64_t> get(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < count_; ++i)
      if (values_[i].name == name) return values_[i].value;
    return std::nullopt;
  }
  void clear() noexcept { count_ = 0; }

 private:
  struct Entry {
    std::string_view name;
    std::int64_t value = 0;
  };
  std::array<Entry, kMax> values_{};
  std::size_t count_ = 0;
};

}  // namespace nca::ndr
