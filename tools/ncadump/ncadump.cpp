// ncadump: decodes NDR stub data with the generated code of the shipped interfaces, with the
// calling convention of Samba's ndrdump:
//
//   ncadump [options] INTERFACE FUNCTION|TYPE in|out|struct [FILE]
//
// INTERFACE is a name, an IDL file stem or a UUID (Samba's <pipe|uuid>). Every option of
// ndrdump 4.17 is taken with its meaning (-c/--context-file is always binary, as there; the
// input forms --base64-input, --hex-input and --input=; --dump-data, --quiet, --load-dso=,
// -V/--version; Samba's common options -d, -s, -l, --option are accepted and ignored), so a
// script written for ndrdump runs unchanged.
//
// It prints the value as ndr_print-like text or JSON, and with --validate re-encodes it and
// compares the bytes. Exit status: 0 decoded (and validated), 1 the bytes did not decode or
// re-encode to the same bytes, 2 usage or I/O problems.
#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "input.h"
#include "nca/ndr/ndr.h"
#include "ncadump/builtin_modules.h"
#include "ncadump/module.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitBadData = 1;
constexpr int kExitUsage = 2;

const char kUsage[] = R"(usage: ncadump [options] INTERFACE FUNCTION|TYPE in|out|struct [FILE]

Decodes NDR data (FILE, stdin without it, or --input) with ncarpc's generated code and prints
it. INTERFACE is an interface name (rpcecho), IDL file stem or UUID; FUNCTION a name or an opnum.
The options are Samba ndrdump's, plus ncadump's own below them.

