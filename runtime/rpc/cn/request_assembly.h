// The server's reassembly of fragmented requests on one connection: which fragment starts,
// continues or ends which call, within the connection's limits (ServerConfig::max_request_size,
// max_calls_in_flight). Pure state: the connection (server.cpp) dispatches what it completes and
// sends the faults it decides. Private to nca_rpc_cn.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "nca/rpc/cn/pdu.h"
#include "nca/rpc/cn/server.h"
#include "nca/rpc/stub_pool.h"

namespace nca::rpc::cn::detail {

// A request being reassembled, or complete.
struct Incoming {
  uint16_t context_id = 0;
  uint16_t opnum = 0;
  std::optional<Uuid> object;
  bool little_endian = true;
  bool cancelled = false;  // a co_cancel or orphaned came while it was reassembled
  Bytes stub;
};

class RequestAssembly {
 public:
  RequestAssembly(const ServerConfig& config, StubPool& pool) : config_(config), pool_(pool) {}

  // What one request fragment does.
  struct Verdict {
    enum Kind {
      more,            // taken; the call needs more fragments
      complete,        // `call` is whole: dispatch it
      protocol_error,  // fault nca_s_proto_error (did_not_execute) for the fragment's call
      fault_close,     // fault nca_s_proto_error for fault_call_id/fault_context, no flag; close
      too_busy,        // fault nca_s_server_too_busy (did_not_execute) for the fragment's call
    } kind = more;
    uint32_t fault_call_id = 0;
    uint16_t fault_context = 0;
    Incoming call;
  };

  // One request fragment. `in_flight`: calls dispatched and not answered; `call_running`:
  // whether this call id is one of them; `context_known`: the request's context is accepted.
  Verdict take(const Header& h, const RequestBody& body, size_t in_flight, bool call_running,
               bool conc_mpx, bool context_known);
  // A co_cancel or orphaned for a call being reassembled.
  void cancel(uint32_t call_id);
  size_t size() const { return assembling_.size(); }
  void clear() { assembling_.clear(); }

 private:
  const ServerConfig& config_;
  StubPool& pool_;
  std::map<uint32_t, Incoming> assembling_;
};

}  // namespace nca::rpc::cn::detail
