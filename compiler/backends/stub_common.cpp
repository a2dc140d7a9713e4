// Shared naming and template filling for the stub generators (see stub_common.h).
#include "backends/stub_common.h"

#include <algorithm>

#include "backends/code_writer.h"

namespace nca::idl::backends::stubs {

bool is_callable(const ir::Operation& op) { return !op.noopnum; }

// An interface of declarations only (pidl's security.idl, dnsp.idl) has nothing to call: no stubs
// (an empty operation table would be a zero-length array).
bool has_stubs(const ir::Interface& itf) {
  return itf.uuid && !itf.local && !itf.object &&
         std::any_of(itf.operations.begin(), itf.operations.end(), is_callable);
}

std::string interface_ns_decl(const GeneratorOptions& options, const ir::Interface& itf) {
  auto ns = options.params.find("namespace");
  std::string prefix = ns != options.params.end() && !ns->second.empty() ? ns->second + "::" : "";
  return prefix + cpp_ident(itf.name);
}

std::string interface_ns(const GeneratorOptions& options, const ir::Interface& itf) {
  return "::" + interface_ns_decl(options, itf);
}

OpView view_of(const CppModel& model, const GeneratorOptions& options, const ir::Interface& itf,
               const ir::Operation& op) {
  OpView v;
  v.op = &op;
  v.name = cpp_ident(op.name);
  v.args_type = interface_ns(options, itf) + "::" + v.name;
  for (const ir::Param& p : op.params) {
    if (p.is_binding_handle) continue;
    std::string name = cpp_ident(p.name);
    bool in_out = p.direction == ir::Direction::in_out;
    std::string type = model.cpp_type(p.element.levels, 0);
    Value in{name, type, in_out, "in." + name};
    Value out{name, type, in_out, "out." + name};
    if (p.direction != ir::Direction::out) v.ins.push_back(in);
    if (p.direction != ir::Direction::in) v.outs.push_back(out);
    v.params.push_back(p.direction == ir::Direction::in ? in : out);
  }
  v.result_type = "void";
  if (op.result) {
    v.has_result = true;
    v.result_type = model.cpp_type(op.result->levels, 0);
    v.outs.push_back({"result", v.result_type, false, "out.result"});
  }
  if (v.outs.empty())
    v.client_result = "::nca::rpc::Status";
  else if (v.outs.size() == 1)
    v.client_result = "::nca::rpc::Result<" + v.outs.front().type + ">";
  else
    v.client_result = "::nca::rpc::Result<" + v.args_type + "::Out>";
  return v;
}

std::string wrap_list(size_t indent, std::string_view head, const std::vector<std::string>& items,
                      std::string_view tail) {
  std::string one_line(head);
  for (size_t i = 0; i < items.size(); ++i) one_line += (i ? ", " : "") + items[i];
  one_line += tail;
  if (indent + one_line.size() <= kLineWidth || items.empty()) return one_line;
  // Fill continuation lines; an item longer than a line gets a line of its own.
  const std::string pad(indent + 4, ' ');
  std::string text(head);
  std::string line = pad;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item = items[i] + (i + 1 < items.size() ? "," : std::string(tail));
    if (line.size() > pad.size() && line.size() + 1 + item.size() > kLineWidth) {
      text += "\n" + line;
      line = pad;
    }
    line += (line.size() > pad.size() ? " " : "") + item;
  }
  return text + "\n" + line;
}

std::string wrap_declaration(size_t indent, std::string_view ret, std::string_view head,
                             const std::vector<std::string>& items, std::string_view tail) {
  std::string text = wrap_list(indent, std::string(ret) + " " + std::string(head), items, tail);
  size_t first_line = std::min(text.find('\n'), text.size());
  if (indent + first_line <= kLineWidth) return text;
  return std::string(ret) + "\n" + std::string(indent, ' ') + wrap_list(indent, head, items, tail);
}

std::string fill_list(size_t indent, std::string_view head, const std::vector<std::string>& items,
                      std::string_view tail, size_t continuation) {
  std::string text;
  std::string line = std::string(indent, ' ') + std::string(head);
  bool line_has_item = false;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string item = items[i] + (i + 1 < items.size() ? "," : std::string(tail));
    if (line_has_item && line.size() + 1 + item.size() > kLineWidth) {
      text += line + "\n";
      line = std::string(continuation, ' ');
      line_has_item = false;
    }
    line += (line_has_item ? " " : "") + item;
    line_has_item = true;
  }
  return (text + line).substr(indent);  // the caller's template writes the first indentation
}

std::string handler_signature(const OpView& v, size_t indent, std::string_view prefix,
                              std::string_view tail, bool maybe_unused) {
  std::vector<std::string> params{"::nca::rpc::OpCall<" + v.args_type + ">& call"};
  for (const Value& p : v.params)
    params.push_back((maybe_unused ? "[[maybe_unused]] " : "") + p.type + "& " + p.name);
  return wrap_declaration(indent, std::string(prefix) + v.result_type, v.name + "(", params,
                          ")" + std::string(tail));
}

std::string fill(std::string_view tmpl,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> vars) {
  std::string out;
  CodeWriter(out).emit(tmpl, vars);
  return out;
}

std::string banner(std::string_view what, const GeneratorOptions& options) {
  return fill("// Generated by ncaidl from $base$.idl: $what$. Do not edit.\n",
              {{"base", options.base_name}, {"what", what}});
}

}  // namespace nca::idl::backends::stubs
