// nca::ndr::Pull: unmarshals values from a peer's NDR20 or NDR64 octets, with bounds and limits.
//
// Contract:
//  - Pull reads a span it does not own; the bytes must outlive the Pull (and any view() taken).
//  - Integers and floats are read in the byte order the peer declared (DataRep); characters must
//    be ASCII and floats IEEE (otherwise unsupported_drep when such a value is read).
//  - Nothing is read outside the span. Every count read from the wire is checked against the bytes
//    that remain before anything is allocated, and allocation is charged against Limits::max_alloc.
//  - Errors are sticky (error.h): every read returns false after the first failure, stores zero /
//    empty in its output, and neither reads nor allocates. The first error and its offset stay in
//    status().
//  - Not thread-safe; one Pull per message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <iterator>
#include <vector>

#include "nca/ndr/data_rep.h"
#include "nca/ndr/detail/bytes.h"
#include "nca/ndr/error.h"
#include "nca/ndr/externals.h"
#include "nca/ndr/types.h"

namespace nca::ndr {

class Pull {
 public:
  explicit Pull(std::span<const std::uint8_t> data, Syntax syntax = Syntax::ndr20,
                DataRep rep = DataRep{}, Limits limits = Limits{});
  Pull(Pull&&) noexcept;
  Pull& operator=(Pull&&) noexcept;
  ~Pull();

  Syntax syntax() const noexcept { return ndr64_ ? Syntax::ndr64 : Syntax::ndr20; }
  bool ndr64() const noexcept { return ndr64_; }
  const DataRep& data_rep() const noexcept { return rep_; }
  const Limits& limits() const noexcept { return limits_; }
  const Status& status() const noexcept { return status_; }
  bool ok() const noexcept { return status_.ok(); }
  // Offset of the next byte, from the start of the span.
  std::size_t offset() const noexcept { return pos_; }
  // Bytes left before the end of the span (or of the current [subcontext]).
  std::size_t remaining() const noexcept { return end_ - pos_; }
  // Bytes charged against Limits::max_alloc so far.
  std::size_t allocated() const noexcept { return alloc_; }

  // Records `e` at the current offset unless an error is already recorded; always returns false.
  // Generated code uses it for violations only it can see (bad_switch_value, ...).
  bool fail(Error e) noexcept { return fail_at(e, pos_); }
  bool fail_at(Error e, std::size_t offset) noexcept;

  // Bytes not consumed. Trailing bytes are legal in a stub (padding), so this is not an error;
  // callers that require an exact fit check it themselves.
  std::size_t trailing() const noexcept { return end_ - pos_; }

  // --- alignment and raw bytes -----------------------------------------------------------------
  bool align(std::size_t n) {
    std::size_t pad = (align_base_ - pos_) & (n - 1) & align_mask_;
    if (pad == 0) return ok();
    if (end_ - pos_ < pad) [[unlikely]] return fail(Error::missing_padding);
    if (limits_.strict_padding) [[unlikely]] return check_padding(pad);
    pos_ += pad;
    return true;
  }
  bool raw(void* out, std::size_t n) {
    if (end_ - pos_ < n) [[unlikely]] {
      if (n) std::memset(out, 0, n);
      return fail(Error::buffer_overrun);
    }
    if (n) std::memcpy(out, data_ + pos_, n);
    pos_ += n;
    return true;
  }
  // A view of the next n bytes without copying (valid as long as the span).
  bool view(std::size_t n, std::span<const std::uint8_t>& out) {
    if (end_ - pos_ < n) [[unlikely]] {
      out = {};
      return fail(Error::buffer_overrun);
    }
    out = {data_ + pos_, n};
    pos_ += n;
    return true;
  }
  bool skip(std::size_t n) {
    if (end_ - pos_ < n) [[unlikely]] return fail(Error::buffer_overrun);
    pos_ += n;
    return true;
  }

