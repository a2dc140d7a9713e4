#include "nca/rpc/binding.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdio>

namespace nca::rpc {
namespace {

struct ProtseqName {
  Protseq protseq;
  std::string_view name;
};

constexpr std::array<ProtseqName, 19> kProtseqs{{
    {Protseq::kNcacnIpTcp, "ncacn_ip_tcp"},
    {Protseq::kNcalrpc, "ncalrpc"},
    {Protseq::kNcadgIpUdp, "ncadg_ip_udp"},
    {Protseq::kNcacnNp, "ncacn_np"},
    {Protseq::kNcacnHttp, "ncacn_http"},
    {Protseq::kNcacnUnixStream, "ncacn_unix_stream"},
    {Protseq::kNcadgUnixDgram, "ncadg_unix_dgram"},
    {Protseq::kNcacnNbTcp, "ncacn_nb_tcp"},
    {Protseq::kNcacnNbIpx, "ncacn_nb_ipx"},
    {Protseq::kNcacnNbNb, "ncacn_nb_nb"},
    {Protseq::kNcacnSpx, "ncacn_spx"},
    {Protseq::kNcacnDnetNsp, "ncacn_dnet_nsp"},
    {Protseq::kNcacnAtDsp, "ncacn_at_dsp"},
    {Protseq::kNcacnVnsSpp, "ncacn_vns_spp"},
    {Protseq::kNcacnVnsIpc, "ncacn_vns_ipc"},
    {Protseq::kNcadgIpx, "ncadg_ipx"},
    {Protseq::kNcadgAtDdp, "ncadg_at_ddp"},
    {Protseq::kNcadgMq, "ncadg_mq"},
    {Protseq::kNcacnHvsocket, "ncacn_hvsocket"},
}};

// In enumeration order, which is also the order the composer writes them.
constexpr std::array<std::pair<BindingFlag, std::string_view>, 15> kFlags{{
    {BindingFlag::kSign, "sign"},
    {BindingFlag::kSeal, "seal"},
    {BindingFlag::kConnect, "connect"},
    {BindingFlag::kSpnego, "spnego"},
    {BindingFlag::kNtlm, "ntlm"},
    {BindingFlag::kKrb5, "krb5"},
    {BindingFlag::kSchannel, "schannel"},
    {BindingFlag::kValidate, "validate"},
    {BindingFlag::kPrint, "print"},
    {BindingFlag::kPadcheck, "padcheck"},
    {BindingFlag::kBigendian, "bigendian"},
    {BindingFlag::kSmb1, "smb1"},
    {BindingFlag::kSmb2, "smb2"},
    {BindingFlag::kNdr64, "ndr64"},
    {BindingFlag::kPacket, "packet"},
}};

// Characters a backslash can escape (Microsoft's special characters, plus
// ',' and '=' which delimit options).
bool is_special(char c) {
  return c == '@' || c == ':' || c == '[' || c == ']' || c == ',' || c == '=' || c == '\\';
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// A piece of the input: [begin, end) as byte offsets into the whole string,
// so that errors can name a column.
struct Span {
  std::size_t begin;
  std::size_t end;
};

class Parser {
 public:
  explicit Parser(std::string_view text, bool listen = false) : text_(text), listen_(listen) {}

  Binding::ParseResult run();

 private:
  BindingError error_at(std::size_t offset, std::string message) const {
    return BindingError{offset + 1, std::move(message)};
  }
  std::string_view raw(Span s) const { return text_.substr(s.begin, s.end - s.begin); }

  // First unescaped occurrence of c in s, or s.end. Escapes are skipped
  // over; a dangling backslash at the end of the input is reported by
  // unescape(), which every field goes through.
  std::size_t find(Span s, char c) const {
    for (std::size_t i = s.begin; i < s.end; ++i) {
      if (text_[i] == '\\' && i + 1 < s.end && is_special(text_[i + 1])) {
        ++i;
        continue;
      }
      if (text_[i] == c) return i;
    }
    return s.end;
  }

  // The field's text with escapes removed, or an error.
  std::variant<std::string, BindingError> unescape(Span s) const {
    std::string out;
    out.reserve(s.end - s.begin);
    for (std::size_t i = s.begin; i < s.end; ++i) {
      char c = text_[i];
      if (c == '\\') {
        if (i + 1 >= text_.size()) return error_at(i, "backslash at the end of the string escapes nothing");
        if (i + 1 < s.end && is_special(text_[i + 1])) {
          out.push_back(text_[++i]);
          continue;
        }
        // Not an escape (Samba writes "\pipe\name" unescaped): keep it.
      }
      out.push_back(c);
    }
    return out;
  }

  std::optional<BindingError> parse_object(Span s, Binding& b) const;
  std::optional<BindingError> parse_host(Span s, Binding& b) const;
  std::optional<BindingError> parse_options(Span s, Binding& b) const;
  // key_at: where the endpoint's item starts; value_at: where its value does.
  std::optional<BindingError> set_endpoint(std::size_t key_at, std::size_t value_at, std::string value,
                                           Binding& b) const;
  std::optional<BindingError> set_keyed(Span key, Span value, Binding& b) const;

  std::string_view text_;
  bool listen_;  // Binding::parse_listen: port 0 allowed
};

bool is_ipv6_literal(std::string_view s) {
  // A zone ("%eth0", "%4") may follow the address; inet_pton rejects it, so
  // it is cut off first. An empty zone is not an address.
  std::size_t zone = s.find('%');
  if (zone != std::string_view::npos && zone + 1 == s.size()) return false;
  std::string addr(s.substr(0, zone));
  in6_addr out{};
  return inet_pton(AF_INET6, addr.c_str(), &out) == 1;
}

std::optional<BindingError> Parser::parse_object(Span s, Binding& b) const {
  std::string_view u = raw(s);
  constexpr std::size_t kUuidLength = 36;
  for (std::size_t i = 0; i < u.size() && i < kUuidLength; ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? u[i] != '-' : !is_hex(u[i])) {
      return error_at(s.begin + i, dash ? "object UUID needs '-' here" : "object UUID has a non-hex digit");
    }
  }
  if (u.size() != kUuidLength) {
    return error_at(s.begin + std::min(u.size(), kUuidLength),
                    "object UUID must be 36 characters (8-4-4-4-12 hex digits)");
  }
  std::string canonical(u);
  for (char& c : canonical) c = ascii_lower(c);
  b.set_object(std::move(canonical));
  return std::nullopt;
}

std::optional<BindingError> Parser::parse_host(Span s, Binding& b) const {
  auto host = unescape(s);
  if (auto* e = std::get_if<BindingError>(&host)) return *e;
  std::string& h = std::get<std::string>(host);
  // Only an IPv6 literal may contain ':' (the protseq has been split off at
  // the first one already), so anything else with a colon is a typo.
  if (h.find(':') != std::string::npos && !is_ipv6_literal(h)) {
    return error_at(s.begin, "network address '" + h + "' contains ':' but is not an IPv6 address");
  }
  b.set_host(std::move(h));
  return std::nullopt;
}

std::optional<BindingError> Parser::set_endpoint(std::size_t key_at, std::size_t at, std::string value,
                                                 Binding& b) const {
  if (b.endpoint()) return error_at(key_at, "endpoint given twice");
  Protseq p = b.protseq();
  if (p == Protseq::kNcacnIpTcp || p == Protseq::kNcadgIpUdp || p == Protseq::kNcacnHttp) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size() || (port == 0 && !listen_) ||
        port > 65535) {
      return error_at(at, "endpoint '" + value + "' is not a port number (" + (listen_ ? "0" : "1") + "-65535)");
    }
  }
  if (p == Protseq::kNcalrpc || p == Protseq::kNcacnUnixStream || p == Protseq::kNcadgUnixDgram) {
    // These name a socket inside a directory the server owns; a separator or
    // a dot name would let a binding string reach outside it.
    if (value.find('/') != std::string::npos || value == "." || value == "..") {
      return error_at(at, "endpoint '" + value + "' must be a plain name (no '/', not '.' or '..')");
    }
  }
  b.set_endpoint(std::move(value));
  return std::nullopt;
}

