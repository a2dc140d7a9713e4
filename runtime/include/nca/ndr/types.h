// The C++ value types generated code uses for NDR constructs that are not plain integers.
//
//   IDL                                      C++ member type
//   ---------------------------------------  -----------------------------------------------
//   [ref] T *p (embedded or top-level)       T                      (never null on the wire)
//   [unique] T *p                            std::optional<T> when T cannot contain itself,
//                                            else Unique<T>         (nullable, deep-copying box)
//   [ptr] T *p  (full pointer)               Full<T>: a std::shared_ptr<T> (aliasing preserved)
//                                            comparing pointees
//   [size_is(n)] T *p / T a[]                std::vector<T>, in std::optional<> when unique
//   T a[N]                                   std::array<T, N>
//   [string] char *, charset(DOS/UTF8/ASCII) std::string (bytes as sent)
//   [string, charset(UTF16)] uint16 *        std::string holding WTF-8 (see charset.h)
//   [string] wchar_t *                       std::u16string (UTF-16 units as sent)
//   GUID, policy_handle / context handle     Guid, ContextHandle
//   NTSTATUS, WERROR, HRESULT                NtStatus, WError, HResult
//   NTTIME                                   NtTime
//   DATA_BLOB                                DataBlob
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "nca/base/guid.h"