options:
  -c, --context-file=FILE
                         the [in] data (binary) that an `out` blob's sizes and switches depend on
  --validate             re-encode the decoded value and compare with the input
  --dump-data            print the input as a hex dump
  --load-dso=LIB.so[:STEM]
                         also load the ncadump table ncadump_module_STEM from a shared object
                         built from generated code (STEM defaults to INTERFACE)
  --ndr64                the input is NDR64 (default: NDR20)
  --quiet                do not print the decoded value
  --base64-input         the input is base64 text
  --hex-input            the input is a hex dump (dump_data's layout, or plain hex)
  --input=DATA           the input on the command line (with --base64-input or --hex-input)
  --print-after-parse-failure
                         accepted; a value that does not decode is never printed
  -d, --debuglevel=N, --debug-stdout, -s, --configfile=FILE, --option=X, -l, --log-basename=X,
  --leak-report, --leak-report-full
                         Samba's common options: accepted and ignored
  -V, --version          print the version
  -?, --help, --usage    print this help
ncadump's own:
  --hex                  the input is hexadecimal text (whitespace and colons ignored)
  --bigendian            the input is big-endian (data representation 0x00)
  --format=text|json     output format (default: text, like Samba's ndrdump)
  --reencode=FILE        write our encoding of the decoded value to FILE (little-endian)
  --load=LIB.so[:STEM]   as --load-dso
  --list                 list the interfaces, functions and types known
)";

struct Options {
  bool json = false, ndr64 = false, bigendian = false, validate = false, list = false;
  bool dump_data = false, quiet = false;
  ncadump::InputFormat format = ncadump::InputFormat::binary;
  std::optional<std::string> input;  // --input=DATA
  std::string context_file, reencode_file;
  std::vector<std::string> loads;
  std::vector<std::string> args;
};

std::optional<std::string> read_file(const std::string& path) {
  std::string data;
  if (path.empty() || path == "-") {
    data.assign(std::istreambuf_iterator<char>(std::cin), {});
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    data.assign(std::istreambuf_iterator<char>(in), {});
  }
  return data;
}

// INTERFACE as Samba's ndrdump takes it (<pipe|uuid>): the interface's name, its IDL file's
// stem, or its UUID in any letter case.
bool names_interface(const ncadump::Module& m, const ncadump::Interface& i, const std::string& iface) {
  if (i.name == iface || m.file == iface) return true;
  std::string_view u = i.uuid;
  return !u.empty() && u.size() == iface.size() &&
         std::equal(u.begin(), u.end(), iface.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

const ncadump::Entry* find(const std::vector<const ncadump::Module*>& mods, const std::string& iface,
                           const std::string& name, bool function) {
  for (const auto* m : mods) {
    for (const auto& i : m->interfaces) {
      if (!names_interface(*m, i, iface)) continue;
      const auto& table = function ? i.functions : i.types;
      for (size_t k = 0; k < table.size(); ++k) {
        if (table[k].name == name) return &table[k];
        if (function && !name.empty() && name.find_first_not_of("0123456789") == std::string::npos &&
            std::stoul(name) == k)
          return &table[k];
      }
    }
  }
  return nullptr;
}

std::string hex_of(std::span<const std::uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

struct Value {
  const ncadump::Entry* e;
  void* p;
  explicit Value(const ncadump::Entry* entry) : e(entry), p(entry->create()) {}
  ~Value() { e->destroy(p); }
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const std::string& opt) -> std::optional<std::string> {
      if (a.rfind(opt + "=", 0) == 0) return a.substr(opt.size() + 1);
      if (a == opt && i + 1 < argc) return std::string(argv[++i]);
      return std::nullopt;
    };
    if (a == "--help" || a == "-h" || a == "-?" || a == "--usage") {
      std::cout << kUsage;
      return kExitOk;
    } else if (a == "--version" || a == "-V") {
      std::cout << "ncadump " << NCA_VERSION << '\n';
      return kExitOk;
    } else if (a == "--hex") o.format = ncadump::InputFormat::hex;
    else if (a == "--hex-input") o.format = ncadump::InputFormat::hexdump;
    else if (a == "--base64-input") o.format = ncadump::InputFormat::base64;
    else if (a == "--ndr64") o.ndr64 = true;
    else if (a == "--bigendian") o.bigendian = true;
    else if (a == "--validate") o.validate = true;
    else if (a == "--dump-data") o.dump_data = true;
    else if (a == "--quiet") o.quiet = true;
    else if (a == "--list") o.list = true;
    else if (a == "--format=json") o.json = true;
    else if (a == "--format=text") o.json = false;
    else if (a == "--print-after-parse-failure" || a == "--debug-stdout" || a == "--leak-report" ||
             a == "--leak-report-full") {
    } else if (a.rfind("--format", 0) == 0) {
      std::cerr << "ncadump: error: --format is text or json\n";
      return kExitUsage;
    } else if (auto v = value("--context-file")) o.context_file = *v;
    else if (auto v2 = value("-c")) o.context_file = *v2;
    else if (auto v3 = value("--reencode")) o.reencode_file = *v3;
    else if (auto v4 = value("--load")) o.loads.push_back(*v4);
    else if (auto v5 = value("--load-dso")) o.loads.push_back(*v5);
    else if (auto v6 = value("--input")) o.input = *v6;
    else if (value("-d") || value("--debuglevel") || value("-s") || value("--configfile") ||
             value("--option") || value("-l") || value("--log-basename")) {
      // Samba's common options: nothing here for them to set.
    } else if (a.size() > 2 && a[0] == '-' && a[1] == 'd' &&
               a.find_first_not_of("0123456789", 2) == std::string::npos) {
      // -d10: Samba's debug level glued to its option.
    } else if (a.size() > 1 && a[0] == '-') {
      std::cerr << "ncadump: error: unknown option '" << a << "'\n(run 'ncadump --help')\n";
      return kExitUsage;
    } else o.args.push_back(a);
  }

  std::vector<const ncadump::Module*> mods = ncadump::builtin_modules();
  for (const auto& l : o.loads) {
    std::string path = l, stem = o.args.empty() ? "" : o.args[0];
    if (auto colon = l.rfind(':'); colon != std::string::npos) {
      path = l.substr(0, colon);
      stem = l.substr(colon + 1);
    }
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      std::cerr << "ncadump: error: cannot load '" << path << "': " << dlerror() << '\n';
      return kExitUsage;
    }
    auto fn = reinterpret_cast<ncadump::ModuleFn>(dlsym(h, ("ncadump_module_" + stem).c_str()));
    if (!fn) {
      std::cerr << "ncadump: error: '" << path << "' has no ncadump_module_" << stem << '\n';
      return kExitUsage;
    }
    mods.insert(mods.begin(), fn());
  }

  if (o.list) {
    for (const auto* m : mods)
      for (const auto& i : m->interfaces) {
        std::cout << i.name << (i.uuid.empty() ? "" : " " + std::string(i.uuid)) << '\n';
        for (size_t k = 0; k < i.functions.size(); ++k)
          std::cout << "  " << k << " " << i.functions[k].name << '\n';
        for (const auto& t : i.types) std::cout << "  struct " << t.name << '\n';
      }
    return kExitOk;
  }
  if (o.args.size() < 3 || o.args.size() > 4) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const std::string& dir = o.args[2];
  if (dir != "in" && dir != "out" && dir != "struct") {
    std::cerr << "ncadump: error: expected in, out or struct, not '" << dir << "'\n";
    return kExitUsage;
  }
  bool function = dir != "struct";
  const ncadump::Entry* e = find(mods, o.args[0], o.args[1], function);
  if (!e) {
    std::cerr << "ncadump: error: no " << (function ? "function" : "type") << " '" << o.args[1]
              << "' in interface '" << o.args[0] << "' (ncadump --list shows them)\n";
    return kExitUsage;
  }
  auto text = o.input ? o.input : read_file(o.args.size() == 4 ? o.args[3] : "");
  if (!text) {
    std::cerr << "ncadump: error: cannot read '" << o.args[3] << "'\n";
    return kExitUsage;
  }
  auto input = ncadump::decode(*text, o.format);
  if (!input) {
    static const char* const kForm[] = {"binary", "hex", "a hex dump", "base64"};
    std::cerr << "ncadump: error: the input is not " << kForm[static_cast<int>(o.format)] << '\n';
    return kExitUsage;
  }
  auto syntax = o.ndr64 ? nca::ndr::Syntax::ndr64 : nca::ndr::Syntax::ndr20;
  nca::ndr::DataRep rep;
  rep.little_endian = !o.bigendian;
  auto d = dir == "out" ? ncadump::Direction::out : ncadump::Direction::in;

  Value val(e);
  // The context file is binary whatever the input's form, as ndrdump reads it.
  std::optional<ncadump::ByteVector> ctx;
  if (!o.context_file.empty()) {
    if (auto raw = read_file(o.context_file)) ctx.emplace(raw->begin(), raw->end());
    if (!ctx) {
      std::cerr << "ncadump: error: cannot read the context file '" << o.context_file << "'\n";
      return kExitUsage;
    }
    nca::ndr::Pull cp(*ctx, syntax, rep);
    if (!e->pull(cp, ncadump::Direction::in, val.p)) {
      std::cerr << "ncadump: error: context file does not decode: " << cp.status().to_string() << '\n';
      return kExitBadData;
    }
  }
  nca::ndr::Pull p(*input, syntax, rep);
  bool ok = e->pull(p, d, val.p);
  int status = kExitOk;
  if (o.json) {
    nlohmann::json j;
    if (ok) e->to_json(j, d, val.p);
    nlohmann::json out{{"name", std::string(e->name)},
                       {"direction", dir},
                       {"ok", ok},
                       {"value", ok ? j : nlohmann::json(nullptr)}};
    if (!ok) out["error"] = p.status().to_string();
    if (ok && p.trailing()) out["trailing_bytes"] = p.trailing();
    std::cout << out.dump(2) << '\n';
  } else {
    // ndrdump's lines: the pull's result ("Success" is NDR_ERR_SUCCESS's text), with
    // --dump-data how much was read and the input, then the value, then "dump OK".
    std::cout << "pull returned " << (ok ? std::string("Success") : p.status().to_string()) << '\n';
    if (o.dump_data) {
      std::cout << input->size() - p.trailing() << " bytes consumed\n" << ncadump::hexdump(*input);
    }
    if (ok) {
      if (!o.quiet) {
        nca::ndr::Printer pr;
        e->print(pr, d, val.p);
        std::cout << pr.str();
      }
      if (p.trailing()) std::cout << "WARNING! " << p.trailing() << " unread bytes\n";
      std::cout << "dump OK\n";
    }
  }
  if (!ok) return kExitBadData;

  if (o.validate || !o.reencode_file.empty()) {
    nca::ndr::Push out(syntax);
    e->push(out, d, val.p);
    if (!out.ok()) {
      std::cerr << "ncadump: re-encoding failed: " << out.status().to_string() << '\n';
      return kExitBadData;
    }
    if (!o.reencode_file.empty()) {
      std::ofstream f(o.reencode_file, std::ios::binary | std::ios::trunc);
      auto b = out.bytes();
      f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
      if (!f) {
        std::cerr << "ncadump: error: cannot write '" << o.reencode_file << "'\n";
        return kExitUsage;
      }
    }
    if (o.validate) {
      // Big-endian input is compared after our little-endian re-encoding is byte-swapped back
      // through a second decode: the value must be the same, and so must its encoding.
      std::span<const std::uint8_t> consumed(input->data(), input->size() - p.trailing());
      bool same;
      if (!o.bigendian) {
        same = std::equal(consumed.begin(), consumed.end(), out.bytes().begin(), out.bytes().end());
      } else {
        Value again(e);
        if (ctx) {
          nca::ndr::Pull cp(*ctx, syntax, rep);
          e->pull(cp, ncadump::Direction::in, again.p);
        }
        nca::ndr::Pull p2(out.bytes(), syntax);
        same = e->pull(p2, d, again.p);
        nca::ndr::Push out2(syntax);
        if (same) e->push(out2, d, again.p);
        same = same && std::equal(out.bytes().begin(), out.bytes().end(), out2.bytes().begin(),
                                  out2.bytes().end());
      }
      if (same) {
        if (!o.json) std::cout << "validate OK\n";
      } else {
        std::cerr << "ncadump: validate: re-encoded bytes differ\n  input: " << hex_of(consumed)
                  << "\n  ours:  " << hex_of(out.bytes()) << '\n';
        status = kExitBadData;
      }
    }
  }
  return status;
}
