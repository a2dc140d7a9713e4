// Our fault status codes against Samba's (python3-samba's samba.dcerpc.dcerpc constants, which
// Samba generates from its dcerpc.idl): a peer nobody on this team wrote.
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "nca/rpc/status.h"

using namespace nca::rpc;

namespace {

// NAME -> value of every DCERPC_NCA_S_* and DCERPC_FAULT_* integer constant Samba exports.
std::map<std::string, uint32_t> samba_constants() {
  const char* script =
      "/usr/bin/python3 -c \""
      "from samba.dcerpc import dcerpc\n"
      "for n in dir(dcerpc):\n"
      "  v = getattr(dcerpc, n)\n"
      "  if (n.startswith('DCERPC_NCA_S_') or n.startswith('DCERPC_FAULT_')) and isinstance(v, int):\n"
      "    print(n, v)\n"
      "\"";
  std::map<std::string, uint32_t> out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(script, "r"), pclose);
  REQUIRE(pipe);
  char name[128];
  unsigned long value;
  while (std::fscanf(pipe.get(), "%127s %lu", name, &value) == 2) out[name] = static_cast<uint32_t>(value);
  return out;
}

std::string upper(std::string_view s) {
  std::string u(s);
  for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

TEST_CASE("fault_codes_agree_with_samba", "[rpc][interop]") {
  auto samba = samba_constants();
  REQUIRE(samba.size() > 40);

  // Where Samba spells a name differently from C706 (and keeps its own typo).
  const std::map<std::string, std::string> renamed = {
      {"nca_s_unk_if", "DCERPC_NCA_S_UNKNOWN_IF"},
      {"nca_s_fault_fp_div_zero", "DCERPC_NCA_S_FAULT_FP_DIV_BY_ZERO"},
      {"nca_s_fault_fp_overflow", "DCERPC_NCA_S_FAULT_FP_OVERRFLOW"},
      {"nca_s_fault_string_too_long", "DCERPC_NCA_S_FAULT_STRING_TOO_LARGE"},
      {"nca_s_fault_ndr", "DCERPC_FAULT_NDR"},
      {"nca_s_fault_access_denied", "DCERPC_FAULT_ACCESS_DENIED"},
      {"nca_s_fault_cant_perform", "DCERPC_FAULT_CANT_PERFORM"},
  };
  size_t compared = 0;
  for (const auto& [code, name] : fault_code_names()) {
    std::string key = upper(name.substr(6));  // drop "nca_s_"
    std::string samba_name;
    if (auto r = renamed.find(std::string(name)); r != renamed.end()) samba_name = r->second;
    else if (samba.count("DCERPC_NCA_S_" + key)) samba_name = "DCERPC_NCA_S_" + key;
    else if (samba.count("DCERPC_NCA_S_FAULT_" + key)) samba_name = "DCERPC_NCA_S_FAULT_" + key;
    if (samba_name.empty()) {
      UNSCOPED_INFO("not in Samba: " << name);
      continue;
    }
    INFO(name << " against " << samba_name);
    REQUIRE(samba.count(samba_name));
    CHECK(static_cast<uint32_t>(code) == samba.at(samba_name));
    ++compared;
  }
  // Samba has every one of our codes.
  CHECK(compared == fault_code_names().size());
}