  // --- scalars: each aligned to its size, in the peer's byte order ------------------------------
  bool u8(std::uint8_t& v) { return get(v); }
  bool i8(std::int8_t& v) { return get(v); }
  bool u16(std::uint16_t& v) { return get(v); }
  bool i16(std::int16_t& v) { return get(v); }
  bool u32(std::uint32_t& v) { return get(v); }
  bool i32(std::int32_t& v) { return get(v); }
  bool u64(std::uint64_t& v) { return get(v); }
  bool i64(std::int64_t& v) { return get(v); }
  bool f32(float& v) { return float_ok(v) && get(v); }
  bool f64(double& v) { return float_ok(v) && get(v); }
  // Any nonzero octet is true, as Windows and Samba read it.
  bool boolean(bool& v) {
    std::uint8_t b;
    bool r = get(b);
    v = b != 0;
    return r;
  }
  // A default enum: 16 bits in NDR20, 32 in NDR64 (see Push::enum16).
  bool enum16(std::uint32_t& v) { return ndr64_ ? get(v) : get_as<std::uint16_t>(v); }
  bool u3264(std::uint64_t& v) { return ndr64_ ? get(v) : get_as<std::uint32_t>(v); }
  bool udlong(std::uint64_t& v) {
    std::uint32_t lo, hi;
    bool r = get(lo) && get(hi);
    v = r ? (std::uint64_t{hi} << 32 | lo) : 0;
    return r;
  }
  bool udlongr(std::uint64_t& v) {
    std::uint32_t lo, hi;
    bool r = get(hi) && get(lo);
    v = r ? (std::uint64_t{hi} << 32 | lo) : 0;
    return r;
  }

  // `count` scalars into `out` (replacing its contents), aligned to the element size. The count
  // is checked against the remaining bytes and charged before allocating; bytes are copied once.
  template <class T>
  bool array(std::vector<T>& out, std::uint64_t count) {
    static_assert(std::is_arithmetic_v<T>);
    out.clear();
    if (!align(sizeof(T)) || !check_count(count, sizeof(T), sizeof(T))) return false;
    const std::uint8_t* src = data_ + pos_;
    if constexpr (sizeof(T) == 1) {
      out.assign(reinterpret_cast<const T*>(src), reinterpret_cast<const T*>(src) + count);
    } else {
      out.resize(count);
      copy_in(out.data(), src, count);
    }
    pos_ += count * sizeof(T);
    return true;
  }
  // `count` scalars into fixed storage (std::array, C arrays).
  template <class T>
  bool array(T* out, std::size_t count) {
    static_assert(std::is_arithmetic_v<T>);
    if (!align(sizeof(T)) || !check_count(count, sizeof(T), 0)) {
      std::memset(out, 0, count * sizeof(T));
      return false;
    }
    copy_in(out, data_ + pos_, count);
    pos_ += count * sizeof(T);
    return true;
  }

  // --- counts ----------------------------------------------------------------------------------
  // A maximum count (u32 aligned 4 in NDR20, u64 aligned 8 in NDR64).
  bool conformance(std::uint64_t& max_count) { return u3264(max_count); }
  // Offset and actual count of a varying array; offset + length must not exceed `max_count`
  // (the conformance, or N of a fixed array): otherwise array_bounds.
  bool variance(std::uint64_t& offset, std::uint64_t& length, std::uint64_t max_count);
  // Before allocating `count` elements: each takes at least `min_wire` bytes on the wire (the IR
  // knows it; 0 for an element that may be empty) and `elem_bytes` of memory. Fails with
  // count_exceeds_remaining if the bytes cannot be there, alloc_limit if memory would exceed the
  // limit. Charges count * elem_bytes on success.
  bool check_count(std::uint64_t count, std::size_t min_wire, std::size_t elem_bytes);
  // check_count, then out.resize(count) (elements value-initialised).
  template <class T>
  bool resize(std::vector<T>& out, std::uint64_t count, std::size_t min_wire) {
    if (!check_count(count, min_wire, sizeof(T))) {
      out.clear();
      return false;
    }
    out.resize(static_cast<std::size_t>(count));
    return true;
  }
  // A wire count against the value the IDL expression gives ([size_is] of a hoisted conformance).
  bool expect_count(std::uint64_t wire, std::uint64_t expected) {
    return wire == expected ? ok() : fail(Error::array_size_mismatch);
  }
  // [range(lo, hi)].
  template <class T>
  bool range(T v, T lo, T hi) {
    return (v >= lo && v <= hi) ? ok() : fail(Error::range_violation);
  }
  // Charges `bytes` of allocation (pointees, strings); alloc_limit past the limit.
  bool charge(std::size_t bytes) {
    if (limits_.max_alloc - alloc_ < bytes) [[unlikely]] return fail(Error::alloc_limit);
    alloc_ += bytes;
    return ok();
  }

