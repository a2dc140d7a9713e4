// The generated mgmt stubs wired to MgmtService; inq_stats is served raw (see mgmt.h).
#include "nca/rpc/mgmt_server.h"

#include "mgmt_server.h"
#include "nca/rpc/patched_interface.h"

namespace nca::rpc {
namespace {

void inq_stats_raw(void* impl, ServerCall call);

}  // namespace

struct MgmtServer::Impl final : mgmt::Service {
  Impl(ServerCore& c, MgmtService::Options o) : core(c), service(c, std::move(o)) {}

  ndr::WError mgmt_inq_if_ids(OpCall<mgmt::mgmt_inq_if_ids>&,
                              ndr::Unique<mgmt::rpc_if_id_vector_t>& if_id_vector) override {
    auto& v = if_id_vector.emplace();
    for (const SyntaxId& id : service.inq_if_ids()) {
      mgmt::ndr_syntax_id_p p;
      p.id.emplace(misc::ndr_syntax_id{id.uuid, id.if_version()});
      v.if_id.push_back(std::move(p));
    }
    v.count = uint32_t(v.if_id.size());
    return ndr::WError{kMgmtOk};
  }

  bool mgmt_is_server_listening(OpCall<mgmt::mgmt_is_server_listening>&, uint32_t& status) override {
    auto l = service.is_server_listening();
    status = l.status;
    return l.listening;
  }

  ndr::WError mgmt_stop_server_listening(OpCall<mgmt::mgmt_stop_server_listening>& call) override {
    return ndr::WError{service.stop_server_listening(call.caller())};
  }

  ndr::WError mgmt_inq_princ_name(OpCall<mgmt::mgmt_inq_princ_name>&, uint32_t& authn_proto,
                                  uint32_t& princ_name_size, std::string& princ_name) override {
    auto p = service.inq_princ_name(authn_proto, princ_name_size);
    princ_name = std::move(p.name);
    return ndr::WError{p.status};
  }

  ServerCore& core;
  MgmtService service;
  bool registered = false;
};

namespace {

constexpr PatchedInterface::RawOp kRawOps[] = {{1, "mgmt_inq_stats", inq_stats_raw}};
const PatchedInterface& patched() {
  static const PatchedInterface p(mgmt::kInterface, mgmt::kDispatchTable, kRawOps);
  return p;
}

void inq_stats_raw(void* impl, ServerCall call) {
  auto* self = static_cast<MgmtServer::Impl*>(static_cast<mgmt::Service*>(impl));
  RawArgs& a = raw_args(call);
  auto max = decode_inq_stats_request(a.in, call.caller().little_endian);
  if (!max)
    return call.fault(Fault(FaultCode::fault_ndr, "mgmt_inq_stats: a request of " + std::to_string(a.in.size()) + " bytes"));
  a.out = encode_inq_stats_response(self->service.inq_stats(*max), kMgmtOk);
  call.complete();
}

}  // namespace

MgmtServer::MgmtServer(ServerCore& core, MgmtService::Options options)
    : impl_(std::make_unique<Impl>(core, std::move(options))) {
  impl_->registered = core.register_interface(patched().server_interface(static_cast<mgmt::Service*>(impl_.get())));
}

MgmtServer::~MgmtServer() {
  if (impl_->registered) impl_->core.unregister_interface(mgmt::kInterface.id);
}

bool MgmtServer::registered() const { return impl_->registered; }
MgmtService& MgmtServer::service() { return impl_->service; }

}  // namespace nca::rpc
