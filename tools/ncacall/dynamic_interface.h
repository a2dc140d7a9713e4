// An nca::rpc InterfaceSpec built at run time from an ir::Interface, whose operations marshal
// through the NDR interpreter: what lets ncacall call any operation through the binding handle
// API (BindingHandle::call) of whatever engine the binding picks, as a generated client would.
//
// Contract: the argument struct of every operation is DynamicArgs (JSON in, JSON out). The
// interpreter's refusals (Unsupported, BadValue) come back from the call as kind ndr with
// their message; call NdrInterpreter::check and a dry-run push first to report them before
// anything is sent. The DynamicInterface must outlive the calls made with it, and the program
// and interpreter must outlive it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "interp/ndr_interp.h"
#include "nca/rpc/interface.h"

namespace ncacall {

namespace ir = nca::idl::ir;
using nlohmann::json;

struct DynamicArgs {
  const nca::interp::NdrInterpreter* interp = nullptr;
  const ir::Operation* op = nullptr;
  json in = json::object();
  json out = json::object();
};

class DynamicInterface {
 public:
  // The transfer syntaxes offered (at least one): the engine negotiates which is used.
  DynamicInterface(const ir::Interface& iface, bool ndr20, bool ndr64);
  DynamicInterface(const DynamicInterface&) = delete;
  DynamicInterface& operator=(const DynamicInterface&) = delete;

  const nca::rpc::InterfaceSpec& spec() const { return spec_; }
  const nca::rpc::OperationSpec& operation(const ir::Operation& op) const { return ops_.at(op.opnum); }

 private:
  std::string name_;
  std::vector<std::string> op_names_;
  std::vector<std::string> exception_storage_;
  std::vector<std::string_view> exceptions_;
  std::vector<nca::rpc::SyntaxId> syntaxes_;
  std::vector<nca::rpc::OperationSpec> ops_;
  nca::rpc::InterfaceSpec spec_;
};

}  // namespace ncacall
