// ncacall: calls any DCE/RPC operation described by IDL files, compiled at run time (no code
// generation), with [in] arguments as JSON; prints the [out] values and the result as JSON (or
// text). grpcurl for DCE/RPC.
//
//   ncacall [options] [-I DIR]... FILE.idl... list
//   ncacall [options] [-I DIR]... FILE.idl... describe NAME
//   ncacall [options] [-I DIR]... FILE.idl... BINDING OPERATION ['{"in_arg": value, ...}']
//
// exit status: 0 the call returned (whatever its result value says), 1 the call failed (fault,
// transport, timeout, protocol, unmarshalling the response), 2 usage, IDL or argument errors,
// or a construct the interpreter does not marshal yet.
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "describe.h"
#include "dynamic_interface.h"
#include "handle_factory.h"
#include "idl_loader.h"
#include "interp/ndr_interp.h"
#include "nca/net/loop.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/loop_executor.h"

#ifndef NCA_VERSION
#define NCA_VERSION "0.0.0"
#endif

namespace {

using nlohmann::json;

const char kUsage[] = R"(usage: ncacall [options] FILE.idl... list
       ncacall [options] FILE.idl... describe NAME
       ncacall [options] FILE.idl... BINDING OPERATION ['JSON']

Calls DCE/RPC operations described by IDL files, compiled at run time.
  list           the interfaces and operations of the files named
  describe NAME  a type, operation or interface, with the JSON its value takes
  BINDING        e.g. ncacn_ip_tcp:127.0.0.1[5000], ncalrpc:[echo]; without an endpoint
                 (ncacn_ip_tcp:127.0.0.1) the host's endpoint mapper is asked
  OPERATION      an operation name, or INTERFACE.OPERATION
  JSON           the [in] arguments as a JSON object (default {}); @FILE reads it from FILE,
                 - from standard input
options:
  -I DIR             search DIR for imported IDL files
  --text             print the result as NAME = VALUE lines instead of JSON
  --timeout SECONDS  fail the call after this long (default 30; 0: never)
  --syntax S         transfer syntaxes to offer: ndr20, ndr64 or both (default both)
  --ncalrpc-dir DIR  directory of ncalrpc sockets (default /tmp)
  --epm-port N       the endpoint mapper's port (default 135)
  --version, --help
exit status: 0 the call returned, 1 the call failed (fault, transport, ...), 2 usage, IDL or
argument errors, or a construct the interpreter cannot marshal yet
)";

