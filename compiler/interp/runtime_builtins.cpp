#include "interp/runtime_builtins.h"

#include <limits>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <vector>

#include "nca/ndr/samba/builtins.h"

namespace nca::interp::detail {

namespace {

using json = nlohmann::json;
namespace sb = nca::ndr::samba;

// The JSON value as T, as generated from_json's `j.get_to(v)` reads it, except that an integer
// T cannot hold is refused rather than truncated (as the interpreter does for every integer).
template <class T>
T from_json_value(const json& v) {
  if constexpr (std::is_integral_v<T>) {
    if (!v.is_number_integer()) throw std::invalid_argument("expected an integer, got " + v.dump());
    bool fits = v.is_number_unsigned()
                    ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max())
                    : v.get<std::int64_t>() >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
                          v.get<std::int64_t>() <= static_cast<std::int64_t>(std::numeric_limits<T>::max());
    if (!fits) throw std::invalid_argument(v.dump() + " does not fit the type");
  }
  return v.get<T>();
}

template <class T>
using PushFn = void (*)(ndr::Push&, const T&, std::uint32_t);
template <class T>
using PullFn = bool (*)(ndr::Pull&, T&, std::uint32_t);

template <class T, PushFn<T> Fn>
void push_as(ndr::Push& p, const json& v, std::uint32_t flags) {
  Fn(p, from_json_value<T>(v), flags);
}

template <class T, PullFn<T> Fn>
void pull_as(ndr::Pull& p, json& v, std::uint32_t flags) {
  T t{};
  if (Fn(p, t, flags)) v = t;
}

template <class T>
json example_of() {
  return json(T{});
}

struct Entry {
  std::string_view name;
  void (*push)(ndr::Push&, const json&, std::uint32_t);
  void (*pull)(ndr::Pull&, json&, std::uint32_t);
  json (*example)();
};

#define NCA_RUNTIME_BUILTIN(NAME, T) \
  Entry { #NAME, &push_as<T, &sb::push_##NAME>, &pull_as<T, &sb::pull_##NAME>, &example_of<T> }

// Every builtin of builtins.h, by its IR name (ir.cpp's table, WireKind::runtime).
const Entry kBuiltins[] = {
    NCA_RUNTIME_BUILTIN(string_array, std::vector<std::string>),
    NCA_RUNTIME_BUILTIN(dns_string, std::string),
    NCA_RUNTIME_BUILTIN(nbt_string, std::string),
    NCA_RUNTIME_BUILTIN(dnsp_name, std::string),
    NCA_RUNTIME_BUILTIN(dnsp_string, std::string),
    NCA_RUNTIME_BUILTIN(pointer, std::uint64_t),
    NCA_RUNTIME_BUILTIN(int1632, std::int16_t),
    NCA_RUNTIME_BUILTIN(uint1632, std::uint16_t),
    NCA_RUNTIME_BUILTIN(dom_sid, sb::DomSid),
    NCA_RUNTIME_BUILTIN(dom_sid2, sb::DomSid),
    NCA_RUNTIME_BUILTIN(dom_sid28, sb::DomSid),
    NCA_RUNTIME_BUILTIN(dom_sid0, sb::DomSid),
    NCA_RUNTIME_BUILTIN(netr_DeltaEnum8Bit, std::uint8_t),
    NCA_RUNTIME_BUILTIN(netr_SamDatabaseID8Bit, std::uint8_t),
};

#undef NCA_RUNTIME_BUILTIN

const Entry* find(const idl::ir::Builtin& b) {
  for (const Entry& e : kBuiltins)
    if (e.name == b.name) return &e;
  return nullptr;
}

}  // namespace

bool push_runtime_builtin(ndr::Push& p, const idl::ir::Builtin& b, const json& v, std::uint32_t flags) {
  const Entry* e = find(b);
  if (!e) return false;
  e->push(p, v, flags);
  return true;
}

bool pull_runtime_builtin(ndr::Pull& p, const idl::ir::Builtin& b, json& v, std::uint32_t flags) {
  const Entry* e = find(b);
  if (!e) return false;
  e->pull(p, v, flags);
  return true;
}

json runtime_builtin_example(const idl::ir::Builtin& b) {
  const Entry* e = find(b);
  return e ? e->example() : json();
}

}  // namespace nca::interp::detail
