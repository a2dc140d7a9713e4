// pybind11 conversions for the C++ shapes ncaidl generates (GENERATED_CODE.md), so that a
// generated module can bind members with def_readwrite and let these do the work:
//  - byte arrays (std::vector<uint8_t>, std::array<uint8_t, N>, DataBlob) are `bytes` (bytes,
//    bytearray, memoryview or a list of ints are accepted);
//  - Unique<T> and Full<T> are None or the pointee's Python value;
//  - InterfacePointer is None or the OBJREF `bytes`;
//  - enums are ints (NCAPY_INT_ENUM, emitted by the generator for each enum).
// Other vectors and arrays are lists (pybind11/stl.h). Runtime value classes (NTSTATUS, WERROR,
// HRESULT, GUID, policy_handle) are classes registered by ncarpc._core.
//
// Include this header before any other pybind11 header in a translation unit.
#pragma once

#include <pybind11/pybind11.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "nca/ndr/types.h"

namespace ncapy::detail {

// Reads bytes-like objects, or a sequence of ints 0..255, into `out` (of size n when fixed_size).
inline bool load_bytes(pybind11::handle src, std::vector<std::uint8_t>& out) {
  PyObject* o = src.ptr();
  if (PyUnicode_Check(o)) return false;
  if (PyObject_CheckBuffer(o)) {
    Py_buffer view;
    if (PyObject_GetBuffer(o, &view, PyBUF_CONTIG_RO) != 0) {
      PyErr_Clear();
      return false;
    }
    const auto* p = static_cast<const std::uint8_t*>(view.buf);
    out.assign(p, p + view.len);
    PyBuffer_Release(&view);
    return true;
  }
  if (!PySequence_Check(o)) return false;
  pybind11::sequence seq = pybind11::reinterpret_borrow<pybind11::sequence>(src);
  out.clear();
  out.reserve(seq.size());
  for (pybind11::handle item : seq) {
    if (!PyLong_Check(item.ptr())) return false;
    long v = PyLong_AsLong(item.ptr());
    if (v < 0 || v > 255) {
      PyErr_Clear();
      return false;
    }
    out.push_back(static_cast<std::uint8_t>(v));
  }
  return true;
}

inline pybind11::handle make_bytes(const std::uint8_t* p, std::size_t n) {
  return PyBytes_FromStringAndSize(reinterpret_cast<const char*>(p), static_cast<Py_ssize_t>(n));
}

}  // namespace ncapy::detail

namespace pybind11::detail {

template <>
struct type_caster<std::vector<std::uint8_t>> {
  PYBIND11_TYPE_CASTER(std::vector<std::uint8_t>, const_name("bytes"));
  bool load(handle src, bool) { return ncapy::detail::load_bytes(src, value); }
  static handle cast(const std::vector<std::uint8_t>& v, return_value_policy, handle) {
    return ncapy::detail::make_bytes(v.data(), v.size());
  }
};

template <std::size_t N>
struct type_caster<std::array<std::uint8_t, N>> {
  PYBIND11_TYPE_CASTER(PYBIND11_TYPE(std::array<std::uint8_t, N>), const_name("bytes"));
  bool load(handle src, bool) {
    std::vector<std::uint8_t> v;
    if (!ncapy::detail::load_bytes(src, v) || v.size() != N) return false;
    std::memcpy(value.data(), v.data(), N);
    return true;
  }
  static handle cast(const std::array<std::uint8_t, N>& v, return_value_policy, handle) {
    return ncapy::detail::make_bytes(v.data(), N);
  }
};

template <>
struct type_caster<nca::ndr::DataBlob> {
  PYBIND11_TYPE_CASTER(nca::ndr::DataBlob, const_name("bytes"));
  bool load(handle src, bool) { return ncapy::detail::load_bytes(src, value.data); }
  static handle cast(const nca::ndr::DataBlob& v, return_value_policy, handle) {
    return ncapy::detail::make_bytes(v.data.data(), v.data.size());
  }
};

template <>
struct type_caster<nca::ndr::InterfacePointer> {
  PYBIND11_TYPE_CASTER(nca::ndr::InterfacePointer, const_name("Optional[bytes]"));
  bool load(handle src, bool) {
    if (src.is_none()) {
      value.objref.reset();
      return true;
    }
    return ncapy::detail::load_bytes(src, value.objref.emplace());
  }
  static handle cast(const nca::ndr::InterfacePointer& v, return_value_policy, handle) {
    if (!v.objref) return none().release();
    return ncapy::detail::make_bytes(v.objref->data(), v.objref->size());
  }
};

// A pointer that may be NULL: None, or what its pointee converts to. A class pointee is returned
// by reference to the pointee (under the policy pybind11 chose), so `s.ptr.member = 1` changes it.
template <class P, class T>
struct nullable_caster {
  using value_conv = make_caster<T>;
  PYBIND11_TYPE_CASTER(P, const_name("Optional[") + value_conv::name + const_name("]"));
  bool load(handle src, bool convert) {
    if (src.is_none()) {
      value = P{};
      return true;
    }
    value_conv inner;
    if (!inner.load(src, convert)) return false;
    if constexpr (std::is_same_v<P, nca::ndr::Unique<T>>) {
      value.emplace(cast_op<T&&>(std::move(inner)));
    } else {
      value = std::make_shared<T>(cast_op<T&&>(std::move(inner)));
    }
    return true;
  }
  template <class U>
  static handle cast(U&& src, return_value_policy policy, handle parent) {
    if (!src) return none().release();
    if constexpr (std::is_rvalue_reference_v<U&&>) {
      return value_conv::cast(std::move(*src), return_value_policy::move, parent);
    } else {
      return value_conv::cast(*src, policy, parent);
    }
  }
};

template <class T>
struct type_caster<nca::ndr::Unique<T>> : nullable_caster<nca::ndr::Unique<T>, T> {};
template <class T>
struct type_caster<nca::ndr::Full<T>> : nullable_caster<nca::ndr::Full<T>, T> {};

// Enumerations are their numbers, as Samba's bindings have them (values the IDL does not list
// survive unchanged).
template <class E>
struct int_enum_caster {
  using U = std::underlying_type_t<E>;
  PYBIND11_TYPE_CASTER(E, const_name("int"));
  bool load(handle src, bool convert) {
    make_caster<U> c;
    if (!c.load(src, convert)) return false;
    value = static_cast<E>(cast_op<U>(c));
    return true;
  }
  static handle cast(E v, return_value_policy, handle) {
    return PyLong_FromUnsignedLongLong(static_cast<unsigned long long>(v));
  }
};

}  // namespace pybind11::detail

// Makes the enum E an int in Python. At global scope, once per enum type.
#define NCAPY_INT_ENUM(E)                                                          \
  namespace pybind11::detail {                                                     \
  template <>                                                                      \
  struct type_caster<E> : int_enum_caster<E> {};                                   \
  }
