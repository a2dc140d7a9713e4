// Buffers for nca::net: borrowed views for vectored I/O and one owned byte buffer (Bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

namespace nca::net {

// A caller's buffer for readv (filled) and writev (sent). nca::net never owns the memory behind
// these views: it must stay valid until the operation's callback has run.
using MutableBuffer = std::span<std::uint8_t>;
using ConstBuffer = std::span<const std::uint8_t>;

// An owned, fixed-size byte buffer that is not zero-filled on allocation (a PDU body is about to
// be overwritten by the socket). Move-only; moving never copies the bytes.
class Bytes {
 public:
  Bytes() = default;
  explicit Bytes(std::size_t size)
      : data_(size ? std::make_unique_for_overwrite<std::uint8_t[]>(size) : nullptr), size_(size) {}
  static Bytes copy_of(ConstBuffer src) {
    Bytes b(src.size());
    if (!src.empty()) std::memcpy(b.data(), src.data(), src.size());
    return b;
  }

  Bytes(Bytes&& other) noexcept : data_(std::move(other.data_)), size_(other.size_) {
    other.size_ = 0;
  }
  Bytes& operator=(Bytes&& other) noexcept {
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
  MutableBuffer span() { return {data(), size_}; }
  ConstBuffer span() const { return {data(), size_}; }
  operator MutableBuffer() { return span(); }
  operator ConstBuffer() const { return span(); }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::size_t size_ = 0;
};

}  // namespace nca::net
