#include "security_filter.h"

#include "nca/rpc/auth/faults.h"

namespace nca::rpc::cn::detail {

void SecurityFilter::establish(std::unique_ptr<auth::SecurityContext> context, auth::AuthType type,
                               auth::Level level, uint32_t context_id) {
  context_ = std::move(context);
  invalid_ = false;
  type_ = type;
  // C706's call level is treated as packet, as Windows does (MS-RPCE 2.2.1.1.8).
  level_ = level == auth::Level::call ? auth::Level::packet : level;
  context_id_ = context_id;
}

AuthTrailer SecurityFilter::trailer() const {
  AuthTrailer t;
  t.auth_type = type_;
  t.auth_level = uint8_t(level_);
  t.auth_context_id = context_id_;
  return t;
}

bool SecurityFilter::matches(const AuthTrailer& a) const {
  uint8_t level = a.auth_level == uint8_t(auth::Level::call) ? uint8_t(auth::Level::packet)
                                                             : a.auth_level;
  return context_ && a.auth_type == type_ && level == uint8_t(level_) &&
         a.auth_context_id == context_id_;
}

Status SecurityFilter::unprotect(std::span<uint8_t> fragment, const Pdu& pdu) {
  auto refuse = [](std::string why) {
    return Status::fault(FaultCode::fault_access_denied, std::move(why));
  };
  if (!context_) {
    if (pdu.auth) return refuse("a sec_trailer on an unauthenticated association");
    return {};
  }
  if (!context_->complete()) return refuse("a call before the security handshake completed");
  if (!pdu.auth) {
    if (protects_pdus()) return refuse("a fragment without its verifier");
    return {};
  }
  if (!matches(*pdu.auth)) return refuse("a sec_trailer of another security context");
  // Connect level: a trailer may come, its verifier is not checked (as Samba).
  if (!protects_pdus()) return {};
  if (pdu.auth->credentials.size() != context_->signature_size())
    return refuse("a verifier of the wrong size");

  ByteView stub;
  if (const auto* r = std::get_if<RequestBody>(&pdu.body)) stub = r->stub;
  else if (const auto* r = std::get_if<ResponseBody>(&pdu.body)) stub = r->stub;
  else return refuse("a verifier on a PDU that cannot carry one");
  size_t body_offset = size_t(stub.data() - fragment.data());
  size_t verifier_at = fragment.size() - pdu.auth->credentials.size();
  auth::PduRegions regions;
  regions.fragment = fragment.first(verifier_at);
  regions.body_offset = body_offset;
  regions.body_length = stub.size() + pdu.auth->auth_pad_length;
  regions.header_signing = header_signing_;
  if (regions.body_offset + regions.body_length + kAuthTrailerSize != verifier_at)
    return refuse("auth padding does not reach the sec_trailer");
  Status st = level_ == auth::Level::privacy
                  ? context_->unseal(regions, pdu.auth->credentials)
                  : context_->verify(regions, pdu.auth->credentials);
  if (!st.ok()) {
    // A provider that cannot protect at this level says so with fault sec_pkg_error.
    if (st.kind == StatusKind::fault && st.code == auth::kFaultSecPkgError)
      return st;
    return refuse("verifier check failed: " + st.message);
  }
  return {};
}

size_t SecurityFilter::stub_per_fragment(size_t max_frag, size_t head_size) const {
  return auth::protected_stub_per_fragment(max_frag, head_size, context_->signature_size());
}

Status SecurityFilter::protect(std::vector<uint8_t>& out, size_t start, size_t head_size,
                               size_t stub_bytes) {
  uint8_t pad = auth::auth_pad_length(stub_bytes);
  size_t sig = context_->signature_size();
  out.insert(out.end(), pad, 0);
  out.push_back(type_);
  out.push_back(uint8_t(level_));
  out.push_back(pad);
  out.push_back(0);  // auth_reserved
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(context_id_ >> (8 * i)));
  out.insert(out.end(), sig, 0);
  std::span<uint8_t> frag = std::span<uint8_t>(out).subspan(start);
  set_lengths(frag, uint16_t(frag.size()), uint16_t(sig));
  auth::PduRegions regions;
  regions.fragment = frag.first(frag.size() - sig);
  regions.body_offset = head_size;
  regions.body_length = stub_bytes + pad;
  regions.header_signing = header_signing_;
  std::span<uint8_t> verifier = frag.last(sig);
  return level_ == auth::Level::privacy ? context_->seal(regions, verifier)
                                        : context_->sign(regions, verifier);
}

}  // namespace nca::rpc::cn::detail
