// Hand-written code in the shape the NDR back end is to generate (see runtime/ndr/README.md), for
// the sample types the tests and the benchmark use. The IDL of each is quoted above it; the
// first group are Samba's public types (lsa.idl, security.idl, srvsvc.idl, samr.idl) so that
// Samba's own library can check the bytes.
#pragma once

#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "nca/ndr/json.h"
#include "nca/ndr/ndr.h"

namespace samples {

using namespace nca::ndr;

// What the IR gives the generator: alignment of a pointer-holding struct.
inline std::size_t ptr_align(bool ndr64) { return ndr64 ? 8 : 4; }

// ---------------------------------------------------------------------------------------------
// typedef struct {
//   [value(2*strlen_m(string))] uint16 length;
//   [value(2*strlen_m(string))] uint16 size;
//   [charset(UTF16),size_is(size/2),length_is(length/2)] uint16 *string;
// } lsa_String;
struct LsaString {
  std::uint16_t length = 0;
  std::uint16_t size = 0;
  std::optional<std::string> string;
  friend bool operator==(const LsaString&, const LsaString&) = default;
};

inline void push(Push& p, int pass, const LsaString& v) {
  std::size_t units = 0;
  if (v.string) {
    auto n = utf16_length(*v.string);
    if (!n) return p.fail(Error::invalid_charset);
    if (*n > 0x7fff) return p.fail(Error::count_too_large);
    units = *n;
  }
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.u16(static_cast<std::uint16_t>(2 * units));  // [value()]
    p.u16(static_cast<std::uint16_t>(2 * units));
    p.referent(static_cast<bool>(v.string));
    if (p.ndr64()) p.align(8);  // NDR64 pads a structure to its alignment
  }
  if ((pass & kBuffers) && v.string) {
    p.conformance(units);
    p.variance(0, units);
    p.utf16_units(*v.string, units);
  }
}

inline bool pull(Pull& p, int pass, LsaString& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.u16(v.length);
    p.u16(v.size);
    p.unique_pointer(v.string);
    if (p.ndr64()) p.align(8);
  }
  if ((pass & kBuffers) && v.string) {
    auto nest = p.nest();
    std::uint64_t max = 0, offset = 0, length = 0;
    p.conformance(max);
    p.variance(offset, length, max);
    p.expect_count(max, v.size / 2);
    p.expect_count(length, v.length / 2);
    if (offset != 0) p.fail(Error::bad_string_offset);
    p.utf16_units(*v.string, length);
  }
  return p.ok();
}

inline void print(Printer& pr, std::string_view name, const LsaString& v) {
  pr.struct_begin(name, "lsa_String");
  pr.field("length", v.length);
  pr.field("size", v.size);
  if (pr.ptr("string", static_cast<bool>(v.string))) {
    pr.string("string", *v.string);
    pr.ptr_end();
  }
  pr.struct_end();
}

inline void to_json(nlohmann::json& j, const LsaString& v) {
  j = nlohmann::json{{"length", v.length},
                     {"size", v.size},
                     {"string", v.string ? text_to_json(*v.string) : nlohmann::json(nullptr)}};
}
inline void from_json(const nlohmann::json& j, LsaString& v) {
  j.at("length").get_to(v.length);
  j.at("size").get_to(v.size);
  if (j.at("string").is_null())
    v.string.reset();
  else
    v.string = text_from_json(j.at("string"));
}

// ---------------------------------------------------------------------------------------------
// typedef struct {
//   lsa_SidType sid_type;       /* a default (16-bit, NDR64 32-bit) enum */
//   lsa_String name;
//   uint32 sid_index;
// } lsa_TranslatedName;
struct TranslatedName {
  std::uint32_t sid_type = 0;
  LsaString name;
  std::uint32_t sid_index = 0;
  friend bool operator==(const TranslatedName&, const TranslatedName&) = default;
};

inline void push(Push& p, int pass, const TranslatedName& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.enum16(v.sid_type);
    push(p, kScalars, v.name);
    p.u32(v.sid_index);
    if (p.ndr64()) p.align(8);
  }
  if (pass & kBuffers) push(p, kBuffers, v.name);
}