namespace nca::ndr {

// A nullable owning pointer with value semantics: copying copies the pointee. Used for [unique]
// pointers, so generated structs stay regular (copyable, comparable) and may be recursive.
template <class T>
class Unique {
 public:
  Unique() noexcept = default;
  Unique(std::nullptr_t) noexcept {}
  Unique(T value) : p_(std::make_unique<T>(std::move(value))) {}
  Unique(const Unique& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Unique(Unique&&) noexcept = default;
  Unique& operator=(const Unique& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Unique& operator=(Unique&&) noexcept = default;
  Unique& operator=(std::nullptr_t) noexcept {
    p_.reset();
    return *this;
  }

  // Makes the box hold a default-constructed (or given) value and returns it.
  template <class... Args>
  T& emplace(Args&&... args) {
    p_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *p_;
  }
  void reset() noexcept { p_.reset(); }

  explicit operator bool() const noexcept { return p_ != nullptr; }
  T* get() const noexcept { return p_.get(); }
  T& operator*() const noexcept { return *p_; }
  T* operator->() const noexcept { return p_.get(); }

  friend bool operator==(const Unique& a, const Unique& b) {
    if (!a.p_ || !b.p_) return !a.p_ && !b.p_;
    return *a.p_ == *b.p_;
  }

 private:
  std::unique_ptr<T> p_;
};

// Pointees that can never contain a Unique themselves (numbers, enums, strings) are held inline
// instead of on the heap: the same interface except that constness reaches the pointee, and one
// allocation fewer per pointee (a [unique] string in every element of an array is the common
// case: lsa_String). get() is then only stable while the Unique is not moved.
template <class T>
concept UniqueInline = std::is_arithmetic_v<T> || std::is_enum_v<T> ||
                       std::is_same_v<T, std::string> || std::is_same_v<T, std::u16string>;

template <UniqueInline T>
class Unique<T> {
 public:
  Unique() noexcept = default;
  Unique(std::nullptr_t) noexcept {}
  Unique(T value) : v_(std::move(value)) {}
  Unique(const Unique&) = default;
  // A moved-from Unique is empty, as with the heap form.
  Unique(Unique&& o) noexcept : v_(std::move(o.v_)) { o.v_.reset(); }
  Unique& operator=(const Unique&) = default;
  Unique& operator=(Unique&& o) noexcept {
    if (this != &o) {
      v_ = std::move(o.v_);
      o.v_.reset();
    }
    return *this;
  }
  Unique& operator=(std::nullptr_t) noexcept {
    v_.reset();
    return *this;
  }

  template <class... Args>
  T& emplace(Args&&... args) {
    return v_.emplace(std::forward<Args>(args)...);
  }
  void reset() noexcept { v_.reset(); }

  explicit operator bool() const noexcept { return v_.has_value(); }
  // Constness goes through to the pointee here (the storage is part of the object).
  T* get() noexcept { return v_ ? &*v_ : nullptr; }
  const T* get() const noexcept { return v_ ? &*v_ : nullptr; }
  T& operator*() noexcept { return *v_; }
  const T& operator*() const noexcept { return *v_; }
  T* operator->() noexcept { return get(); }
  const T* operator->() const noexcept { return get(); }

  friend bool operator==(const Unique& a, const Unique& b) { return a.v_ == b.v_; }

 private:
  std::optional<T> v_;
};

// [ptr] full pointers: two pointers to the same object marshal as one referent id, and pull gives
// back two pointers to one object. A Full<T> is a std::shared_ptr<T> (shared ownership, so that
// aliasing survives) with value equality:
//  - Copies are shallow: copying a value that holds a Full<T> shares the pointee, and a change
//    through one copy is seen through the other (as with the aliases of one pulled value).
//  - `a == b` compares pointees: both null, the same object, or both non-null with equal
//    pointees. Two values pulled from the same bytes compare equal. `same_object()` asks for
//    identity. Comparison recurses into the pointees; it does not terminate on a cyclic graph,
//    which pull never produces (pointer_cycle) but a program can build.
template <class T>
class Full : public std::shared_ptr<T> {
 public:
  using std::shared_ptr<T>::shared_ptr;
  Full() noexcept = default;
  Full(std::shared_ptr<T> p) noexcept : std::shared_ptr<T>(std::move(p)) {}  // NOLINT: implicit

  bool same_object(const Full& o) const noexcept { return this->get() == o.get(); }

  friend bool operator==(const Full& a, const Full& b) {
    if (a.get() == b.get()) return true;
    if (!a || !b) return false;
    return *a == *b;
  }
  friend bool operator==(const Full& a, std::nullptr_t) noexcept { return !a; }
};

// A GUID: nca::base::Guid (16 bytes in text order; NDR puts it on the wire as u32, u16, u16 in
// the stream's byte order, then 8 bytes, C706 appendix A). Guid::from_fields builds one from the
// NDR fields; parse() and to_string() read and write "01234567-89ab-cdef-0123-456789abcdef".
using Guid = base::Guid;

// A context handle (MS-RPCE 2.2.5.x / C706 ndr_context_handle): 20 bytes on the wire, a 32-bit
// attributes word then a GUID. Samba calls it policy_handle (handle_type, uuid).
struct ContextHandle {
  std::uint32_t attributes = 0;
  Guid uuid;

  friend auto operator<=>(const ContextHandle&, const ContextHandle&) = default;
  bool is_nil() const noexcept { return attributes == 0 && uuid.is_nil(); }
};
using PolicyHandle = ContextHandle;

// Result codes as distinct types so they cannot be mixed up; names() knows the common codes.
struct NtStatus {
  std::uint32_t value = 0;
  friend auto operator<=>(const NtStatus&, const NtStatus&) = default;
  bool is_ok() const noexcept { return value == 0; }
  bool is_error() const noexcept { return (value >> 30) == 3; }
  // "NT_STATUS_ACCESS_DENIED", or "NT_STATUS_0x12345678" when unknown.
  std::string name() const;
  static std::optional<NtStatus> from_name(std::string_view name);
};
struct WError {
  std::uint32_t value = 0;
  friend auto operator<=>(const WError&, const WError&) = default;
  bool is_ok() const noexcept { return value == 0; }
  std::string name() const;  // "WERR_ACCESS_DENIED", or "WERR_0x00001234"
  static std::optional<WError> from_name(std::string_view name);
};
struct HResult {
  std::uint32_t value = 0;
  friend auto operator<=>(const HResult&, const HResult&) = default;
  bool is_ok() const noexcept { return (value >> 31) == 0; }
  std::string name() const;  // "E_ACCESSDENIED", or "HRES_0x80001234"
  static std::optional<HResult> from_name(std::string_view name);
};

// NTTIME / FILETIME: 100 ns intervals since 1601-01-01 UTC. On the wire as two 32-bit halves,
// low first, aligned to 4 (Push::udlong).
struct NtTime {
  std::uint64_t value = 0;
  friend auto operator<=>(const NtTime&, const NtTime&) = default;
  // "2024-01-02 03:04:05.1234567 UTC"; "0" and "infinity" (0x7fffffffffffffff) as such.
  std::string to_string() const;
};

// pidl's DATA_BLOB: bytes printed and converted to JSON as hex.
struct DataBlob {
  std::vector<std::uint8_t> data;
  friend bool operator==(const DataBlob&, const DataBlob&) = default;
};

// A COM interface pointer as it travels: the OBJREF octets of MS-DCOM's MInterfacePointer
// ({ulCntData; [size_is(ulCntData)] byte abData[]}), or none for a null interface pointer. On the
// wire it is a [unique] pointer to that conformant structure, wherever the interface pointer is
// (MS-RPCE 2.2.4.? / MS-DCOM 2.2.14); building and reading OBJREFs is the caller's business.
struct InterfacePointer {
  std::optional<std::vector<std::uint8_t>> objref;
  friend bool operator==(const InterfacePointer&, const InterfacePointer&) = default;
};

// Common codes, named as Samba and Windows name them.
namespace status {
inline constexpr NtStatus kOk{0x00000000};
inline constexpr NtStatus kMoreEntries{0x00000105};
inline constexpr NtStatus kSomeNotMapped{0x00000107};
inline constexpr NtStatus kBufferOverflow{0x80000005};
inline constexpr NtStatus kNoMoreEntries{0x8000001a};
inline constexpr NtStatus kUnsuccessful{0xc0000001};
inline constexpr NtStatus kNotImplemented{0xc0000002};
inline constexpr NtStatus kInvalidInfoClass{0xc0000003};
inline constexpr NtStatus kInvalidHandle{0xc0000008};
inline constexpr NtStatus kInvalidParameter{0xc000000d};
inline constexpr NtStatus kNoMemory{0xc0000017};
inline constexpr NtStatus kAccessDenied{0xc0000022};
inline constexpr NtStatus kBufferTooSmall{0xc0000023};
inline constexpr NtStatus kObjectNameNotFound{0xc0000034};
inline constexpr NtStatus kNoSuchUser{0xc0000064};
inline constexpr NtStatus kNoneMapped{0xc0000073};
inline constexpr NtStatus kNotSupported{0xc00000bb};
inline constexpr NtStatus kInternalError{0xc00000e5};
}  // namespace status
namespace werror {
inline constexpr WError kOk{0};
inline constexpr WError kBadFile{2};
inline constexpr WError kAccessDenied{5};
inline constexpr WError kNotEnoughMemory{8};
inline constexpr WError kNotSupported{50};
inline constexpr WError kInvalidParameter{87};
inline constexpr WError kInsufficientBuffer{122};
inline constexpr WError kInvalidName{123};
inline constexpr WError kUnknownLevel{124};
inline constexpr WError kMoreData{234};
inline constexpr WError kNoMoreItems{259};
}  // namespace werror
namespace hresult {
inline constexpr HResult kOk{0x00000000};
inline constexpr HResult kFalse{0x00000001};
inline constexpr HResult kNotImpl{0x80004001};
inline constexpr HResult kNoInterface{0x80004002};
inline constexpr HResult kPointer{0x80004003};
inline constexpr HResult kAbort{0x80004004};
inline constexpr HResult kFail{0x80004005};
inline constexpr HResult kUnexpected{0x8000ffff};
inline constexpr HResult kAccessDenied{0x80070005};
inline constexpr HResult kOutOfMemory{0x8007000e};
inline constexpr HResult kInvalidArg{0x80070057};
}  // namespace hresult

}  // namespace nca::ndr