int usage(const std::string& msg) {
  std::cerr << "ncacall: " << msg << "\n(run 'ncacall --help' for the usage)\n";
  return 2;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// NAME = VALUE lines, nested names joined with '.' and [i].
void print_text(const json& j, const std::string& name, std::ostream& out) {
  if (j.is_object() && !j.empty()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      print_text(it.value(), name.empty() ? it.key() : name + "." + it.key(), out);
  } else if (j.is_array() && !j.empty()) {
    for (size_t k = 0; k < j.size(); ++k) print_text(j[k], name + "[" + std::to_string(k) + "]", out);
  } else {
    out << name << " = " << (j.is_string() ? j.get<std::string>() : j.dump()) << "\n";
  }
}

struct Options {
  std::vector<std::string> include_dirs, positional;
  bool text = false;
  double timeout = 30;
  bool ndr20 = true, ndr64 = true;
  ncacall::HandleOptions handle;
};

int call(const Options& o, const ncacall::ir::Program& program, size_t first) {
  const std::string& binding_text = o.positional[first];
  if (first + 1 >= o.positional.size()) return usage("no OPERATION after the binding");
  const std::string& op_name = o.positional[first + 1];
  std::string arg_text = first + 2 < o.positional.size() ? o.positional[first + 2] : "{}";
  if (first + 3 < o.positional.size()) return usage("unexpected argument '" + o.positional[first + 3] + "'");
  if (arg_text == "-" || arg_text.starts_with("@")) {
    std::ifstream f;
    if (arg_text != "-") {
      f.open(arg_text.substr(1));
      if (!f) return usage("cannot read '" + arg_text.substr(1) + "'");
    }
    std::istream& in = arg_text == "-" ? std::cin : f;
    arg_text.assign(std::istreambuf_iterator<char>(in), {});
  }

  const ncacall::ir::Interface* iface = nullptr;
  const ncacall::ir::Operation* op = ncacall::find_operation(program, op_name, &iface);
  if (!op) return usage("no operation '" + op_name + "' in the IDL (try 'list')");
  if (!iface->uuid) return usage("interface " + iface->name + " has no uuid");

  auto parsed = nca::rpc::Binding::parse(binding_text);
  if (!parsed) return usage("binding '" + binding_text + "': " + parsed.error().to_string());

  ncacall::DynamicArgs args;
  nca::interp::NdrInterpreter interp(program);
  args.interp = &interp;
  args.op = op;
  try {
    args.in = json::parse(arg_text);
  } catch (const json::exception& e) {
    return usage(std::string("the arguments are not JSON: ") + e.what());
  }
  // Refuse what cannot be marshalled, and arguments of the wrong shape, before connecting.
  try {
    interp.check(*op);
    for (auto syntax : {nca::ndr::Syntax::ndr20, nca::ndr::Syntax::ndr64}) {
      nca::ndr::Push p(syntax);
      auto st = interp.push_in(*op, args.in, p);
      if (!st.ok()) return usage(op->name + ": the arguments do not marshal: " + st.to_string());
    }
  } catch (const nca::interp::Unsupported& e) {
    std::cerr << "ncacall: " << op->name << ": " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    return usage(op->name + ": bad arguments: " + e.what());
  }

  ncacall::DynamicInterface dyn(*iface, o.ndr20, o.ndr64);
  nca::net::Loop loop;
  nca::rpc::Status status;
  {
    nca::rpc::LoopExecutor executor(loop);
    std::string error;
    auto handle = ncacall::make_handle(executor, parsed.value(), o.handle, error);
    if (!handle) {
      std::cerr << "ncacall: " << error << "\n";
      return 2;
    }
    nca::rpc::CallOptions co;
    co.timeout = std::chrono::duration_cast<nca::rpc::Executor::Duration>(std::chrono::duration<double>(o.timeout));
    bool done = false;
    handle->call(dyn.spec(), dyn.operation(*op), &args, co, [&](nca::rpc::Status s) {
      status = std::move(s);
      done = true;
    });
    loop.run_until([&] { return done; });
  }
  loop.run();  // finishes the disconnect
  (void)loop.close();
  if (!status.ok()) {
    std::cerr << "ncacall: " << op->name << ": " << nca::rpc::to_string(status) << "\n";
    return 1;
  }
  if (o.text)
    print_text(args.out, "", std::cout);
  else
    std::cout << args.out.dump(2) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--version") {
      std::cout << "ncacall " << NCA_VERSION << "\n";
      return 0;
    } else if (a == "-I") {
      if (!value(v)) return usage("-I needs a directory");
      o.include_dirs.push_back(v);
    } else if (a.starts_with("-I") && a.size() > 2) {
      o.include_dirs.push_back(a.substr(2));
    } else if (a == "--text") {
      o.text = true;
    } else if (a == "--timeout") {
      if (!value(v)) return usage("--timeout needs seconds");
      char* end = nullptr;
      o.timeout = std::strtod(v.c_str(), &end);
      if (*end || o.timeout < 0) return usage("--timeout needs a number of seconds");
    } else if (a == "--syntax") {
      if (!value(v) || (v != "ndr20" && v != "ndr64" && v != "both")) return usage("--syntax is ndr20, ndr64 or both");
      o.ndr20 = v != "ndr64";
      o.ndr64 = v != "ndr20";
      o.handle.offer_ndr64 = o.ndr64;
    } else if (a == "--ncalrpc-dir") {
      if (!value(o.handle.ncalrpc_dir)) return usage("--ncalrpc-dir needs a directory");
    } else if (a == "--epm-port") {
      if (!value(v)) return usage("--epm-port needs a port");
      long n = std::strtol(v.c_str(), nullptr, 10);
      if (n < 1 || n > 65535) return usage("--epm-port must be 1-65535");
      o.handle.epm_port = static_cast<uint16_t>(n);
    } else if (a.size() > 1 && a[0] == '-' && a != "-" && !(a[1] == '{')) {
      return usage("unknown option '" + a + "'");
    } else {
      o.positional.push_back(a);
    }
  }
  std::vector<std::string> files;
  size_t k = 0;
  while (k < o.positional.size() && ends_with(o.positional[k], ".idl")) files.push_back(o.positional[k++]);
  if (files.empty()) return usage("no IDL files");
  if (k >= o.positional.size()) return usage("no command after the IDL files (list, describe NAME or BINDING OPERATION)");

  auto program = ncacall::load_idl(files, o.include_dirs, std::cerr);
  if (!program) return 2;

  const std::string& cmd = o.positional[k];
  if (cmd == "list") {
    if (k + 1 != o.positional.size()) return usage("list takes no arguments");
    ncacall::list_interfaces(*program, std::cout);
    return 0;
  }
  if (cmd == "describe") {
    if (k + 2 != o.positional.size()) return usage("describe takes one NAME");
    if (!ncacall::describe(*program, o.positional[k + 1], std::cout))
      return usage("nothing called '" + o.positional[k + 1] + "' in the IDL");
    return 0;
  }
  return call(o, *program, k);
}