inline bool pull(Pull& p, int pass, TranslatedName& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.enum16(v.sid_type);
    pull(p, kScalars, v.name);
    p.u32(v.sid_index);
    if (p.ndr64()) p.align(8);
  }
  if (pass & kBuffers) pull(p, kBuffers, v.name);
  return p.ok();
}

inline std::string_view sid_type_name(std::uint32_t v) {
  switch (v) {
    case 1: return "SID_NAME_USER";
    case 2: return "SID_NAME_DOM_GRP";
    case 8: return "SID_NAME_UNKNOWN";
    default: return {};
  }
}

inline void print(Printer& pr, std::string_view name, const TranslatedName& v) {
  pr.struct_begin(name, "lsa_TranslatedName");
  pr.enum_value("sid_type", sid_type_name(v.sid_type), v.sid_type);
  print(pr, "name", v.name);
  pr.field("sid_index", v.sid_index);
  pr.struct_end();
}

inline void to_json(nlohmann::json& j, const TranslatedName& v) {
  j = nlohmann::json{{"sid_type", v.sid_type}, {"name", v.name}, {"sid_index", v.sid_index}};
}
inline void from_json(const nlohmann::json& j, TranslatedName& v) {
  j.at("sid_type").get_to(v.sid_type);
  j.at("name").get_to(v.name);
  j.at("sid_index").get_to(v.sid_index);
}

// ---------------------------------------------------------------------------------------------
// typedef [public] struct {
//   [range(0,1000)] uint32 count;
//   [size_is(count)] lsa_TranslatedName *names;
// } lsa_TransNameArray;
struct TransNameArray {
  std::uint32_t count = 0;
  std::optional<std::vector<TranslatedName>> names;
  friend bool operator==(const TransNameArray&, const TransNameArray&) = default;
};

inline void push(Push& p, int pass, const TransNameArray& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.u32(v.count);
    p.referent(static_cast<bool>(v.names));
    if (p.ndr64()) p.align(8);
  }
  if ((pass & kBuffers) && v.names) {
    const auto& a = *v.names;
    if (a.size() != v.count) return p.fail(Error::array_size_mismatch);
    p.conformance(v.count);
    for (const auto& e : a) push(p, kScalars, e);
    for (const auto& e : a) push(p, kBuffers, e);
  }
}

inline bool pull(Pull& p, int pass, TransNameArray& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.u32(v.count);
    p.range<std::uint32_t>(v.count, 0, 1000);
    p.unique_pointer(v.names);
    if (p.ndr64()) p.align(8);
  }
  if ((pass & kBuffers) && v.names) {
    auto nest = p.nest();
    std::uint64_t max = 0;
    p.conformance(max);
    p.expect_count(max, v.count);
    // The IR gives each element's smallest wire size: 16 octets in NDR20, 32 in NDR64.
    if (!p.resize(*v.names, max, p.ndr64() ? 32 : 16)) return false;
    for (auto& e : *v.names) pull(p, kScalars, e);
    for (auto& e : *v.names) pull(p, kBuffers, e);
  }
  return p.ok();
}

inline void print(Printer& pr, std::string_view name, const TransNameArray& v) {
  pr.struct_begin(name, "lsa_TransNameArray");
  pr.field("count", v.count);
  if (pr.ptr("names", static_cast<bool>(v.names))) {
    pr.array_begin("names", v.names->size());
    for (const auto& e : *v.names) print(pr, "names", e);
    pr.array_end();
    pr.ptr_end();
  }
  pr.struct_end();
}

inline void to_json(nlohmann::json& j, const TransNameArray& v) {
  j = nlohmann::json{{"count", v.count}, {"names", optional_to_json(v.names)}};
}
inline void from_json(const nlohmann::json& j, TransNameArray& v) {
  j.at("count").get_to(v.count);
  optional_from_json(j.at("names"), v.names);
}

