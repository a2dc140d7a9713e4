#include "nca/ndr/pull.h"

#include <unordered_map>
#include <unordered_set>

#include "nca/ndr/charset.h"

namespace nca::ndr {

// Full pointers: referent id -> the object pulled for it (with its C++ type), and the objects
// whose pointee the buffers pass has still to read.
struct Pull::FullTable {
  struct Entry {
    std::shared_ptr<void> object;
    const void* type;
  };
  std::unordered_map<std::uint64_t, Entry> by_id;
  std::unordered_set<const void*> pending;
  std::unordered_set<const void*> in_progress;
};

Pull::Pull(std::span<const std::uint8_t> data, Syntax syntax, DataRep rep, Limits limits)
    : data_(data.data()),
      end_(data.size()),
      ndr64_(syntax == Syntax::ndr64),
      swap_(!rep.little_endian),
      rep_(rep),
      limits_(limits) {}

Pull::Pull(Pull&&) noexcept = default;
Pull& Pull::operator=(Pull&&) noexcept = default;
Pull::~Pull() = default;

bool Pull::fail_at(Error e, std::size_t offset) noexcept {
  if (status_.ok()) status_ = Status{e, offset};
  // Nothing more can be read: every later read sees an empty span and fails at once.
  end_ = pos_;
  return false;
}

bool Pull::check_padding(std::size_t pad) {
  for (std::size_t k = 0; k < pad; ++k)
    if (data_[pos_ + k] != 0) return fail_at(Error::nonzero_padding, pos_ + k);
  pos_ += pad;
  return true;
}

bool Pull::variance(std::uint64_t& offset, std::uint64_t& length, std::uint64_t max_count) {
  std::size_t at = pos_;
  if (!u3264(offset) || !u3264(length)) return false;
  // Written so that it cannot overflow: offset <= max and length <= max - offset.
  if (offset > max_count || length > max_count - offset) {
    offset = length = 0;
    return fail_at(Error::array_bounds, at);
  }
  return true;
}

bool Pull::check_count(std::uint64_t count, std::size_t min_wire, std::size_t elem_bytes) {
  if (!ok()) return false;
  std::size_t rem = end_ - pos_;
  if (min_wire && count > rem / min_wire) return fail(Error::count_exceeds_remaining);
  if (elem_bytes && count > (limits_.max_alloc - alloc_) / elem_bytes) return fail(Error::alloc_limit);
  alloc_ += static_cast<std::size_t>(count) * elem_bytes;
  return true;
}

bool Pull::full_find(std::uint64_t id, const void* type, std::shared_ptr<void>& found) {
  if (!full_) return true;
  auto it = full_->by_id.find(id);
  if (it == full_->by_id.end()) return true;
  std::size_t at = pos_ - (ndr64_ ? 8 : 4);
  if (it->second.type != type) return fail_at(Error::bad_referent, at);
  if (!limits_.allow_pointer_cycles && full_->in_progress.count(it->second.object.get()))
    return fail_at(Error::pointer_cycle, at);
  found = it->second.object;
  return true;
}

void Pull::full_add(std::uint64_t id, const void* type, std::shared_ptr<void> object) {
  if (!full_) full_ = std::make_unique<FullTable>();
  full_->pending.insert(object.get());
  full_->by_id.emplace(id, FullTable::Entry{std::move(object), type});
}

Pull::FullPointee Pull::full_pointee(const void* object) {
  if (!ok() || !full_ || full_->pending.erase(object) == 0) return FullPointee(nullptr, nullptr);
  full_->in_progress.insert(object);
  return FullPointee(this, object);
}

void Pull::full_done(const void* object) noexcept {
  if (full_) full_->in_progress.erase(object);
}

bool Pull::string_header(std::uint8_t form, std::uint64_t fixed_max, std::size_t unit,
                         std::uint64_t& count) {
  count = 0;
  if (form & kStrNullterm) {
    // No counts: the characters run to the first NUL unit, which must be in the buffer.
    if (!align(unit)) return false;
    for (std::size_t k = pos_; k + unit <= end_; k += unit) {
      bool zero = data_[k] == 0 && (unit == 1 || data_[k + 1] == 0);
      if (zero) {
        count = (k - pos_) / unit + 1;
        return true;
      }
    }
    return fail(Error::string_not_terminated);
  }
  std::uint64_t max = fixed_max;
  if (form & kStrSize) {
    if (!conformance(max)) return false;
    if (fixed_max && max > fixed_max) return fail(Error::array_bounds);
  }
  if (form & kStrLen) {
    std::uint64_t offset;
    std::size_t at = pos_;
    if (max == 0 && !(form & kStrSize) && fixed_max == 0) max = ~std::uint64_t{0};
    if (!variance(offset, count, max)) return false;
    if (offset != 0) return fail_at(Error::bad_string_offset, at);
  } else {
    count = max;
  }
  return true;
}

bool Pull::string_body(std::uint8_t form, std::size_t unit, std::uint64_t count,
                       const std::uint8_t*& chars, std::size_t& n) {
  chars = nullptr;
  n = 0;
  if (unit == 1 && rep_.ebcdic) return fail(Error::unsupported_drep);
  if (!align(unit) || !check_count(count, unit, unit)) return false;
  chars = data_ + pos_;
  n = static_cast<std::size_t>(count);
  if (!(form & kStrNoterm)) {
    std::size_t at = pos_ + (n ? (n - 1) * unit : 0);
    bool term = n > 0 && chars[(n - 1) * unit] == 0 && (unit == 1 || chars[(n - 1) * unit + 1] == 0);
    if (!term) {
      chars = nullptr;
      n = 0;
      return fail_at(Error::string_not_terminated, at);
    }
    pos_ += n * unit;
    --n;  // the terminator is not part of the value
    return true;
  }
  pos_ += n * unit;
  return true;
}

bool Pull::string(std::string& out, std::uint8_t form, std::uint64_t fixed_max) {
  out.clear();
  std::uint64_t count;
  const std::uint8_t* chars;
  std::size_t n;
  if (!string_header(form, fixed_max, 1, count) || !string_body(form, 1, count, chars, n))
    return false;
  out.assign(reinterpret_cast<const char*>(chars), n);
  return true;
}

bool Pull::string(std::u16string& out, std::uint8_t form, std::uint64_t fixed_max) {
  out.clear();
  std::uint64_t count;
  const std::uint8_t* chars;
  std::size_t n;
  if (!string_header(form, fixed_max, 2, count) || !string_body(form, 2, count, chars, n))
    return false;
  out.resize(n);
  if (n) std::memcpy(out.data(), chars, n * 2);
  if (swap_)
    for (auto& u : out) u = static_cast<char16_t>(detail::byteswap(static_cast<std::uint16_t>(u)));
  return true;
}

bool Pull::string_utf16(std::string& wtf8, std::uint8_t form, std::uint64_t fixed_max) {
  wtf8.clear();
  std::uint64_t count;
  const std::uint8_t* chars;
  std::size_t n;
  if (!string_header(form, fixed_max, 2, count) || !string_body(form, 2, count, chars, n))
    return false;
  // Up to 3 bytes of WTF-8 per unit; charge the difference from the 2 already charged.
  if (!charge(n)) return false;
  utf16_to_wtf8(chars, n, swap_, wtf8);
  return true;
}

bool Pull::utf16_units(std::string& wtf8, std::uint64_t units) {
  wtf8.clear();
  if (!align(2) || !check_count(units, 2, 3)) return false;
  utf16_to_wtf8(data_ + pos_, static_cast<std::size_t>(units), swap_, wtf8);
  pos_ += static_cast<std::size_t>(units) * 2;
  return true;
}

bool Pull::data_blob(DataBlob& b) {
  std::uint64_t n;
  if (!u3264(n)) {
    b.data.clear();
    return false;
  }
  // The bytes follow the count without further alignment.
  b.data.clear();
  if (!check_count(n, 1, 1)) return false;
  b.data.assign(data_ + pos_, data_ + pos_ + n);
  pos_ += static_cast<std::size_t>(n);
  return true;
}

bool Pull::relative_ptr_seek(std::uint32_t rel, std::size_t& saved) {
  saved = pos_;
  if (!ok()) return false;
  if (rel > end_ || relative_base_ > end_ - rel) return fail(Error::bad_relative_offset);
  pos_ = relative_base_ + rel;
  return true;
}

bool Pull::relative_ptr_seek(const void* key, std::size_t& saved) {
  saved = pos_;
  for (auto it = relative_.begin(); it != relative_.end(); ++it) {
    if (it->first != key) continue;
    std::uint64_t target = it->second;
    relative_.erase(it);
    if (!ok()) return false;
    if (target > end_) return fail(Error::bad_relative_offset);
    pos_ = static_cast<std::size_t>(target);
    return true;
  }
  return fail(Error::bad_relative_offset);
}

bool Pull::subcontext_begin(std::uint8_t header_bytes, Subcontext& sc, std::uint64_t size) {
  sc = Subcontext{pos_, end_, align_base_, relative_base_};
  if (header_bytes == 2) {
    std::uint16_t s;
    if (!u16(s)) return false;
    size = s;
  } else if (header_bytes == 4) {
    // A uint3264: 8 bytes in NDR64 (Push::subcontext_begin).
    if (!u3264(size)) return false;
  } else if (header_bytes != 0) {
    return fail(Error::bad_value);
  }
  if (size > end_ - pos_) return fail(Error::buffer_overrun);
  sc.end = pos_ + static_cast<std::size_t>(size);
  sc.saved_end = end_;
  end_ = sc.end;
  align_base_ = pos_;
  relative_base_ = pos_;
  return true;
}

bool Pull::subcontext_end(const Subcontext& sc, bool exact) {
  if (!ok()) return false;
  if (exact && pos_ != sc.end) return fail(Error::subcontext_mismatch);
  pos_ = sc.end;
  end_ = sc.saved_end;
  align_base_ = sc.saved_align_base;
  relative_base_ = sc.saved_relative_base;
  return true;
}

}  // namespace nca::ndr