std::optional<BindingError> Parser::set_keyed(Span key_span, Span value_span, Binding& b) const {
  auto key_or = unescape(key_span);
  if (auto* e = std::get_if<BindingError>(&key_or)) return *e;
  auto value_or = unescape(value_span);
  if (auto* e = std::get_if<BindingError>(&value_or)) return *e;
  const std::string& key = std::get<std::string>(key_or);
  std::string& value = std::get<std::string>(value_or);
  if (key.empty()) return error_at(key_span.begin, "option name missing before '='");

  if (iequals(key, "endpoint")) {
    if (value.empty()) return error_at(value_span.begin, "endpoint= needs a value");
    return set_endpoint(key_span.begin, value_span.begin, std::move(value), b);
  }
  if (iequals(key, "object")) {
    if (b.object()) return error_at(key_span.begin, "object UUID given twice");
    return parse_object(value_span, b);
  }
  if (iequals(key, "target_hostname") || iequals(key, "target_principal")) {
    bool hostname = iequals(key, "target_hostname");
    const auto& current = hostname ? b.target_hostname() : b.target_principal();
    if (current) return error_at(key_span.begin, key + " given twice");
    // Samba refuses these with an empty value; so do we.
    if (value.empty()) return error_at(value_span.begin, key + "= needs a value");
    if (hostname) {
      b.set_target_hostname(std::move(value));
    } else {
      b.set_target_principal(std::move(value));
    }
    return std::nullopt;
  }
  if (iequals(key, "assoc_group_id")) {
    if (b.assoc_group_id()) return error_at(key_span.begin, "assoc_group_id given twice");
    // Samba reads exactly "0x" and up to 8 hex digits (and writes 0x%08x);
    // a decimal id makes its parser fail, so it is refused here too.
    std::string_view v = value;
    std::uint32_t id = 0;
    bool ok = v.size() > 2 && v.size() <= 10 && v[0] == '0' && v[1] == 'x';
    if (ok) {
      v.remove_prefix(2);
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id, 16);
      ok = ec == std::errc() && end == v.data() + v.size();
    }
    if (!ok) return error_at(value_span.begin, "assoc_group_id '" + value + "' is not 0x and 1-8 hex digits");
    b.set_assoc_group_id(id);
    return std::nullopt;
  }
  if (auto flag = binding_flag_from_name(key)) {
    // Samba takes "sign=sign" as the flag itself and refuses any other value.
    if (!iequals(value, key)) return error_at(value_span.begin, "flag '" + key + "' takes no value");
    b.set_flag(*flag);
    return std::nullopt;
  }
  if (b.option(key)) return error_at(key_span.begin, "option '" + key + "' given twice");
  b.add_option(key, std::move(value));
  return std::nullopt;
}

