#include "server_tool.h"

namespace nca::tools {

bool parse_listen_all(const std::vector<std::string>& texts, std::vector<rpc::Binding>& out, std::string& error) {
  for (const auto& text : texts) {
    auto parsed = rpc::Binding::parse_listen(text);
    if (!parsed) {
      error = text + ": " + parsed.error().to_string();
      return false;
    }
    out.push_back(parsed.value());
  }
  return true;
}

Listening reachable(const rpc::Binding& asked, const net::Address& bound) {
  rpc::Binding reach;
  reach.set_protseq(asked.protseq());
  if (bound.is_inet())
    reach.set_host(bound.ip()).set_endpoint(std::to_string(bound.port()));
  else
    reach.set_endpoint(asked.endpoint());
  return Listening{std::move(reach), bound};
}

bool listen_all(rpc::cn::Server& server, const std::vector<std::string>& bindings, std::vector<Listening>& out,
                std::string& error, bool& usage) {
  for (const auto& text : bindings) {
    auto parsed = rpc::Binding::parse_listen(text);
    if (!parsed) {
      error = text + ": " + parsed.error().to_string();
      usage = true;
      return false;
    }
    const rpc::Binding& asked = parsed.value();
    auto bound = server.listen(asked);
    if (!bound) {
      error = "cannot listen on " + text + ": " + bound.status().message();
      usage = false;
      return false;
    }
    out.push_back(reachable(asked, *bound));
  }
  return true;
}

}  // namespace nca::tools
