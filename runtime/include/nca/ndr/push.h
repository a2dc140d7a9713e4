// nca::ndr::Push: marshals values into a growable little-endian NDR20 or NDR64 octet stream.
//
// Generated code calls Push in the two-pass walk described in runtime/ndr/README.md: a scalars
// pass that writes a construct's fixed part (with referent ids for its embedded pointers), then a
// buffers pass that writes the deferred pointees in order.
//
// Contract:
//  - Every scalar is aligned to its own size (relative to the alignment base: the start of the
//    stream, or of the innermost [subcontext]) and padding bytes are zero.
//  - Errors are sticky (error.h). After the first failure the status keeps the first error and
//    the bytes written are meaningless; the calls stay safe.
//  - A Push owns its buffer. bytes() is valid until the next call that writes or clear().
//  - Not thread-safe; one Push per message. clear() reuses the buffer for the next message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <iterator>
#include <vector>

#include "nca/ndr/data_rep.h"
#include "nca/ndr/detail/bytes.h"
#include "nca/ndr/error.h"
#include "nca/ndr/externals.h"
#include "nca/ndr/types.h"

namespace nca::ndr {

class Push {
 public:
  // The first referent id handed out; ids go up by 4 (the sequence Windows and Samba use).
  static constexpr std::uint32_t kFirstReferentId = 0x00020000;

  explicit Push(Syntax syntax = Syntax::ndr20, std::size_t reserve = 256);
  Push(Push&&) noexcept;
  Push& operator=(Push&&) noexcept;
  ~Push();

  Syntax syntax() const noexcept { return ndr64_ ? Syntax::ndr64 : Syntax::ndr20; }
  bool ndr64() const noexcept { return ndr64_; }
  const Status& status() const noexcept { return status_; }
  bool ok() const noexcept { return status_.ok(); }

  std::span<const std::uint8_t> bytes() const noexcept { return {buf_.get(), size_}; }
  std::size_t size() const noexcept { return size_; }
  std::vector<std::uint8_t> to_vector() const { return {buf_.get(), buf_.get() + size_}; }
  // Empties the stream and forgets referent ids and flags, keeping the allocation.
  void clear() noexcept;

  // Records `e` at the current offset unless an error is already recorded. Generated code uses it
  // for violations only it can see (a union value with no arm: Error::bad_switch_value).
  void fail(Error e) noexcept;

  // --- alignment and raw bytes -----------------------------------------------------------------
  // Pads with zeros to a multiple of n (1, 2, 4, 8 or 16). No-op under kFlagNoAlign.
  void align(std::size_t n) {
    std::size_t pad = (align_base_ - size_) & (n - 1) & align_mask_;
    if (pad) std::memset(grab(pad), 0, pad);
  }
  // Appends n bytes as they are (no alignment).
  void raw(const void* data, std::size_t n) {
    if (n) std::memcpy(grab(n), data, n);
  }
  void zeros(std::size_t n) {
    if (n) std::memset(grab(n), 0, n);
  }

  // --- scalars: each aligned to its size ------------------------------------------------------
  void u8(std::uint8_t v) { put(v); }
  void i8(std::int8_t v) { put(v); }
  void u16(std::uint16_t v) { put(v); }
  void i16(std::int16_t v) { put(v); }
  void u32(std::uint32_t v) { put(v); }
  void i32(std::int32_t v) { put(v); }
  void u64(std::uint64_t v) { put(v); }  // hyper: aligned to 8
  void i64(std::int64_t v) { put(v); }
  void f32(float v) { put(v); }
  void f64(double v) { put(v); }
  // IDL boolean / pidl boolean8 (one octet, 0 or 1).
  void boolean(bool v) { put(static_cast<std::uint8_t>(v ? 1 : 0)); }
  // A default enum: 16 bits in NDR20 (values above 0xffff fail with bad_value), 32 in NDR64.
  // [v1_enum] and pidl's enum8/16/32bit attributes use u32/u8/u16 instead.
  void enum16(std::uint32_t v) {
    if (ndr64_) return put(v);
    if (v > 0xffff) [[unlikely]] return fail(Error::bad_value);
    put(static_cast<std::uint16_t>(v));
  }
  // pidl's uint3264 and every NDR count: 32 bits in NDR20 (larger values: count_too_large),
  // 64 bits in NDR64.
  void u3264(std::uint64_t v) {
    if (ndr64_) return put(v);
    if (v > 0xffffffffu) [[unlikely]] return fail(Error::count_too_large);
    put(static_cast<std::uint32_t>(v));
  }
  // pidl's udlong (NTTIME, FILETIME): two 32-bit halves, low first, aligned to 4.
  void udlong(std::uint64_t v) {
    put(static_cast<std::uint32_t>(v));
    put(static_cast<std::uint32_t>(v >> 32));
  }
  // pidl's udlongr: high half first.
  void udlongr(std::uint64_t v) {
    put(static_cast<std::uint32_t>(v >> 32));
    put(static_cast<std::uint32_t>(v));
  }