std::optional<BindingError> Parser::parse_options(Span s, Binding& b) const {
  std::size_t index = 0;
  std::size_t pos = s.begin;
  while (true) {
    std::size_t comma = find(Span{pos, s.end}, ',');
    Span item{pos, comma};
    // '[' cannot appear unescaped inside the option list.
    if (std::size_t open = find(item, '['); open != item.end) {
      return error_at(open, "'[' inside the endpoint and options; escape it as '\\['");
    }
    if (std::size_t eq = find(item, '='); eq != item.end) {
      if (auto e = set_keyed(Span{item.begin, eq}, Span{eq + 1, item.end}, b)) return e;
    } else {
      auto word_or = unescape(item);
      if (auto* e = std::get_if<BindingError>(&word_or)) return *e;
      std::string& word = std::get<std::string>(word_or);
      if (auto flag = binding_flag_from_name(word)) {
        b.set_flag(*flag);
      } else if (index == 0) {
        // The first item is the endpoint unless it is a flag; empty means
        // "no endpoint" (Samba's "[,sign]").
        if (!word.empty()) {
          if (auto e = set_endpoint(item.begin, item.begin, std::move(word), b)) return e;
        }
      } else if (word.empty()) {
        return error_at(item.begin, "empty option");
      } else {
        return error_at(item.begin, "unknown option '" + word + "'");
      }
    }
    ++index;
    if (comma == s.end) break;
    pos = comma + 1;
  }
  return std::nullopt;
}

