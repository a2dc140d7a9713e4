// MgmtService: the logic of the remote management interface (idl/mgmt.idl, C706 appendix Q) that
// every server offers without user code: inq_if_ids, inq_stats, is_server_listening,
// stop_server_listening (refused unless the server allows it), inq_princ_name. It needs only the
// ServerCore; MgmtServer (mgmt_server.h) serves it through the generated stubs.
//
// inq_stats' request differs between peers: DCE 1.1 clients send max_count alone (4 bytes),
// Windows and Samba send a second word (8 bytes, the mgmt.idl form). The generated stub would
// reject the short form, so opnum 1 is served as a raw operation with the codec below.
//
// Threading: the loop's thread. The ServerCore outlives the service.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nca/rpc/server.h"

namespace nca::rpc {

// Win32 status values the mgmt operations return (WERROR on the wire).
inline constexpr uint32_t kMgmtOk = 0;
inline constexpr uint32_t kMgmtAccessDenied = 5;              // ERROR_ACCESS_DENIED
inline constexpr uint32_t kMgmtInsufficientBuffer = 122;      // ERROR_INSUFFICIENT_BUFFER
inline constexpr uint32_t kMgmtUnknownAuthnService = 0x6d3;   // RPC_S_UNKNOWN_AUTHN_SERVICE
inline constexpr uint32_t kMgmtNotListening = 0x6b3;          // RPC_S_NOT_LISTENING

class MgmtService {
 public:
  struct Options {
    // stop_server_listening is refused (kMgmtAccessDenied) unless this is set and returns true
    // for the caller; when it does, `stop` runs.
    std::function<bool(const CallerContext&)> allow_stop;
    std::function<void()> stop;
    // Principal names by authentication service (DCE authn_proto / auth type: 9 SPNEGO,
    // 10 NTLMSSP, 16 Kerberos, ...).
    std::map<uint32_t, std::string> principal_names;
  };

  explicit MgmtService(const ServerCore& core) : MgmtService(core, Options{}) {}
  MgmtService(const ServerCore& core, Options options) : core_(core), options_(std::move(options)) {}

  // opnum 0: every interface the ServerCore has registered (mgmt itself included once it is).
  std::vector<SyntaxId> inq_if_ids() const { return core_.interface_ids(); }
  // opnum 1: the first min(max_count, 4) of the core's counters (CallStats, wire order).
  std::vector<uint32_t> inq_stats(uint32_t max_count) const;
  // opnum 2: true while listening; status 0, or kMgmtNotListening.
  struct Listening {
    bool listening = true;
    uint32_t status = kMgmtOk;
  };
  Listening is_server_listening() const;
  // opnum 3.
  uint32_t stop_server_listening(const CallerContext& caller);
  // opnum 4: the name, if it fits in princ_name_size bytes with its NUL.
  struct PrincName {
    uint32_t status = kMgmtOk;
    std::string name;
  };
  PrincName inq_princ_name(uint32_t authn_proto, uint32_t princ_name_size) const;

  void set_listening(bool listening) { listening_ = listening; }

 private:
  const ServerCore& core_;
  Options options_;
  bool listening_ = true;
};

// Raw stub codecs for inq_stats (NDR20; the request in the byte order `little_endian` says).
// The request: max_count, then optionally one more uint32 (ignored); nullopt for any other size.
std::optional<uint32_t> decode_inq_stats_request(std::span<const uint8_t> stub, bool little_endian = true);
// The response: mgmt_statistics (conformance, count, the counters) and the status, little-endian.
Bytes encode_inq_stats_response(std::span<const uint32_t> statistics, uint32_t status = kMgmtOk);

}  // namespace nca::rpc
