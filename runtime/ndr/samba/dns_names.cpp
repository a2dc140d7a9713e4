// pidl's dns_string, nbt_string, dnsp_name and dnsp_string (see nca/ndr/samba/builtins.h).
#include <algorithm>
#include <string>

#include "nca/ndr/samba/builtins.h"

namespace nca::ndr::samba {
namespace {

constexpr unsigned kMaxComponents = 128;  // more labels than this is an error (as Samba)
constexpr unsigned kMaxPointerHops = 5;   // label pointers followed for one label

void push_labels(Push& p, std::string_view name, bool nbt, std::uint32_t flags) {
  const bool compress = nbt || (flags & kLibndrNoCompression) == 0;
  // NBT counts the name as Windows does (16-octet NetBIOS name plus a 237-octet scope); DNS
  // allows 255 octets.
  const std::size_t max_length = nbt ? 274 : 255;
  const std::size_t base = p.relative_base();
  auto& names = p.dns_names();
  std::string_view rest = name;
  while (!rest.empty()) {
    if (compress) {
      auto it = std::find_if(names.begin(), names.end(), [&](const auto& n) {
        return n.second >= base && n.first == rest;
      });
      if (it != names.end()) {
        const std::size_t offset = it->second - base;
        if (offset > 0x3fff) return p.fail(Error::bad_value);
        p.u8(static_cast<std::uint8_t>(0xc0 | (offset >> 8)));
        p.u8(static_cast<std::uint8_t>(offset & 0xff));
        return;
      }
    }
    std::size_t len = std::min(rest.find('.'), rest.size());
    if (len > 63) return p.fail(Error::bad_value);
    if (len == 0) return p.fail(Error::bad_value);  // two dots in a row, or a leading dot
    // NetBIOS names may be user names ending in '.': the last label keeps it.
    if (nbt && len + 1 == rest.size() && rest[len] == '.') ++len;
    if (compress) names.emplace_back(std::string(rest), p.size());
    p.u8(static_cast<std::uint8_t>(len));
    p.raw(rest.data(), len);
    rest.remove_prefix(len);
    if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
    if (name.size() - rest.size() > max_length) return p.fail(Error::bad_value);
  }
  p.u8(0);
}

// Moves to `absolute` (an offset in the whole stream) through the engine's relative seek.
bool seek_to(Pull& p, std::size_t absolute) {
  const std::size_t base = p.relative_base();
  if (absolute < base) return p.fail(Error::bad_relative_offset);
  std::size_t ignored = 0;
  return p.relative_ptr_seek(static_cast<std::uint32_t>(absolute - base), ignored);
}

bool pull_labels(Pull& p, std::string& out) {
  out.clear();
  const std::size_t origin = p.relative_base();
  std::size_t offset = p.offset();
  std::size_t max_offset = offset;
  for (unsigned components = 0;; ++components) {
    if (components == kMaxComponents) return p.fail(Error::bad_value);
    std::string label;
    bool end = false;
    for (unsigned hops = 0;; ++hops) {
      if (hops == kMaxPointerHops) return p.fail(Error::bad_value);
      std::uint8_t len = 0;
      if (!seek_to(p, offset) || !p.u8(len)) return false;
      if (len == 0) {
        offset += 1;
        max_offset = std::max(max_offset, offset);
        end = true;
        break;
      }
      if ((len & 0xc0) == 0xc0) {
        std::uint8_t low = 0;
        if (!p.u8(low)) return false;
        max_offset = std::max(max_offset, offset + 2);
        offset = origin + ((static_cast<std::size_t>(len & 0x3f) << 8) | low);
        max_offset = std::max(max_offset, offset);
        continue;
      }
      if ((len & 0xc0) != 0) return p.fail(Error::bad_value);  // reserved length forms
      label.resize(len);
      if (!p.raw(label.data(), len)) return false;
      offset += len + 1u;
      max_offset = std::max(max_offset, offset);
      break;
    }
    if (end) break;
    if (!p.charge(label.size() + 1)) return false;
    if (components > 0) out.push_back('.');
    out += label;
  }
  return seek_to(p, max_offset);
}

}  // namespace

void push_dns_string(Push& p, const std::string& v, std::uint32_t flags) {
  push_labels(p, v, false, flags);
}
bool pull_dns_string(Pull& p, std::string& v, std::uint32_t) { return pull_labels(p, v); }
void print_dns_string(Printer& pr, std::string_view name, const std::string& v) {
  pr.string(name, v);
}

void push_nbt_string(Push& p, const std::string& v, std::uint32_t flags) {
  push_labels(p, v, true, flags);
}
bool pull_nbt_string(Pull& p, std::string& v, std::uint32_t) { return pull_labels(p, v); }
void print_nbt_string(Printer& pr, std::string_view name, const std::string& v) {
  pr.string(name, v);
}

void push_dnsp_name(Push& p, const std::string& v, std::uint32_t) {
  std::size_t count = static_cast<std::size_t>(std::count(v.begin(), v.end(), '.'));
  std::size_t total = v.size() + 1;
  // "" means the root, as a lone "." does; otherwise a name without its final dot gets one.
  if (!v.empty() && v.back() != '.') {
    ++total;
    ++count;
  }
  if (total > 255 || count > 255) return p.fail(Error::count_too_large);
  p.u8(static_cast<std::uint8_t>(total));
  p.u8(static_cast<std::uint8_t>(count));
  std::string_view rest = v;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t len = std::min(rest.find('.'), rest.size());
    p.u8(static_cast<std::uint8_t>(len));
    p.raw(rest.data(), len);
    rest.remove_prefix(std::min(len + 1, rest.size()));
  }
  p.u8(0);
}

bool pull_dnsp_name(Pull& p, std::string& v, std::uint32_t) {
  v.clear();
  std::uint8_t length = 0, count = 0;
  if (!p.u8(length) || !p.u8(count)) return false;
  const std::size_t start = p.offset();
  std::size_t total = 1;  // the dotted name's length plus its NUL, as counted on the wire
  for (unsigned i = 0; i < count; ++i) {
    std::uint8_t len = 0;
    if (!p.u8(len)) return false;
    std::size_t next = total + len + (i + 1 != count ? 1 : 0);
    if (next > 255) return p.fail(Error::bad_value);
    std::string label(len, '\0');
    if (!p.raw(label.data(), len)) return false;
    v += label;
    if (i + 1 != count) v.push_back('.');
    total = next;
  }
  std::uint8_t terminator = 0;
  if (!p.u8(terminator)) return false;
  if (terminator != 0) return p.fail(Error::string_not_terminated);
  if (p.offset() > start + length) return p.fail(Error::count_exceeds_remaining);
  return p.skip(start + length - p.offset());  // pad octets up to the length
}

void print_dnsp_name(Printer& pr, std::string_view name, const std::string& v) {
  pr.string(name, v);
}

void push_dnsp_string(Push& p, const std::string& v, std::uint32_t) {
  if (v.size() > 255) return p.fail(Error::count_too_large);
  p.u8(static_cast<std::uint8_t>(v.size()));
  p.raw(v.data(), v.size());
}

bool pull_dnsp_string(Pull& p, std::string& v, std::uint32_t) {
  std::uint8_t len = 0;
  if (!p.u8(len)) return false;
  v.assign(len, '\0');
  return p.raw(v.data(), len);
}

void print_dnsp_string(Printer& pr, std::string_view name, const std::string& v) {
  pr.string(name, v);
}

}  // namespace nca::ndr::samba
