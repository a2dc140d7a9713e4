#include "dynamic_interface.h"

#include <algorithm>

#include "nca/ndr/detail/generated_entry.h"

namespace ncacall {

namespace {

using nca::rpc::Status;
using nca::rpc::SyntaxId;

Status refusal(const std::exception& e) { return Status::ndr(0xfffe, e.what()); }

Status push_in(const void* r, const SyntaxId& ts, nca::rpc::Bytes& out) {
  const auto& a = *static_cast<const DynamicArgs*>(r);
  nca::ndr::Syntax syntax;
  if (!nca::ndr::gen::syntax_of(ts, syntax)) return nca::ndr::gen::bad_syntax();
  nca::ndr::Push p(syntax);
  try {
    a.interp->push_in(*a.op, a.in, p);
  } catch (const std::exception& e) {
    return refusal(e);
  }
  return nca::ndr::gen::finish(p, out);
}

Status pull_out(std::span<const uint8_t> in, const SyntaxId& ts, bool little_endian, void* r) {
  auto& a = *static_cast<DynamicArgs*>(r);
  nca::ndr::Syntax syntax;
  if (!nca::ndr::gen::syntax_of(ts, syntax)) return nca::ndr::gen::bad_syntax();
  nca::ndr::DataRep rep;
  rep.little_endian = little_endian;
  nca::ndr::Pull p(in, syntax, rep);
  try {
    a.interp->pull_out(*a.op, a.in, p, a.out);
  } catch (const std::exception& e) {
    return refusal(e);
  }
  return nca::ndr::gen::status(p.status());
}

// The server's side: ncacall is a client only.
Status no_push(const void*, const SyntaxId&, nca::rpc::Bytes&) {
  return Status::ndr(0xfffe, "ncacall does not serve operations");
}
Status no_pull(std::span<const uint8_t>, const SyntaxId&, bool, void*) {
  return Status::ndr(0xfffe, "ncacall does not serve operations");
}

}  // namespace

DynamicInterface::DynamicInterface(const ir::Interface& iface, bool ndr20, bool ndr64) : name_(iface.name) {
  if (ndr20) syntaxes_.push_back(nca::rpc::kNdr20);
  if (ndr64) syntaxes_.push_back(nca::rpc::kNdr64);
  uint32_t count = 0;
  for (const auto& op : iface.operations) count = std::max(count, op.opnum + 1);
  op_names_.resize(count);
  ops_.resize(count);
  for (const auto& op : iface.operations) op_names_[op.opnum] = op.name;
  for (uint32_t n = 0; n < count; ++n) {
    auto& s = ops_[n];
    s.name = op_names_[n];
    s.opnum = static_cast<uint16_t>(n);
    s.args = &nca::rpc::kArgsType<DynamicArgs>;
    s.push_in = push_in;
    s.pull_in = no_pull;
    s.push_out = no_push;
    s.pull_out = pull_out;
  }
  exception_storage_ = iface.exceptions;
  for (const auto& e : exception_storage_) exceptions_.push_back(e);
  spec_.name = name_;
  nca::rpc::SyntaxId id;
  if (iface.uuid) {
    auto u = nca::rpc::Uuid::parse(*iface.uuid);
    if (u) id.uuid = *u;
  }
  id.major = iface.version.major;
  id.minor = iface.version.minor;
  spec_.id = id;
  spec_.transfer_syntaxes = syntaxes_;
  spec_.operations = ops_;
  spec_.exceptions = exceptions_;
  spec_.strict_context_handles = iface.strict_context_handle;
}

}  // namespace ncacall
