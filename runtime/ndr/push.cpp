#include "nca/ndr/push.h"

#include <algorithm>
#include <unordered_map>

#include "nca/ndr/charset.h"

namespace nca::ndr {

// Full pointers: object address -> referent id, and whether its pointee is still to be pushed.
struct Push::FullTable {
  struct Entry {
    std::uint64_t id;
    bool pending;
  };
  std::unordered_map<const void*, Entry> by_object;
};

Push::Push(Syntax syntax, std::size_t reserve)
    : buf_(std::make_unique_for_overwrite<std::uint8_t[]>(std::max<std::size_t>(reserve, 16))),
      cap_(std::max<std::size_t>(reserve, 16)),
      ndr64_(syntax == Syntax::ndr64) {}

Push::Push(Push&&) noexcept = default;
Push& Push::operator=(Push&&) noexcept = default;
Push::~Push() = default;

void Push::clear() noexcept {
  size_ = 0;
  align_base_ = 0;
  relative_base_ = 0;
  next_id_ = kFirstReferentId;
  set_flags(0);
  externals_.clear();
  status_ = {};
  full_.reset();
  relative_.clear();
  relative_bases_.clear();
  dns_names_.clear();
}

void Push::fail(Error e) noexcept {
  if (status_.ok()) status_ = Status{e, size_};
}

void Push::grow(std::size_t n) {
  // Doubling keeps appends amortised O(1); the copy is of the bytes written so far only.
  std::size_t cap = std::max(cap_ * 2, size_ + n + kSlack);
  auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(cap);
  std::memcpy(bigger.get(), buf_.get(), size_);
  buf_ = std::move(bigger);
  cap_ = cap;
}

bool Push::full_pointer(const void* object) {
  if (!object) {
    u3264(0);
    return false;
  }
  if (!full_) full_ = std::make_unique<FullTable>();
  // Full pointers are numbered 1, 2, ... from the same counter as unique referents (which are
  // 0x00020000 + 4 * count): what Samba's ndr_push_full_ptr and Windows' full-pointer table send.
  const std::uint64_t full_id = (next_id_ - kFirstReferentId) / 4 + 1;
  auto [it, inserted] = full_->by_object.try_emplace(object, FullTable::Entry{full_id, true});
  if (inserted) next_id_ += 4;
  u3264(it->second.id);
  return inserted;
}

bool Push::full_pointee_pending(const void* object) {
  if (!object || !full_) return false;
  auto it = full_->by_object.find(object);
  if (it == full_->by_object.end() || !it->second.pending) return false;
  it->second.pending = false;
  return true;
}

void Push::push_string_header(std::uint64_t count, std::uint8_t form, std::uint64_t fixed_max) {
  if (fixed_max && count > fixed_max) return fail(Error::count_too_large);
  if (form & kStrSize) conformance(count);
  if (form & kStrLen) variance(0, count);
}

void Push::string(std::string_view chars, std::uint8_t form, std::uint64_t fixed_max) {
  bool term = !(form & kStrNoterm);
  push_string_header(chars.size() + term, form, fixed_max);
  raw(chars.data(), chars.size());
  if (term) u8(0);
}

void Push::string(std::u16string_view units, std::uint8_t form, std::uint64_t fixed_max) {
  bool term = !(form & kStrNoterm);
  push_string_header(units.size() + term, form, fixed_max);
  align(2);
  std::uint8_t* p = grab(units.size() * 2);
  if (!swap_) {
    std::memcpy(p, units.data(), units.size() * 2);
  } else {
    for (char16_t u : units) {
      std::uint16_t v = detail::byteswap(static_cast<std::uint16_t>(u));
      std::memcpy(p, &v, 2);
      p += 2;
    }
  }
  if (term) u16(0);
}

void Push::string_utf16(std::string_view wtf8, std::uint8_t form, std::uint64_t fixed_max) {
  auto units = utf16_length(wtf8);
  if (!units) return fail(Error::invalid_charset);
  bool term = !(form & kStrNoterm);
  push_string_header(*units + term, form, fixed_max);
  utf16_units(wtf8, *units);
  if (term) u16(0);
}

void Push::utf16_units(std::string_view wtf8, std::size_t units) {
  align(2);
  std::size_t at = size_;
  std::uint8_t* p = grab(units * 2);
  // A count that does not match would leave bytes unwritten or overrun: check before converting
  // unless the text is pure ASCII of exactly that length (the fast, common case).
  std::size_t i = 0;
  if (wtf8.size() == units) {
    for (; i < units && (wtf8[i] & 0x80) == 0; ++i) {
      p[2 * i] = static_cast<std::uint8_t>(wtf8[i]);
      p[2 * i + 1] = 0;
    }
  }
  if (i == units) {
    // done: all ASCII
  } else if (auto n = utf16_length(wtf8); !n || *n != units || !wtf8_to_utf16le(wtf8, p)) {
    std::memset(buf_.get() + at, 0, units * 2);
    return fail(n && *n != units ? Error::array_size_mismatch : Error::invalid_charset);
  }
  if (swap_) {
    for (std::size_t k = 0; k < units; ++k) std::swap(buf_[at + 2 * k], buf_[at + 2 * k + 1]);
  }
}

std::size_t Push::relative_ptr(bool present) {
  align(4);
  std::size_t at = size_;
  u32(0);
  (void)present;  // the placeholder is 0 either way; a present pointee patches it later
  return at;
}

void Push::relative_ptr_target(std::size_t placeholder) {
  if (placeholder + 4 > size_ || size_ < relative_base_) return fail(Error::bad_relative_offset);
  std::uint64_t rel = size_ - relative_base_;
  if (rel > 0xffffffffu) return fail(Error::count_too_large);
  std::uint32_t v = static_cast<std::uint32_t>(rel);
  if (swap_) v = detail::byteswap(v);
  std::memcpy(buf_.get() + placeholder, &v, 4);
}

void Push::short_relative_ptr(const void* key, bool present) {
  align(2);
  relative_.push_back({key, size_, relative_base_, 2});
  u16(0);
  (void)present;
}

void Push::relative_ptr_target(const void* key) {
  // Pointees are pushed in the order their pointers were, so the match is nearly always first.
  for (auto it = relative_.begin(); it != relative_.end(); ++it) {
    if (it->key != key) continue;
    RelativePlaceholder r = *it;
    relative_.erase(it);
    if (r.at + r.width > size_ || size_ < r.base) return fail(Error::bad_relative_offset);
    std::uint64_t rel = size_ - r.base;
    if (r.width == 4) {
      if (rel > 0xffffffffu) return fail(Error::count_too_large);
      std::uint32_t v = static_cast<std::uint32_t>(rel);
      if (swap_) v = detail::byteswap(v);
      std::memcpy(buf_.get() + r.at, &v, 4);
    } else {
      if (rel > 0xffffu) return fail(Error::count_too_large);
      std::uint16_t v = static_cast<std::uint16_t>(rel);
      if (swap_) v = detail::byteswap(v);
      std::memcpy(buf_.get() + r.at, &v, 2);
    }
    return;
  }
  fail(Error::bad_relative_offset);
}

Push::Subcontext Push::subcontext_begin(std::uint8_t header_bytes) {
  // pidl's subcontext(4) length is a uint3264: 8 bytes, aligned to 8, in NDR64 (as Samba sends).
  if (header_bytes == 4 && ndr64_) header_bytes = 8;
  Subcontext sc{0, 0, align_base_, relative_base_, header_bytes};
  if (header_bytes == 2) {
    u16(0);
  } else if (header_bytes == 8) {
    u64(0);
  } else if (header_bytes == 4) {
    u32(0);
  } else if (header_bytes != 0) {
    fail(Error::bad_value);
  }
  sc.header_at = size_ - header_bytes;
  sc.start = size_;
  // The content is its own NDR stream: alignment and relative offsets start again at its start.
  align_base_ = size_;
  relative_base_ = size_;
  return sc;
}

void Push::subcontext_end(const Subcontext& sc, std::size_t pad_to) {
  std::size_t used = size_ - sc.start;
  if (pad_to) {
    if (used > pad_to) {
      fail(Error::subcontext_mismatch);
    } else {
      zeros(pad_to - used);
      used = pad_to;
    }
  }
  align_base_ = sc.saved_align_base;
  relative_base_ = sc.saved_relative_base;
  if (sc.header_bytes == 2) {
    if (used > 0xffff) return fail(Error::count_too_large);
    std::uint16_t v = static_cast<std::uint16_t>(used);
    if (swap_) v = detail::byteswap(v);
    std::memcpy(buf_.get() + sc.header_at, &v, 2);
  } else if (sc.header_bytes == 8) {
    std::uint64_t v = used;
    if (swap_) v = detail::byteswap(v);
    std::memcpy(buf_.get() + sc.header_at, &v, 8);
  } else if (sc.header_bytes == 4) {
    if (used > 0xffffffffu) return fail(Error::count_too_large);
    std::uint32_t v = static_cast<std::uint32_t>(used);
    if (swap_) v = detail::byteswap(v);
    std::memcpy(buf_.get() + sc.header_at, &v, 4);
  }
}

}  // namespace nca::ndr
