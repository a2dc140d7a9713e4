#include "nca/ndr/types.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace nca::ndr {
namespace {

struct Named {
  std::uint32_t value;
  std::string_view name;
};

// Names of common codes, as Samba prints them (facts, not code, from MS-ERREF).
constexpr Named kNtStatusNames[] = {
    {0x00000000, "NT_STATUS_OK"},
    {0x00000105, "STATUS_MORE_ENTRIES"},
    {0x00000107, "STATUS_SOME_UNMAPPED"},
    {0x80000005, "STATUS_BUFFER_OVERFLOW"},
    {0x8000001a, "NT_STATUS_NO_MORE_ENTRIES"},
    {0xc0000001, "NT_STATUS_UNSUCCESSFUL"},
    {0xc0000002, "NT_STATUS_NOT_IMPLEMENTED"},
    {0xc0000003, "NT_STATUS_INVALID_INFO_CLASS"},
    {0xc0000008, "NT_STATUS_INVALID_HANDLE"},
    {0xc000000d, "NT_STATUS_INVALID_PARAMETER"},
    {0xc0000017, "NT_STATUS_NO_MEMORY"},
    {0xc0000022, "NT_STATUS_ACCESS_DENIED"},
    {0xc0000023, "NT_STATUS_BUFFER_TOO_SMALL"},
    {0xc0000034, "NT_STATUS_OBJECT_NAME_NOT_FOUND"},
    {0xc0000064, "NT_STATUS_NO_SUCH_USER"},
    {0xc0000073, "NT_STATUS_NONE_MAPPED"},
    {0xc00000bb, "NT_STATUS_NOT_SUPPORTED"},
    {0xc00000e5, "NT_STATUS_INTERNAL_ERROR"},
};
constexpr Named kWErrorNames[] = {
    {0, "WERR_OK"},
    {2, "WERR_BADFILE"},
    {5, "WERR_ACCESS_DENIED"},
    {8, "WERR_NOT_ENOUGH_MEMORY"},
    {50, "WERR_NOT_SUPPORTED"},
    {87, "WERR_INVALID_PARAMETER"},
    {122, "WERR_INSUFFICIENT_BUFFER"},
    {123, "WERR_INVALID_NAME"},
    {124, "WERR_UNKNOWN_LEVEL"},
    {234, "WERR_MORE_DATA"},
    {259, "WERR_NO_MORE_ITEMS"},
};
constexpr Named kHResultNames[] = {
    {0x00000000, "S_OK"},          {0x00000001, "S_FALSE"},
    {0x80004001, "E_NOTIMPL"},     {0x80004002, "E_NOINTERFACE"},
    {0x80004003, "E_POINTER"},     {0x80004004, "E_ABORT"},
    {0x80004005, "E_FAIL"},        {0x8000ffff, "E_UNEXPECTED"},
    {0x80070005, "E_ACCESSDENIED"}, {0x8007000e, "E_OUTOFMEMORY"},
    {0x80070057, "E_INVALIDARG"},
};

// Known name, or `prefix` followed by the value in hex.
template <std::size_t N>
std::string name_of(const Named (&table)[N], std::uint32_t v, const char* prefix) {
  for (const auto& n : table)
    if (n.value == v) return std::string(n.name);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s0x%08x", prefix, v);
  return buf;
}

// Inverse of name_of.
template <std::size_t N>
std::optional<std::uint32_t> value_of(const Named (&table)[N], std::string_view name,
                                      std::string_view prefix) {
  for (const auto& n : table)
    if (n.name == name) return n.value;
  if (name.substr(0, prefix.size()) != prefix || name.size() != prefix.size() + 10) return {};
  std::string_view hex = name.substr(prefix.size());
  if (hex.substr(0, 2) != "0x") return {};
  std::uint32_t v = 0;
  for (char c : hex.substr(2)) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return {};
    v = v * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(c))
                                                ? c - '0'
                                                : std::tolower(c) - 'a' + 10);
  }
  return v;
}

}  // namespace

std::string NtStatus::name() const { return name_of(kNtStatusNames, value, "NT_STATUS_"); }
std::optional<NtStatus> NtStatus::from_name(std::string_view n) {
  if (auto v = value_of(kNtStatusNames, n, "NT_STATUS_")) return NtStatus{*v};
  return {};
}
std::string WError::name() const { return name_of(kWErrorNames, value, "WERR_"); }
std::optional<WError> WError::from_name(std::string_view n) {
  if (auto v = value_of(kWErrorNames, n, "WERR_")) return WError{*v};
  return {};
}
std::string HResult::name() const { return name_of(kHResultNames, value, "HRES_"); }
std::optional<HResult> HResult::from_name(std::string_view n) {
  if (auto v = value_of(kHResultNames, n, "HRES_")) return HResult{*v};
  return {};
}

std::string NtTime::to_string() const {
  if (value == 0) return "0";
  if (value == 0x7fffffffffffffffull) return "infinity";
  // 11644473600 seconds lie between 1601-01-01 and 1970-01-01.
  constexpr std::uint64_t kTicksPerSecond = 10000000, kEpochDelta = 11644473600ull;
  std::uint64_t secs = value / kTicksPerSecond;
  std::uint64_t frac = value % kTicksPerSecond;
  if (secs < kEpochDelta) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "0x%016llx", static_cast<unsigned long long>(value));
    return buf;
  }
  std::time_t t = static_cast<std::time_t>(secs - kEpochDelta);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%07llu UTC", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned long long>(frac));
  return buf;
}

}  // namespace nca::ndr
