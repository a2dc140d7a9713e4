// pidl's pointer, int1632 and uint1632 (see nca/ndr/samba/builtins.h).
#include "nca/ndr/samba/builtins.h"

namespace nca::ndr::samba {

void push_pointer(Push& p, const std::uint64_t& v, std::uint32_t) {
  p.align(8);
  p.raw(&v, sizeof v);  // the host's byte order, as the process that reads it back wrote it
}
bool pull_pointer(Pull& p, std::uint64_t& v, std::uint32_t) {
  return p.align(8) && p.raw(&v, sizeof v);
}
void print_pointer(Printer& pr, std::string_view name, const std::uint64_t& v) {
  pr.field(name, v);
}

void push_int1632(Push& p, const std::int16_t& v, std::uint32_t) {
  if (p.ndr64()) p.i32(v);
  else p.i16(v);
}
bool pull_int1632(Pull& p, std::int16_t& v, std::uint32_t) {
  if (!p.ndr64()) return p.i16(v);
  std::int32_t wide = 0;
  if (!p.i32(wide)) return false;
  if (wide < INT16_MIN || wide > INT16_MAX) return p.fail(Error::range_violation);
  v = static_cast<std::int16_t>(wide);
  return true;
}
void print_int1632(Printer& pr, std::string_view name, const std::int16_t& v) { pr.field(name, v); }

void push_uint1632(Push& p, const std::uint16_t& v, std::uint32_t) {
  if (p.ndr64()) p.u32(v);
  else p.u16(v);
}
bool pull_uint1632(Pull& p, std::uint16_t& v, std::uint32_t) {
  if (!p.ndr64()) return p.u16(v);
  std::uint32_t wide = 0;
  if (!p.u32(wide)) return false;
  if (wide > UINT16_MAX) return p.fail(Error::range_violation);
  v = static_cast<std::uint16_t>(wide);
  return true;
}
void print_uint1632(Printer& pr, std::string_view name, const std::uint16_t& v) {
  pr.field(name, v);
}

}  // namespace nca::ndr::samba