Binding::ParseResult Parser::run() {
  Binding b;
  if (text_.empty()) return error_at(0, "empty binding string");

  // The endpoint and options, if any: from the first unescaped '[' to a ']'
  // that must end the string.
  Span all{0, text_.size()};
  std::size_t open = find(all, '[');
  Span head{0, open};
  std::optional<Span> options;
  if (open != text_.size()) {
    std::size_t close = find(Span{open + 1, text_.size()}, ']');
    if (close == text_.size()) return error_at(text_.size(), "missing ']' after the endpoint and options");
    if (close + 1 != text_.size()) return error_at(close + 1, "unexpected text after ']'");
    options = Span{open + 1, close};
  }
  if (std::size_t stray = find(head, ']'); stray != head.end) return error_at(stray, "']' without '['");

  // object-uuid@ comes before the protseq's ':'.
  std::size_t colon = find(head, ':');
  std::size_t at = find(Span{0, colon}, '@');
  Span rest = head;
  if (at != colon) {
    if (auto e = parse_object(Span{0, at}, b)) return *e;
    rest.begin = at + 1;
  }

  colon = find(rest, ':');
  if (colon == rest.end || is_ipv6_literal(raw(rest))) {
    // Samba's protseq-less form: the whole head is a network address.
    if (auto e = parse_host(rest, b)) return *e;
  } else {
    std::string_view name = raw(Span{rest.begin, colon});
    if (name.empty()) return error_at(rest.begin, "protocol sequence missing before ':'");
    auto protseq = protseq_from_name(name);
    if (!protseq) return error_at(rest.begin, "unknown protocol sequence '" + std::string(name) + "'");
    b.set_protseq(*protseq);
    if (auto e = parse_host(Span{colon + 1, rest.end}, b)) return *e;
  }

  if (options) {
    if (auto e = parse_options(*options, b)) return *e;
  }
  return b;
}

// Appends s, escaping the characters in `escape` and any backslash that a
// parser would otherwise read as an escape (one before a special character
// or at the very end of the field).
void append_escaped(std::string& out, std::string_view s, std::string_view escape) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool needs = escape.find(c) != std::string_view::npos;
    if (c == '\\') needs = i + 1 == s.size() || is_special(s[i + 1]);
    if (needs) out.push_back('\\');
    out.push_back(c);
  }
}

}  // namespace

std::string_view protseq_name(Protseq protseq) {
  for (const auto& p : kProtseqs) {
    if (p.protseq == protseq) return p.name;
  }
  return {};
}

std::optional<Protseq> protseq_from_name(std::string_view name) {
  for (const auto& p : kProtseqs) {
    if (iequals(p.name, name)) return p.protseq;
  }
  return std::nullopt;
}

bool is_supported(Protseq protseq) {
  return protseq == Protseq::kNcacnIpTcp || protseq == Protseq::kNcalrpc || protseq == Protseq::kNcadgIpUdp;
}

bool is_connection_oriented(Protseq protseq) {
  return protseq == Protseq::kNcalrpc || protseq_name(protseq).substr(0, 6) == "ncacn_";
}

std::optional<std::string_view> binding_flag_name(BindingFlag flag) {
  for (const auto& [f, name] : kFlags) {
    if (f == flag) return name;
  }
  return std::nullopt;
}