// ---------------------------------------------------------------------------------------------
// dom_sid2 (security.idl): a conformant struct. Its conformance is hoisted to the front.
//   typedef struct {
//     uint8 sid_rev_num;
//     [range(0,15)] int8 num_auths;
//     uint8 id_auth[6];
//     [size_is(num_auths)] uint32 sub_auths[*];
//   } dom_sid2;
struct DomSid {
  std::uint8_t sid_rev_num = 0;
  std::int8_t num_auths = 0;
  std::array<std::uint8_t, 6> id_auth{};
  std::vector<std::uint32_t> sub_auths;
  friend bool operator==(const DomSid&, const DomSid&) = default;
};

inline void push(Push& p, int pass, const DomSid& v) {
  if (pass & kScalars) {
    if (v.sub_auths.size() != static_cast<std::size_t>(v.num_auths))
      return p.fail(Error::array_size_mismatch);
    p.conformance(v.sub_auths.size());  // hoisted
    p.align(4);
    p.u8(v.sid_rev_num);
    p.i8(v.num_auths);
    p.raw(v.id_auth.data(), 6);
    p.array(v.sub_auths);
  }
}

inline bool pull(Pull& p, int pass, DomSid& v) {
  if (pass & kScalars) {
    std::uint64_t max = 0;
    p.conformance(max);
    p.align(4);
    p.u8(v.sid_rev_num);
    p.i8(v.num_auths);
    p.range<std::int8_t>(v.num_auths, 0, 15);
    p.array(v.id_auth.data(), 6);
    p.expect_count(max, static_cast<std::uint64_t>(v.num_auths < 0 ? 0 : v.num_auths));
    p.array(v.sub_auths, max);
  }
  return p.ok();
}

// typedef struct { dom_sid2 *sid; } lsa_SidPtr;
// typedef [public] struct {
//   [range(0,20480)] uint32 num_sids;
//   [size_is(num_sids)] lsa_SidPtr *sids;
// } lsa_SidArray;
struct SidPtr {
  std::optional<DomSid> sid;
  friend bool operator==(const SidPtr&, const SidPtr&) = default;
};
struct SidArray {
  std::uint32_t num_sids = 0;
  std::optional<std::vector<SidPtr>> sids;
  friend bool operator==(const SidArray&, const SidArray&) = default;
};

inline void push(Push& p, int pass, const SidPtr& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.referent(static_cast<bool>(v.sid));
  }
  if ((pass & kBuffers) && v.sid) push(p, kScalarsAndBuffers, *v.sid);
}
inline bool pull(Pull& p, int pass, SidPtr& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.unique_pointer(v.sid);
  }
  if ((pass & kBuffers) && v.sid) {
    auto nest = p.nest();
    pull(p, kScalarsAndBuffers, *v.sid);
  }
  return p.ok();
}

inline void push(Push& p, int pass, const SidArray& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.u32(v.num_sids);
    p.referent(static_cast<bool>(v.sids));
  }
  if ((pass & kBuffers) && v.sids) {
    if (v.sids->size() != v.num_sids) return p.fail(Error::array_size_mismatch);
    p.conformance(v.num_sids);
    for (const auto& e : *v.sids) push(p, kScalars, e);
    for (const auto& e : *v.sids) push(p, kBuffers, e);
  }
}
inline bool pull(Pull& p, int pass, SidArray& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.u32(v.num_sids);
    p.range<std::uint32_t>(v.num_sids, 0, 20480);
    p.unique_pointer(v.sids);
  }
  if ((pass & kBuffers) && v.sids) {
    auto nest = p.nest();
    std::uint64_t max = 0;
    p.conformance(max);
    p.expect_count(max, v.num_sids);
    if (!p.resize(*v.sids, max, p.ndr64() ? 8 : 4)) return false;
    for (auto& e : *v.sids) pull(p, kScalars, e);
    for (auto& e : *v.sids) pull(p, kBuffers, e);
  }
  return p.ok();
}

// ---------------------------------------------------------------------------------------------
// typedef struct {
//   srvsvc_PlatformId platform_id;                  /* [v1_enum]: 32 bits */
//   [string,charset(UTF16)] uint16 *server_name;
//   uint32 version_major;
//   uint32 version_minor;
//   svr_type server_type;                           /* bitmap, uint32 */
//   [string,charset(UTF16)] uint16 *comment;
// } srvsvc_NetSrvInfo101;
struct SrvInfo101 {
  std::uint32_t platform_id = 0;
  std::optional<std::string> server_name;
  std::uint32_t version_major = 0;
  std::uint32_t version_minor = 0;
  std::uint32_t server_type = 0;
  std::optional<std::string> comment;
  friend bool operator==(const SrvInfo101&, const SrvInfo101&) = default;
};

