// nca::ndr::samba: pidl's built-in types whose wire form Samba writes by hand (librpc/ndr/*.c),
// implemented from the wire facts (not from Samba's code).
//
// Contract with generated code (compiler/ir/ir.h, WireKind::runtime): for a builtin NAME
// with C++ type T, ncaidl emits
//   push_NAME(Push&, const T&, std::uint32_t flags)
//   pull_NAME(Pull&, T&, std::uint32_t flags)            (false after recording an error)
//   print_NAME(Printer&, std::string_view name, const T&)
// where `flags` are the element's pidl flag() bits as libndr's LIBNDR_FLAG_* values (below).
// Errors are recorded in the stream (Push::fail / Pull::fail) as every engine call does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nca/ndr/detail/generated_support.h"
#include "nca/ndr/print.h"
#include "nca/ndr/pull.h"
#include "nca/ndr/push.h"
#include "nca/ndr/samba/types.h"

namespace nca::ndr::samba {

// libndr.h's flag values (the ones these builtins read).
inline constexpr std::uint32_t kLibndrStrAscii = 1u << 2;
inline constexpr std::uint32_t kLibndrStrNoterm = 1u << 5;
inline constexpr std::uint32_t kLibndrStrNullterm = 1u << 6;
inline constexpr std::uint32_t kLibndrStrUtf8 = 1u << 12;
inline constexpr std::uint32_t kLibndrStrRaw8 = 1u << 13;
inline constexpr std::uint32_t kLibndrNoCompression = 1u << 15;
inline constexpr std::uint32_t kLibndrRemaining = 1u << 21;

// string_array: strings one after the other, each as pidl's `string` with the same flags
// (UTF-16 unless STR_ASCII/STR_UTF8/STR_RAW8).
//  - STR_NULLTERM: each string NUL-terminated, then an empty string ends the list; with
//    NDR_REMAINING no empty string is pushed and pull stops at the end of the data (the last
//    string may then run to the end unterminated).
//  - STR_NOTERM|NDR_REMAINING: strings separated by a NUL, the last one unterminated, up to the
//    end of the data.
// Other flag combinations are Error::bad_value (as libndr refuses them).
void push_string_array(Push& p, const std::vector<std::string>& v, std::uint32_t flags);
bool pull_string_array(Pull& p, std::vector<std::string>& v, std::uint32_t flags);
void print_string_array(Printer& pr, std::string_view name, const std::vector<std::string>& v);

// dns_string (DNS packets) and nbt_string (NetBIOS): dot-separated labels, each a length octet
// (at most 63) and its bytes, ended by a zero octet or by a two-octet pointer (0xC000 | offset)
// to the same suffix pushed earlier in the stream (offsets count from the enclosing subcontext's
// start). dns_string compresses unless LIBNDR_FLAG_NO_COMPRESSION; nbt_string always does and
// keeps a trailing '.' on the last label. Pull follows at most 5 pointers per label, as Samba.
void push_dns_string(Push& p, const std::string& v, std::uint32_t flags);
bool pull_dns_string(Pull& p, std::string& v, std::uint32_t flags);
void print_dns_string(Printer& pr, std::string_view name, const std::string& v);
void push_nbt_string(Push& p, const std::string& v, std::uint32_t flags);
bool pull_nbt_string(Pull& p, std::string& v, std::uint32_t flags);
void print_nbt_string(Printer& pr, std::string_view name, const std::string& v);

// dnsp_name (DNS records in AD): a length octet (the dotted name's length + 1), a label-count
// octet, the labels (length octet + bytes), a zero octet; pull skips pad bytes up to the length.
// dnsp_string: a length octet and that many bytes.
void push_dnsp_name(Push& p, const std::string& v, std::uint32_t flags);
bool pull_dnsp_name(Pull& p, std::string& v, std::uint32_t flags);
void print_dnsp_name(Printer& pr, std::string_view name, const std::string& v);
void push_dnsp_string(Push& p, const std::string& v, std::uint32_t flags);
bool pull_dnsp_string(Pull& p, std::string& v, std::uint32_t flags);
void print_dnsp_string(Printer& pr, std::string_view name, const std::string& v);

// pointer: a host pointer of Samba's in-memory databases (notify.idl, opendb.idl): 8 octets in
// the host's byte order, aligned to 8. Meaningful only to the process that wrote it.
void push_pointer(Push& p, const std::uint64_t& v, std::uint32_t flags);
bool pull_pointer(Pull& p, std::uint64_t& v, std::uint32_t flags);
void print_pointer(Printer& pr, std::string_view name, const std::uint64_t& v);

// int1632/uint1632: 16 bits in NDR20, 32 in NDR64 (a 32-bit value outside 16 bits fails to pull
// with Error::range_violation).
void push_int1632(Push& p, const std::int16_t& v, std::uint32_t flags);
bool pull_int1632(Pull& p, std::int16_t& v, std::uint32_t flags);
void print_int1632(Printer& pr, std::string_view name, const std::int16_t& v);
void push_uint1632(Push& p, const std::uint16_t& v, std::uint32_t flags);
bool pull_uint1632(Pull& p, std::uint16_t& v, std::uint32_t flags);
void print_uint1632(Printer& pr, std::string_view name, const std::uint16_t& v);

// dom_sid: aligned to 4, revision (uint8), sub-authority count (int8, 0..15), the 6-octet
// authority, then that many uint32 sub-authorities.
// dom_sid2: the count again as a uint3264 conformance first (pull checks that both agree).
// dom_sid28: the dom_sid zero-padded to 28 octets (at most 5 sub-authorities); pull reads 28
// octets and yields an all-zero SID when they do not hold a valid one (Windows 2000 sent noise).
// dom_sid0: nothing for an all-zero SID, else a dom_sid; pull yields all-zero at the end of the
// data (it lives in a subcontext sized by its enclosing structure).
void push_dom_sid(Push& p, const DomSid& v, std::uint32_t flags);
bool pull_dom_sid(Pull& p, DomSid& v, std::uint32_t flags);
void print_dom_sid(Printer& pr, std::string_view name, const DomSid& v);
void push_dom_sid2(Push& p, const DomSid& v, std::uint32_t flags);
bool pull_dom_sid2(Pull& p, DomSid& v, std::uint32_t flags);
void print_dom_sid2(Printer& pr, std::string_view name, const DomSid& v);
void push_dom_sid28(Push& p, const DomSid& v, std::uint32_t flags);
bool pull_dom_sid28(Pull& p, DomSid& v, std::uint32_t flags);
void print_dom_sid28(Printer& pr, std::string_view name, const DomSid& v);
void push_dom_sid0(Push& p, const DomSid& v, std::uint32_t flags);
bool pull_dom_sid0(Pull& p, DomSid& v, std::uint32_t flags);
void print_dom_sid0(Printer& pr, std::string_view name, const DomSid& v);

// netr_DeltaEnum8Bit, netr_SamDatabaseID8Bit (netlogon.idl declares them with no body): the
// value of netr_DeltaEnum / netr_SamDatabaseID in one octet.
void push_netr_DeltaEnum8Bit(Push& p, const std::uint8_t& v, std::uint32_t flags);
bool pull_netr_DeltaEnum8Bit(Pull& p, std::uint8_t& v, std::uint32_t flags);
void print_netr_DeltaEnum8Bit(Printer& pr, std::string_view name, const std::uint8_t& v);
void push_netr_SamDatabaseID8Bit(Push& p, const std::uint8_t& v, std::uint32_t flags);
bool pull_netr_SamDatabaseID8Bit(Pull& p, std::uint8_t& v, std::uint32_t flags);
void print_netr_SamDatabaseID8Bit(Printer& pr, std::string_view name, const std::uint8_t& v);

}  // namespace nca::ndr::samba

namespace nca::ndr::gen {
// pidl's ndr_size_T(m, flags) of a pointer member (security.idl's
// ndr_size_security_descriptor(sd, ...)): the pointee's bytes pushed alone, 0 when it is null.
template <class T>
std::uint64_t ndr_size(const Push& p, const Unique<T>& m) {
  return m ? ndr_size(p, *m) : 0;
}

// C's `blob.length` in a pidl value() (ir::Expr call "blob_length"): the bytes a DATA_BLOB holds.
inline std::uint64_t blob_length(const DataBlob& b) { return b.data.size(); }
}  // namespace nca::ndr::gen