  // --- nesting ---------------------------------------------------------------------------------
  // RAII depth counter: generated code opens one for each pointee and each constructed value
  // that can recurse. Converts to false (and the Pull has failed with depth_limit) when too deep.
  class Nest {
   public:
    explicit Nest(Pull* p) noexcept : p_(p) {}
    Nest(Nest&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    ~Nest() {
      if (p_) --p_->depth_;
    }
    explicit operator bool() const noexcept { return p_ != nullptr; }

   private:
    Pull* p_;
  };
  [[nodiscard]] Nest nest() {
    if (depth_ >= limits_.max_depth || !ok()) [[unlikely]] {
      fail(Error::depth_limit);
      return Nest(nullptr);
    }
    ++depth_;
    return Nest(this);
  }

  // --- pointers --------------------------------------------------------------------------------
  // A referent id (4 bytes NDR20, 8 bytes NDR64). 0 is null.
  bool referent(std::uint64_t& id) { return u3264(id); }
  // An embedded [ref] pointer: the id must not be 0 (bad_referent).
  bool ref_referent() {
    std::uint64_t id;
    if (!u3264(id)) return false;
    return id != 0 ? true : fail_at(Error::bad_referent, pos_ - (ndr64_ ? 8 : 4));
  }
  // A [unique] pointer held in Unique<T> or std::optional<T>: reads the id; non-null makes `out`
  // hold a new T (charged), to be filled in the buffers pass; null empties it.
  template <template <class> class Box, class T>
  bool unique_pointer(Box<T>& out) {
    std::uint64_t id;
    out.reset();
    if (!referent(id)) return false;
    if (id == 0) return true;
    if (!charge(sizeof(T))) return false;
    out.emplace();
    return true;
  }
  // A full ([ptr]) pointer. The first pointer with a given id gets a new T (and the pointee is
  // pulled in the buffers pass: full_pointee()); later ones with that id alias it. An id
  // seen before for another type fails with bad_referent.
  template <class T>
  bool full_pointer(Full<T>& out) {
    std::uint64_t id;
    out.reset();
    if (!referent(id)) return false;
    if (id == 0) return true;
    std::shared_ptr<void> found;
    if (!full_find(id, detail::type_key<T>(), found)) return false;
    if (found) {
      out = std::static_pointer_cast<T>(found);
      return true;
    }
    if (!charge(sizeof(T))) return false;
    out = std::make_shared<T>();
    full_add(id, detail::type_key<T>(), out);
    return true;
  }
  // Buffers pass: converts to true exactly once for each object full_pointer() created, and then
  // marks the object as being decoded until the guard goes out of scope, so that a full pointer
  // back to it is recognised as a cycle (Error::pointer_cycle, see Limits).
  class FullPointee {
   public:
    FullPointee(Pull* p, const void* object) noexcept : p_(p), object_(object) {}
    FullPointee(FullPointee&& o) noexcept : p_(o.p_), object_(o.object_) { o.p_ = nullptr; }
    FullPointee(const FullPointee&) = delete;
    FullPointee& operator=(const FullPointee&) = delete;
    ~FullPointee() {
      if (p_) p_->full_done(object_);
    }
    explicit operator bool() const noexcept { return p_ != nullptr; }

   private:
    Pull* p_;
    const void* object_;
  };
  [[nodiscard]] FullPointee full_pointee(const void* object);

  // --- strings ---------------------------------------------------------------------------------
  // Forms and fixed_max as in Push::string. The terminator (unless kStrNoterm) must be the last
  // character sent (string_not_terminated) and is not stored; embedded NULs are kept.
  bool string(std::string& out, std::uint8_t form = kStrConformantVarying,
              std::uint64_t fixed_max = 0);
  bool string(std::u16string& out, std::uint8_t form = kStrConformantVarying,
              std::uint64_t fixed_max = 0);
  // [charset(UTF16)]: UTF-16 on the wire to WTF-8 (lossless, see charset.h).
  bool string_utf16(std::string& wtf8, std::uint8_t form = kStrConformantVarying,
                    std::uint64_t fixed_max = 0);
  // `units` bare UTF-16 units (aligned to 2) to WTF-8, replacing `wtf8`.
  bool utf16_units(std::string& wtf8, std::uint64_t units);

