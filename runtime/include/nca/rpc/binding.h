// String bindings: parse and compose "[object-uuid@]protseq:[network-address][endpoint,option,...]".
//
// Accepts the forms Windows documents for RpcStringBindingCompose/Parse and the
// forms Samba's dcerpc_parse_binding accepts:
//
//   ncacn_ip_tcp:192.0.2.1[135]                     Windows and Samba
//   6b29fc40-ca47-1067-b31d-00dd010662da@ncacn_ip_tcp:host[1024]
//   ncacn_ip_tcp:host[endpoint=135]                 Windows' keyword form
//   ncacn_ip_tcp:host[1024,sign,target_hostname=x]  Samba flags and key=value options
//   ncacn_ip_tcp:127.0.0.1[,seal]                   Samba: options without an endpoint
//   ncalrpc:[EPMAPPER]                              no network address
//   ncacn_ip_tcp:fe80::1%eth0[135]                  IPv6 literals are written bare
//   127.0.0.1[sign]                                 Samba: no protocol sequence
//
// Escaping: a backslash makes the next character literal when that character
// is one of  @ : [ ] , = \  (Microsoft's rule). A backslash before any other
// character is kept as it is, so Samba's unescaped "[\pipe\rpcecho]" and
// Windows' escaped "[\\pipe\\rpcecho]" both give the endpoint \pipe\rpcecho.
//
// Options: the first item is the endpoint unless it is a flag word (see
// BindingFlag; Samba's "sign=sign" also sets the flag); later bare words must
// be flag words. Keys (ASCII case ignored): endpoint=, object=,
// target_hostname=, target_principal= (non-empty), assoc_group_id= (as Samba
// reads it: "0x" and 1-8 hex digits); any other key=value is kept as given.
// Endpoints of ncacn_ip_tcp, ncadg_ip_udp and ncacn_http must be ports
// 1-65535; those of ncalrpc and the unix protseqs may not contain '/' or be
// "." or "..", since they name a socket in a server-owned directory.
//
// Errors are values: parse() returns a BindingError with the 1-based column of
// the offending character and a short message. Nothing here allocates more
// than a small multiple of the input's length. All functions are pure and
// thread-safe; Binding is a plain value type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace nca::rpc {

// Protocol sequences known by name. Only ncacn_ip_tcp, ncalrpc and
// ncadg_ip_udp have transports in this library (see is_supported); the
// others parse so that bindings from Windows or Samba can be read and
// re-emitted, and are flagged as unsupported.
enum class Protseq {
  kUnspecified,       // Samba's "host" or "host[options]" form: no protseq written
  kNcacnIpTcp,        // ncacn_ip_tcp
  kNcalrpc,           // ncalrpc
  kNcadgIpUdp,        // ncadg_ip_udp
  kNcacnNp,           // ncacn_np (SMB named pipes)
  kNcacnHttp,         // ncacn_http (RPC over HTTP)
  kNcacnUnixStream,   // ncacn_unix_stream (Samba)
  kNcadgUnixDgram,    // ncadg_unix_dgram (Samba)
  kNcacnNbTcp,        // ncacn_nb_tcp
  kNcacnNbIpx,        // ncacn_nb_ipx
  kNcacnNbNb,         // ncacn_nb_nb
  kNcacnSpx,          // ncacn_spx
  kNcacnDnetNsp,      // ncacn_dnet_nsp
  kNcacnAtDsp,        // ncacn_at_dsp
  kNcacnVnsSpp,       // ncacn_vns_spp
  kNcacnVnsIpc,       // ncacn_vns_ipc (Samba)
  kNcadgIpx,          // ncadg_ipx
  kNcadgAtDdp,        // ncadg_at_ddp (Samba)
  kNcadgMq,           // ncadg_mq
  kNcacnHvsocket,     // ncacn_hvsocket
};

// The protseq's spelling ("ncacn_ip_tcp"); "" for kUnspecified.
std::string_view protseq_name(Protseq protseq);
// Looks a spelling up, ignoring ASCII case; nullopt when unknown.
std::optional<Protseq> protseq_from_name(std::string_view name);
// True for the protseqs this library has transports for.
bool is_supported(Protseq protseq);
// True for connection-oriented (ncacn_* and ncalrpc) protseqs.
bool is_connection_oriented(Protseq protseq);

// Samba's binding flags (librpc's ncacn_options), written as bare words in
// the option list. Values are bits of Binding::flags(); the composer writes
// them in the order of this enumeration.
enum class BindingFlag : std::uint32_t {
  kSign = 1u << 0,       // sign: auth level integrity
  kSeal = 1u << 1,       // seal: auth level privacy
  kConnect = 1u << 2,    // connect: auth level connect
  kSpnego = 1u << 3,     // spnego: auth type SPNEGO
  kNtlm = 1u << 4,       // ntlm: auth type NTLMSSP
  kKrb5 = 1u << 5,       // krb5: auth type Kerberos
  kSchannel = 1u << 6,   // schannel: auth type Schannel
  kValidate = 1u << 7,   // validate: re-marshal every PDU and compare (debug)
  kPrint = 1u << 8,      // print: dump every call (debug)
  kPadcheck = 1u << 9,   // padcheck: check that padding is zero (debug)
  kBigendian = 1u << 10, // bigendian: send big-endian NDR
  kSmb1 = 1u << 11,      // smb1: ncacn_np over SMB1
  kSmb2 = 1u << 12,      // smb2: ncacn_np over SMB2
  kNdr64 = 1u << 13,     // ndr64: offer the NDR64 transfer syntax
  kPacket = 1u << 14,    // packet: auth level packet
};