  // An array of scalars, aligned to the element size, in one copy when no swap is needed.
  template <class T>
  void array(std::span<const T> v) {
    static_assert(std::is_arithmetic_v<T>);
    align(sizeof(T));
    if (v.empty()) return;
    std::uint8_t* p = grab(v.size() * sizeof(T));
    if (sizeof(T) == 1 || !swap_) {
      std::memcpy(p, v.data(), v.size() * sizeof(T));
    } else {
      for (T x : v) {
        x = detail::byteswap(x);
        std::memcpy(p, &x, sizeof(T));
        p += sizeof(T);
      }
    }
  }
  template <class T>
  void array(const std::vector<T>& v) {
    array(std::span<const T>(v));
  }

  // --- conformance and variance (C706 14.3.3; MS-RPCE 2.2.5.3.2) -------------------------------
  // A maximum count: u32 aligned 4 in NDR20, u64 aligned 8 in NDR64. For a conformant struct the
  // generated code writes it first ("hoisted"), before aligning to the struct.
  void conformance(std::uint64_t max_count) { u3264(max_count); }
  // Offset and actual count of a varying array ([length_is] etc.).
  void variance(std::uint64_t offset, std::uint64_t length) {
    u3264(offset);
    u3264(length);
  }
  // [first_is]/[last_is]: converts the inclusive index pair to (offset, actual count).
  // last < first - 1 fails with array_bounds.
  void variance_first_last(std::uint64_t first, std::uint64_t last) {
    if (last + 1 < first) [[unlikely]] return fail(Error::array_bounds);
    variance(first, last + 1 - first);
  }

  // --- pointers ------------------------------------------------------------------------------
  // A pointer's referent id: 4 bytes (NDR20) or 8 (NDR64), aligned to its size. `present` false
  // writes 0 (null [unique]/[ptr]). Top-level [ref] pointers have no wire form: write nothing.
  void referent(bool present) {
    std::uint64_t id = 0;
    if (present) {
      id = next_id_;
      next_id_ += 4;
    }
    u3264(id);
  }
  // A full ([ptr]) pointer to `object` (nullptr for null). Writes the object's referent id, the
  // same id for every pointer to the same address. Returns true the first time `object` is seen:
  // its pointee must then be pushed in the buffers pass (check full_pointee_pending there).
  bool full_pointer(const void* object);
  // Buffers pass: true exactly once per object announced by full_pointer, at which point the
  // caller pushes the pointee; false for aliases and null.
  bool full_pointee_pending(const void* object);

  // --- strings -------------------------------------------------------------------------------
  // `form` is a StrForm combination; `fixed_max` is N of a fixed `[string] T a[N]` (the actual
  // count including the NUL must not exceed it: count_too_large). A NUL is appended unless
  // kStrNoterm. Embedded NULs are sent as they are.
  // One-octet characters (char, charset(DOS/UTF8/ASCII)).
  void string(std::string_view chars, std::uint8_t form = kStrConformantVarying,
              std::uint64_t fixed_max = 0);
  // wchar_t / UTF-16 units as they are.
  void string(std::u16string_view units, std::uint8_t form = kStrConformantVarying,
              std::uint64_t fixed_max = 0);
  // pidl [charset(UTF16)]: WTF-8 text sent as UTF-16 (ill-formed text: invalid_charset).
  void string_utf16(std::string_view wtf8, std::uint8_t form = kStrConformantVarying,
                    std::uint64_t fixed_max = 0);
  // The bare UTF-16 units of `wtf8`, aligned to 2, no counts and no terminator: for
  // [charset(UTF16), size_is(), length_is()] arrays whose counts generated code writes itself
  // (it gets `units` from utf16_length() or from the IDL). Ill-formed text fails with
  // invalid_charset, well-formed text of another length with array_size_mismatch.
  void utf16_units(std::string_view wtf8, std::size_t units);