inline void push(Push& p, int pass, const SrvInfo101& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.u32(v.platform_id);
    p.referent(static_cast<bool>(v.server_name));
    p.u32(v.version_major);
    p.u32(v.version_minor);
    p.u32(v.server_type);
    p.referent(static_cast<bool>(v.comment));
    if (p.ndr64()) p.align(8);
  }
  if (pass & kBuffers) {
    if (v.server_name) p.string_utf16(*v.server_name);
    if (v.comment) p.string_utf16(*v.comment);
  }
}
inline bool pull(Pull& p, int pass, SrvInfo101& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.u32(v.platform_id);
    p.unique_pointer(v.server_name);
    p.u32(v.version_major);
    p.u32(v.version_minor);
    p.u32(v.server_type);
    p.unique_pointer(v.comment);
    if (p.ndr64()) p.align(8);
  }
  if (pass & kBuffers) {
    if (v.server_name) p.string_utf16(*v.server_name);
    if (v.comment) p.string_utf16(*v.comment);
  }
  return p.ok();
}

inline void print(Printer& pr, std::string_view name, const SrvInfo101& v) {
  pr.struct_begin(name, "srvsvc_NetSrvInfo101");
  pr.enum_value("platform_id", v.platform_id == 500 ? "PLATFORM_ID_NT" : "", v.platform_id);
  if (pr.ptr("server_name", static_cast<bool>(v.server_name))) {
    pr.string("server_name", *v.server_name);
    pr.ptr_end();
  }
  pr.field("version_major", v.version_major);
  pr.field("version_minor", v.version_minor);
  pr.bitmap_begin("server_type", v.server_type, 4);
  pr.bitmap_flag("SV_TYPE_WORKSTATION", 0x1, v.server_type);
  pr.bitmap_flag("SV_TYPE_SERVER", 0x2, v.server_type);
  pr.bitmap_flag("SV_TYPE_SQLSERVER", 0x4, v.server_type);
  pr.bitmap_end();
  if (pr.ptr("comment", static_cast<bool>(v.comment))) {
    pr.string("comment", *v.comment);
    pr.ptr_end();
  }
  pr.struct_end();
}

// ---------------------------------------------------------------------------------------------
// typedef [public] struct {
//   uint16 units_per_week;
//   [size_is(1260), length_is(units_per_week/8)] uint8 *bits;
// } samr_LogonHours;
// A conformant-varying array behind a pointer; `bits` holds the transmitted elements.
struct LogonHours {
  std::uint16_t units_per_week = 0;
  std::optional<std::vector<std::uint8_t>> bits;
  friend bool operator==(const LogonHours&, const LogonHours&) = default;
};

inline void push(Push& p, int pass, const LogonHours& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.u16(v.units_per_week);
    p.referent(static_cast<bool>(v.bits));
  }
  if ((pass & kBuffers) && v.bits) {
    std::uint64_t length = v.units_per_week / 8;
    if (v.bits->size() != length || length > 1260) return p.fail(Error::array_size_mismatch);
    p.conformance(1260);
    p.variance(0, length);
    p.array(*v.bits);
  }
}
inline bool pull(Pull& p, int pass, LogonHours& v) {
  if (pass & kScalars) {
    p.align(ptr_align(p.ndr64()));
    p.u16(v.units_per_week);
    p.unique_pointer(v.bits);
  }
  if ((pass & kBuffers) && v.bits) {
    std::uint64_t max = 0, offset = 0, length = 0;
    p.conformance(max);
    p.expect_count(max, 1260);
    p.variance(offset, length, max);
    p.expect_count(length, v.units_per_week / 8);
    if (offset != 0) p.fail(Error::array_bounds);  // the value keeps only transmitted elements
    p.array(*v.bits, length);
  }
  return p.ok();
}

}  // namespace samples