// The flag's option word ("sign"); nullopt for a value that is not one flag.
std::optional<std::string_view> binding_flag_name(BindingFlag flag);
// Looks an option word up, ignoring ASCII case.
std::optional<BindingFlag> binding_flag_from_name(std::string_view name);

// Where and why a string did not parse. column is 1-based and counts bytes
// of the input; a problem at the end of the input points one past its end.
struct BindingError {
  std::size_t column = 0;
  std::string message;
  // "column 7: unknown protocol sequence 'ncacn_foo'"
  std::string to_string() const;
  bool operator==(const BindingError&) const = default;
};

// A parsed string binding. Every field is optional except the protseq.
// Invariants kept by the setters used by parse(): the object UUID is in
// canonical lower-case form; for ncacn_ip_tcp, ncadg_ip_udp and ncacn_http
// the endpoint is a decimal port 1-65535.
class Binding {
 public:
  class ParseResult;
  static ParseResult parse(std::string_view text);
  // The listen form servers take: parse() plus port 0 ("the kernel picks"; port() is then
  // nullopt and endpoint() "0") and a bracketed IPv6 host, "ncacn_ip_tcp:[::1][0]", as
  // Samba's and most tools' listen addresses write it. Not for client bindings.
  static ParseResult parse_listen(std::string_view text);

  // Composes the string form, escaping what must be escaped; parse() of the
  // result gives back an equal Binding. Field order follows Samba's
  // dcerpc_binding_string: endpoint, flags, target_hostname,
  // target_principal, assoc_group_id (as 0x%08x), then other options in the
  // order they were given.
  std::string to_string() const;

  const std::optional<std::string>& object() const { return object_; }
  Protseq protseq() const { return protseq_; }
  const std::string& host() const { return host_; }
  const std::optional<std::string>& endpoint() const { return endpoint_; }
  // The endpoint as a port, for the IP protseqs; nullopt otherwise.
  std::optional<std::uint16_t> port() const;
  std::uint32_t flags() const { return flags_; }
  bool has(BindingFlag flag) const { return (flags_ & static_cast<std::uint32_t>(flag)) != 0; }
  const std::optional<std::string>& target_hostname() const { return target_hostname_; }
  const std::optional<std::string>& target_principal() const { return target_principal_; }
  const std::optional<std::uint32_t>& assoc_group_id() const { return assoc_group_id_; }
  // key=value options this library does not interpret (for example Windows'
  // "Security=Impersonation Dynamic False"), in input order.
  const std::vector<std::pair<std::string, std::string>>& other_options() const { return other_options_; }
  // Value of an uninterpreted option, matched ignoring ASCII case.
  std::optional<std::string_view> option(std::string_view name) const;

  // Builders for composing a binding in code. They do not validate; use
  // parse(to_string()) to check a hand-built binding.
  Binding& set_object(std::optional<std::string> uuid) { object_ = std::move(uuid); return *this; }
  Binding& set_protseq(Protseq p) { protseq_ = p; return *this; }
  Binding& set_host(std::string host) { host_ = std::move(host); return *this; }
  Binding& set_endpoint(std::optional<std::string> ep) { endpoint_ = std::move(ep); return *this; }
  Binding& set_flag(BindingFlag flag, bool on = true);
  Binding& set_target_hostname(std::optional<std::string> v) { target_hostname_ = std::move(v); return *this; }
  Binding& set_target_principal(std::optional<std::string> v) { target_principal_ = std::move(v); return *this; }
  Binding& set_assoc_group_id(std::optional<std::uint32_t> v) { assoc_group_id_ = v; return *this; }
  Binding& add_option(std::string name, std::string value);

  bool operator==(const Binding&) const = default;

 private:
  std::optional<std::string> object_;
  Protseq protseq_ = Protseq::kUnspecified;
  std::string host_;
  std::optional<std::string> endpoint_;
  std::uint32_t flags_ = 0;
  std::optional<std::string> target_hostname_;
  std::optional<std::string> target_principal_;
  std::optional<std::uint32_t> assoc_group_id_;
  std::vector<std::pair<std::string, std::string>> other_options_;
};

// Either a Binding or a BindingError.
class [[nodiscard]] Binding::ParseResult {
 public:
  ParseResult(Binding b) : v_(std::move(b)) {}            // NOLINT: implicit by design
  ParseResult(BindingError e) : v_(std::move(e)) {}       // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  // Preconditions: ok() for value(), !ok() for error().
  const Binding& value() const& { return std::get<0>(v_); }
  Binding&& value() && { return std::get<0>(std::move(v_)); }
  const BindingError& error() const { return std::get<1>(v_); }

 private:
  std::variant<Binding, BindingError> v_;
};

}  // namespace nca::rpc