  // --- well-known types ------------------------------------------------------------------------
  bool guid(Guid& g) {
    std::uint32_t time_low = 0;
    std::uint16_t time_mid = 0, time_hi_and_version = 0;
    std::array<std::uint8_t, 2> clock_seq{};
    std::array<std::uint8_t, 6> node{};
    if (!(get(time_low) && get(time_mid) && get(time_hi_and_version) &&
          raw(clock_seq.data(), 2) && raw(node.data(), 6)))
      return false;
    g = Guid::from_fields(time_low, time_mid, time_hi_and_version, clock_seq, node);
    return true;
  }
  bool context_handle(ContextHandle& h) { return get(h.attributes) && guid(h.uuid); }
  bool nttime(NtTime& t) { return udlong(t.value); }
  bool ntstatus(NtStatus& s) { return get(s.value); }
  bool werror(WError& s) { return get(s.value); }
  bool hresult(HResult& s) { return get(s.value); }
  // pidl's DATA_BLOB without flags: a uint3264 length, then the bytes.
  bool data_blob(DataBlob& b);
  // pidl's [flag(NDR_REMAINING)] DATA_BLOB: every byte left.
  bool remaining_bytes(std::vector<std::uint8_t>& out) { return array(out, end_ - pos_); }

  // --- pidl [relative] pointers ----------------------------------------------------------------
  // Scalars pass: the 32-bit offset (0 = null).
  bool relative_ptr(std::uint32_t& rel) { return get(rel); }
  // Buffers pass: moves to relative_base() + rel (bad_relative_offset if outside the current
  // span) and gives the offset to come back to with relative_ptr_return().
  bool relative_ptr_seek(std::uint32_t rel, std::size_t& saved);
  // Returns to `saved`, or stays past the pointee if it ended later: pointees usually follow the
  // scalars in order, and what they used must not be read again as the next field.
  void relative_ptr_return(std::size_t saved) noexcept {
    if (ok() && pos_ < saved) pos_ = saved;
  }
  // Keyed forms for generated code (separate scalars and buffers calls): the scalars pass reads the
  // offset and, when it is not 0, records it under `key` (the address of the pointer's value); the
  // buffers pass takes it back and seeks (bad_relative_offset when nothing was recorded).
  // The offset counts from the relative base current in the scalars pass (as Samba's
  // ndr_pull_relative_ptr1 adds it there).
  bool relative_ptr(const void* key, std::uint32_t& rel) {
    if (!get(rel)) return false;
    if (rel) relative_.emplace_back(key, std::uint64_t{relative_base_} + rel);
    return true;
  }
  // pidl's [relative_short]: a 16-bit offset (aligned to 2), followed like relative_ptr's.
  bool short_relative_ptr(const void* key, std::uint16_t& rel) {
    if (!get(rel)) return false;
    if (rel) relative_.emplace_back(key, std::uint64_t{relative_base_} + rel);
    return true;
  }
  bool relative_ptr_seek(const void* key, std::size_t& saved);
  std::size_t relative_base() const noexcept { return relative_base_; }
  void set_relative_base(std::size_t offset) noexcept { relative_base_ = offset; }
  // pidl's [relative_base] in generated code, whose passes are separate calls. Scalars pass, after
  // the value's alignment: relative_base_begin(&v, has_buffers) makes the current offset the
  // base (remembered under `key` when a buffers pass follows); buffers pass:
  // relative_base_resume(&v) makes it the base again (bad_relative_offset when nothing was
  // remembered). Both return the base to restore with set_relative_base() after the value
  // (Samba's ndr_*_setup_relative_base_offset1/2 and _save_relative_base_offset).
  std::size_t relative_base_begin(const void* key, bool has_buffers) {
    std::size_t saved = relative_base_;
    relative_base_ = pos_;
    if (has_buffers) relative_bases_.emplace_back(key, pos_);
    return saved;
  }
  std::size_t relative_base_resume(const void* key) {
    std::size_t saved = relative_base_;
    for (auto it = relative_bases_.rbegin(); it != relative_bases_.rend(); ++it) {
      if (it->first != key) continue;
      relative_base_ = it->second;
      relative_bases_.erase(std::next(it).base());
      return saved;
    }
    fail(Error::bad_relative_offset);
    return saved;
  }

  // --- pidl [subcontext(n)] --------------------------------------------------------------------
  // Reads an n-octet size header (n = 2 or 4), or takes `size` when n is 0, and narrows the Pull
  // to that many bytes, aligned relative to their start, until subcontext_end().
  struct Subcontext {
    std::size_t end;
    std::size_t saved_end;
    std::size_t saved_align_base;
    std::size_t saved_relative_base;
  };
  bool subcontext_begin(std::uint8_t header_bytes, Subcontext& sc, std::uint64_t size = 0);
  // Moves past the subcontext. With `exact`, unread content fails with subcontext_mismatch.
  bool subcontext_end(const Subcontext& sc, bool exact = false);

