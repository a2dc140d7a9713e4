// A line-oriented front to the generated rpcecho server stubs (ncaecho::EchoService behind
// ServerCore::dispatch, NDR20), so a real peer's NDR can drive them: samba_drives_echo_server.py
// sends request stubs packed by Samba's Python bindings and unpacks our responses with them.
//
// stdin, one request per line:  OPNUM HEX      (HEX: the request stub data; "-" for none)
// stdout, one answer per line:  ok HEX | fault 0xCODE
#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "echo_service.h"
#include "in_process.h"

namespace {

std::optional<nca::rpc::Bytes> from_hex(const std::string& s) {
  if (s == "-") return nca::rpc::Bytes{};
  if (s.size() % 2) return std::nullopt;
  nca::rpc::Bytes out;
  for (size_t i = 0; i < s.size(); i += 2) {
    unsigned v = 0;
    if (std::sscanf(s.c_str() + i, "%2x", &v) != 1) return std::nullopt;
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

std::string to_hex(const nca::rpc::Bytes& b) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t v : b) s += kDigits[v >> 4], s += kDigits[v & 15];
  return s.empty() ? "-" : s;
}

}  // namespace

int main() {
  nca::rpc::ManualExecutor executor;
  nca::rpc::ServerCore server;
  ncaecho::EchoService service(executor);
  server.register_interface(rpcecho::server_interface(service));
  auto drive = ncaecho::drive(executor, ncaecho::Clock::fake);
  nca::rpc::AssociationId association = server.open_association();

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    unsigned opnum = 0;
    std::string hex;
    auto stub = (in >> opnum >> hex) ? from_hex(hex) : std::nullopt;
    if (!stub) {
      std::cout << "error bad line" << std::endl;
      continue;
    }
    nca::rpc::ServerRequest request;
    request.interface = rpcecho::kInterface.id;
    request.opnum = static_cast<uint16_t>(opnum);
    request.caller = {"samba-driven", "", association};
    request.transfer = nca::rpc::kNdr20;
    request.stub = std::move(*stub);
    std::optional<nca::rpc::ServerReply> reply;
    server.dispatch(std::move(request), [&reply](nca::rpc::ServerReply r) { reply.emplace(std::move(r)); });
    drive([&] { return reply.has_value(); });
    if (!reply) {
      std::cout << "error no reply" << std::endl;
    } else if (reply->fault) {
      char code[16];
      std::snprintf(code, sizeof code, "0x%08x", reply->fault->code);
      std::cout << "fault " << code << std::endl;
    } else {
      std::cout << "ok " << to_hex(reply->stub) << std::endl;
    }
  }
  server.close_association(association);
  return 0;
}
