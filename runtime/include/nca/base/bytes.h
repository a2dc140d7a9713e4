// Byte buffers shared by every layer: borrowed views, a growable vector, and one owned fixed-size
// buffer that is not zero-filled on allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

namespace nca::base {

// Borrowed bytes: a caller's buffer to read from (ByteView) or to fill (MutableByteView). The
// viewer never owns the memory; it must outlive every use of the view.
using ByteView = std::span<const std::uint8_t>;
using MutableByteView = std::span<std::uint8_t>;

// Growable owned bytes: stub data, PDUs being assembled.
using ByteVector = std::vector<std::uint8_t>;

// An owned, fixed-size byte buffer that is not zero-filled on allocation (a PDU body about to be
// overwritten by the socket). Move-only; moving never copies the bytes.
class FixedBytes {
 public:
  FixedBytes() = default;
  explicit FixedBytes(std::size_t size)
      : data_(size ? std::make_unique_for_overwrite<std::uint8_t[]>(size) : nullptr), size_(size) {}
  static FixedBytes copy_of(ByteView src) {
    FixedBytes b(src.size());
    if (!src.empty()) std::memcpy(b.data(), src.data(), src.size());
    return b;
  }

  FixedBytes(FixedBytes&& other) noexcept : data_(std::move(other.data_)), size_(other.size_) {
    other.size_ = 0;
  }
  FixedBytes& operator=(FixedBytes&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = other.size_;
    other.size_ = 0;
    return *this;
  }

  std::uint8_t* data() { return data_.get(); }
  const std::uint8_t* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::uint8_t& operator[](std::size_t i) { return data_[i]; }
  std::uint8_t operator[](std::size_t i) const { return data_[i]; }
  MutableByteView span() { return {data(), size_}; }
  ByteView span() const { return {data(), size_}; }
  operator MutableByteView() { return span(); }
  operator ByteView() const { return span(); }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
};

}  // namespace nca::base
