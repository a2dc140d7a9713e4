// JSON forms (nlohmann::json) of the NDR value types, chosen so that JSON -> value -> bytes ->
// value gives back the same value.
//
//   Guid            "01234567-89ab-cdef-0123-456789abcdef"
//   ContextHandle   {"handle_type": 0, "uuid": "..."}
//   NtStatus etc.   "NT_STATUS_ACCESS_DENIED" (known names) or "NT_STATUS_0x12345678"
//   NtTime          the 64-bit tick count as a number
//   DataBlob        "0a0b0c" (lowercase hex)
//   Unique<T>, Full<T>, std::optional<T>  null, or the pointee's JSON (a full pointer's aliasing is not kept in JSON)
//   text            a JSON string when valid UTF-8; otherwise {"utf16": [units]} for WTF-8 text
//                   (text_to_json) or {"hex": "..."} for byte strings (bytes_to_json)
//   float, double   a number; NaN and infinities as "NaN", "Infinity", "-Infinity"
//
// Generated to_json/from_json functions use these for members of these types and the *_to_json /
// *_from_json helpers for strings and floats. from_json functions throw nlohmann::json::exception
// on JSON of the wrong shape (nlohmann's convention), and never on any JSON this file produced.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "nca/ndr/types.h"

namespace nca::ndr {

void to_json(nlohmann::json& j, const Guid& g);
void from_json(const nlohmann::json& j, Guid& g);
void to_json(nlohmann::json& j, const ContextHandle& h);
void from_json(const nlohmann::json& j, ContextHandle& h);
void to_json(nlohmann::json& j, const NtStatus& v);
void from_json(const nlohmann::json& j, NtStatus& v);
void to_json(nlohmann::json& j, const WError& v);
void from_json(const nlohmann::json& j, WError& v);
void to_json(nlohmann::json& j, const HResult& v);
void from_json(const nlohmann::json& j, HResult& v);
void to_json(nlohmann::json& j, const NtTime& v);
void from_json(const nlohmann::json& j, NtTime& v);
void to_json(nlohmann::json& j, const DataBlob& b);
void from_json(const nlohmann::json& j, DataBlob& b);

template <class T>
void to_json(nlohmann::json& j, const Unique<T>& p) {
  if (p)
    j = *p;
  else
    j = nullptr;
}
template <class T>
void from_json(const nlohmann::json& j, Unique<T>& p) {
  if (j.is_null())
    p.reset();
  else
    j.get_to(p.emplace());
}

// std::optional (a [unique] pointer to a non-recursive type): null, or the value's JSON.
template <class T>
nlohmann::json optional_to_json(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
template <class T>
void optional_from_json(const nlohmann::json& j, std::optional<T>& v) {
  if (j.is_null())
    v.reset();
  else
    j.get_to(v.emplace());
}

// WTF-8 text (charset(UTF16) strings).
nlohmann::json text_to_json(std::string_view wtf8);
std::string text_from_json(const nlohmann::json& j);
// Byte strings (char, charset(DOS), charset(UTF8)): sent as they are, whatever their encoding.
nlohmann::json bytes_to_json(std::string_view bytes);
std::string bytes_from_json(const nlohmann::json& j);
// wchar_t strings.
nlohmann::json u16_to_json(std::u16string_view units);
std::u16string u16_from_json(const nlohmann::json& j);
// Floating point including non-finite values.
nlohmann::json float_to_json(double v);
double float_from_json(const nlohmann::json& j);

}  // namespace nca::ndr

// Guid is nca::base's type, where argument-dependent lookup does not see nca::ndr; this tells
// nlohmann to use the two functions above for it (base stays free of JSON).
template <>
struct nlohmann::adl_serializer<nca::base::Guid> {
  static void to_json(nlohmann::json& j, const nca::base::Guid& g) { nca::ndr::to_json(j, g); }
  static void from_json(const nlohmann::json& j, nca::base::Guid& g) { nca::ndr::from_json(j, g); }
};