  // --- well-known types ----------------------------------------------------------------------
  void guid(const Guid& g) {
    put(g.time_low());
    put(g.time_mid());
    put(g.time_hi_and_version());
    raw(g.bytes.data() + 8, 8);  // clock_seq and node, as they are
  }
  void context_handle(const ContextHandle& h) {
    put(h.attributes);
    guid(h.uuid);
  }
  void nttime(NtTime t) { udlong(t.value); }
  void ntstatus(NtStatus s) { put(s.value); }
  void werror(WError s) { put(s.value); }
  void hresult(HResult s) { put(s.value); }
  // pidl's DATA_BLOB without flags: a uint3264 length, then the bytes.
  void data_blob(const DataBlob& b) {
    u3264(b.data.size());
    raw(b.data.data(), b.data.size());
  }

  // --- pidl [relative] pointers --------------------------------------------------------------
  // Scalars pass: writes a 32-bit placeholder (0 when !present) and returns its offset, to be
  // passed to relative_ptr_target() when the pointee is pushed. Offsets count from relative_base().
  std::size_t relative_ptr(bool present);
  // Buffers pass, just before pushing the pointee: patches the placeholder with the current
  // offset minus the relative base.
  void relative_ptr_target(std::size_t placeholder);
  // The same for generated code, whose scalars and buffers passes are separate calls: `key` is the
  // address of the pointer's value, the same in both passes. A key with no placeholder recorded
  // fails with bad_relative_offset.
  // The offset counts from the relative base current when the placeholder is written (the
  // scalars pass), which is the one Samba's buffers pass restores for the same value.
  void relative_ptr(const void* key, bool present) {
    relative_.push_back({key, relative_ptr(present), relative_base_, 4});
  }
  // pidl's [relative_short]: the same with a 16-bit placeholder (aligned to 2); an offset above
  // 0xffff fails with count_too_large (Samba's ndr_push_short_relative_ptr1/2).
  void short_relative_ptr(const void* key, bool present);
  void relative_ptr_target(const void* key);
  std::size_t relative_base() const noexcept { return relative_base_; }
  // For [relative_base] structs and unions: generated code saves the base, sets it to the
  // value's offset (after its alignment) in the scalars pass, and restores it after the value.
  void set_relative_base(std::size_t offset) noexcept { relative_base_ = offset; }
  // pidl's [relative_base] in generated code, whose passes are separate calls. Scalars pass, after
  // the value's alignment: relative_base_begin(&v, has_buffers) makes the current offset the
  // base (remembered under `key` when a buffers pass follows); buffers pass:
  // relative_base_resume(&v) makes it the base again (bad_relative_offset when nothing was
  // remembered). Both return the base to restore with set_relative_base() after the value
  // (Samba's ndr_*_setup_relative_base_offset1/2 and _save_relative_base_offset).
  std::size_t relative_base_begin(const void* key, bool has_buffers) {
    std::size_t saved = relative_base_;
    relative_base_ = size_;
    if (has_buffers) relative_bases_.emplace_back(key, size_);
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

  // --- pidl [subcontext(n)] ------------------------------------------------------------------
  // The content is written in place after an n-octet size header (n = 0, 2 or 4; 0 means the
  // caller knows the size from elsewhere) and is aligned relative to its own start.
  struct Subcontext {
    std::size_t header_at;
    std::size_t start;
    std::size_t saved_align_base;
    std::size_t saved_relative_base;
    std::uint8_t header_bytes;
  };
  Subcontext subcontext_begin(std::uint8_t header_bytes);
  // Ends the content and patches the header. `pad_to` (pidl subcontext_size) pads the content
  // with zeros to that size; content larger than it fails with subcontext_mismatch.
  void subcontext_end(const Subcontext& sc, std::size_t pad_to = 0);

  // --- pipes (C706 14.3.? pipe chunks; MS-RPCE 2.2.5.3.4.5) ----------------------------------
  // A chunk is its element count, the elements (written by the caller), and in NDR64 the count
  // negated. pipe_end() writes the empty chunk that ends the pipe.
  void pipe_chunk_begin(std::uint64_t count) { u3264(count); }
  void pipe_chunk_end(std::uint64_t count) {
    if (ndr64_) put(static_cast<std::uint64_t>(-static_cast<std::int64_t>(count)));
  }
  void pipe_end() {
    pipe_chunk_begin(0);
    pipe_chunk_end(0);
  }

  // --- values IDL names but does not declare (externals.h) ----------------------------------
  Externals& externals() noexcept { return externals_; }
  const Externals& externals() const noexcept { return externals_; }

  // --- pidl's dns_string/nbt_string name compression (nca/ndr/samba/builtins.h) ---------------
  // Every name suffix pushed as labels in this stream, with its offset (Samba's
  // ndr_push::dns_string_list). Forgotten by clear().
  std::vector<std::pair<std::string, std::size_t>>& dns_names() noexcept { return dns_names_; }

  // --- scoped engine flags (pidl [flag()]) ---------------------------------------------------
  std::uint32_t flags() const noexcept { return flags_; }
  void set_flags(std::uint32_t f) noexcept {
    flags_ = f;
    align_mask_ = (f & kFlagNoAlign) ? 0 : ~std::size_t{0};
    swap_ = (f & kFlagBigEndian) != 0 && (f & kFlagLittleEndian) == 0;
  }

  // Writes an aligned scalar (used by the named functions above).
  template <class T>
  void put(T v) {
    static_assert(std::is_arithmetic_v<T>);
    std::size_t pad = (align_base_ - size_) & (sizeof(T) - 1) & align_mask_;
    std::uint8_t* p = grab(pad + sizeof(T));
    // Zero the padding with one fixed-size store (grab leaves kSlack bytes of room), then write
    // the value over what is not padding.
    std::memset(p, 0, 8);
    if (swap_) v = detail::byteswap(v);
    std::memcpy(p + pad, &v, sizeof(T));
  }

  // Reserves n bytes at the end and returns where to write them (no alignment, no zeroing).
  // At least kSlack more bytes past them are writable scratch space.
  std::uint8_t* grab(std::size_t n) {
    if (cap_ - size_ < n + kSlack) [[unlikely]] grow(n);
    std::uint8_t* p = buf_.get() + size_;
    size_ += n;
    return p;
  }

 private:
  static constexpr std::size_t kSlack = 8;
  struct FullTable;
  void grow(std::size_t n);
  void push_string_header(std::uint64_t count, std::uint8_t form, std::uint64_t fixed_max);

  std::vector<std::pair<std::string, std::size_t>> dns_names_;
  std::unique_ptr<std::uint8_t[]> buf_;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
  std::size_t align_base_ = 0;
  std::size_t align_mask_ = ~std::size_t{0};
  std::size_t relative_base_ = 0;
  std::uint64_t next_id_ = kFirstReferentId;
  std::uint32_t flags_ = 0;
  Externals externals_;
  bool ndr64_ = false;
  bool swap_ = false;
  Status status_;
  std::unique_ptr<FullTable> full_;
  struct RelativePlaceholder {
    const void* key;
    std::size_t at;    // where the placeholder is
    std::size_t base;  // the relative base when it was written
    std::uint8_t width;  // 4, or 2 for [relative_short]
  };
  std::vector<RelativePlaceholder> relative_;  // keyed placeholders not yet patched
  std::vector<std::pair<const void*, std::size_t>> relative_bases_;  // [relative_base] values' starts
};

}  // namespace nca::ndr