  // --- pipes -----------------------------------------------------------------------------------
  // Reads a chunk's count and checks it against the remaining bytes (min_wire per element).
  // A count of 0 ends the pipe.
  bool pipe_chunk_begin(std::uint64_t& count, std::size_t min_wire) {
    return u3264(count) && check_count(count, min_wire, 0);
  }
  // NDR64: the trailer must be the negated count (bad_pipe_chunk).
  bool pipe_chunk_end(std::uint64_t count) {
    if (!ndr64_) return ok();
    std::uint64_t neg;
    if (!get(neg)) return false;
    return neg == static_cast<std::uint64_t>(-static_cast<std::int64_t>(count))
               ? true
               : fail_at(Error::bad_pipe_chunk, pos_ - 8);
  }

  // --- values IDL names but does not declare (externals.h) ----------------------------------
  Externals& externals() noexcept { return externals_; }
  const Externals& externals() const noexcept { return externals_; }

  // --- scoped engine flags (pidl [flag()]) ---------------------------------------------------
  std::uint32_t flags() const noexcept { return flags_; }
  void set_flags(std::uint32_t f) noexcept {
    flags_ = f;
    align_mask_ = (f & kFlagNoAlign) ? 0 : ~std::size_t{0};
    swap_ = (f & kFlagLittleEndian) ? false : (!rep_.little_endian || (f & kFlagBigEndian) != 0);
  }

  // Reads a `Wire` scalar into a wider `v`.
  template <class Wire, class T>
  bool get_as(T& v) {
    Wire w;
    bool r = get(w);
    v = w;
    return r;
  }

  // Reads an aligned scalar in the peer's byte order (used by the named functions above).
  template <class T>
  bool get(T& v) {
    static_assert(std::is_arithmetic_v<T>);
    std::size_t pad = (align_base_ - pos_) & (sizeof(T) - 1) & align_mask_;
    if (end_ - pos_ < pad + sizeof(T)) [[unlikely]] {
      v = 0;
      return fail(end_ - pos_ < pad ? Error::missing_padding : Error::buffer_overrun);
    }
    if (pad && limits_.strict_padding) [[unlikely]] {
      if (!check_padding(pad)) {
        v = 0;
        return false;
      }
      pad = 0;
    }
    std::memcpy(&v, data_ + pos_ + pad, sizeof(T));
    pos_ += pad + sizeof(T);
    if (swap_) v = detail::byteswap(v);
    return true;
  }

 private:
  struct FullTable;
  template <class T>
  void copy_in(T* out, const std::uint8_t* src, std::size_t count) {
    if (count == 0) return;  // `out` may be null (an empty vector)
    std::memcpy(out, src, count * sizeof(T));
    if (sizeof(T) > 1 && swap_)
      for (std::size_t i = 0; i < count; ++i) out[i] = detail::byteswap(out[i]);
  }
  template <class T>
  bool float_ok(T& v) {
    if (rep_.float_format == 0) [[likely]] return true;
    v = 0;
    return fail(Error::unsupported_drep);
  }
  bool check_padding(std::size_t pad);
  bool full_find(std::uint64_t id, const void* type, std::shared_ptr<void>& found);
  void full_add(std::uint64_t id, const void* type, std::shared_ptr<void> object);
  void full_done(const void* object) noexcept;
  // Reads the counts of a string form; gives the number of characters sent (with terminator).
  bool string_header(std::uint8_t form, std::uint64_t fixed_max, std::size_t unit,
                     std::uint64_t& count);
  bool string_body(std::uint8_t form, std::size_t unit, std::uint64_t count,
                   const std::uint8_t*& chars, std::size_t& n);

  const std::uint8_t* data_;
  std::size_t pos_ = 0;
  std::size_t end_;
  std::size_t align_base_ = 0;
  std::size_t align_mask_ = ~std::size_t{0};
  std::size_t relative_base_ = 0;
  std::size_t depth_ = 0;
  std::size_t alloc_ = 0;
  std::uint32_t flags_ = 0;
  Externals externals_;
  bool ndr64_;
  bool swap_;
  DataRep rep_;
  Limits limits_;
  Status status_;
  std::unique_ptr<FullTable> full_;
  std::vector<std::pair<const void*, std::uint64_t>> relative_;  // keyed targets (absolute) not yet followed
  std::vector<std::pair<const void*, std::size_t>> relative_bases_;  // [relative_base] values' starts
};

}  // namespace nca::ndr