std::optional<BindingFlag> binding_flag_from_name(std::string_view name) {
  for (const auto& [f, n] : kFlags) {
    if (iequals(n, name)) return f;
  }
  return std::nullopt;
}

std::string BindingError::to_string() const {
  return "column " + std::to_string(column) + ": " + message;
}

Binding::ParseResult Binding::parse(std::string_view text) { return Parser(text).run(); }

Binding::ParseResult Binding::parse_listen(std::string_view text) {
  // "protseq:[v6][...]": drop the host's brackets and parse the bare form, which the string-binding
  // grammar already reads as an IPv6 literal; columns after the host move back by the 2 brackets.
  std::size_t colon = text.find(':');
  if (colon != std::string_view::npos && colon + 1 < text.size() && text[colon + 1] == '[') {
    std::size_t close = text.find(']', colon + 2);
    if (close != std::string_view::npos && (close + 1 == text.size() || text[close + 1] == '[') &&
        is_ipv6_literal(text.substr(colon + 2, close - colon - 2))) {
      std::string bare(text.substr(0, colon + 1));
      bare += text.substr(colon + 2, close - colon - 2);
      bare += text.substr(close + 1);
      auto r = Parser(bare, true).run();
      if (r) return r;
      BindingError e = r.error();
      if (e.column > close - 1) e.column += 2;       // after the host: both brackets
      else if (e.column > colon + 1) e.column += 1;  // inside the host: the opening one
      return e;
    }
  }
  return Parser(text, true).run();
}

std::optional<std::uint16_t> Binding::port() const {
  if (!endpoint_) return std::nullopt;
  if (protseq_ != Protseq::kNcacnIpTcp && protseq_ != Protseq::kNcadgIpUdp && protseq_ != Protseq::kNcacnHttp) {
    return std::nullopt;
  }
  unsigned port = 0;
  const std::string& e = *endpoint_;
  auto [end, ec] = std::from_chars(e.data(), e.data() + e.size(), port);
  if (ec != std::errc() || end != e.data() + e.size() || port == 0 || port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

std::optional<std::string_view> Binding::option(std::string_view name) const {
  for (const auto& [k, v] : other_options_) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

Binding& Binding::set_flag(BindingFlag flag, bool on) {
  auto bit = static_cast<std::uint32_t>(flag);
  flags_ = on ? (flags_ | bit) : (flags_ & ~bit);
  return *this;
}

Binding& Binding::add_option(std::string name, std::string value) {
  other_options_.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::string Binding::to_string() const {
  std::string out;
  if (object_) {
    out += *object_;
    out += '@';
  }
  if (protseq_ != Protseq::kUnspecified) {
    out += protseq_name(protseq_);
    out += ':';
  }
  // ':' stays bare in the address: the parser splits the protseq off at the
  // first colon, and Samba does not understand an escaped IPv6 literal.
  append_escaped(out, host_, "@[]");

  std::vector<std::string> items;
  for (const auto& [flag, name] : kFlags) {
    if (has(flag)) items.emplace_back(name);
  }
  auto keyed = [&items](std::string_view key, std::string_view value) {
    std::string item;
    append_escaped(item, key, "[],=");
    item += '=';
    append_escaped(item, value, "[],");
    items.push_back(std::move(item));
  };
  if (target_hostname_) keyed("target_hostname", *target_hostname_);
  if (target_principal_) keyed("target_principal", *target_principal_);
  if (assoc_group_id_) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(*assoc_group_id_));
    keyed("assoc_group_id", buf);
  }
  for (const auto& [k, v] : other_options_) keyed(k, v);

  if (!endpoint_ && items.empty()) return out;
  out += '[';
  if (endpoint_) {
    // An endpoint that reads as a flag word must use the keyword form.
    if (binding_flag_from_name(*endpoint_)) out += "endpoint=";
    append_escaped(out, *endpoint_, "[],=");
  }
  for (const auto& item : items) {
    out += ',';
    out += item;
  }
  out += ']';
  return out;
}

}  // namespace nca::rpc
