// What the server tools (ncaecho-server, ncaepmd) share: listening on bindings given in the
// listen form (Binding::parse_listen). They stop on SIGINT/SIGTERM with nca::net::SignalWatch.
#pragma once

#include <string>
#include <vector>

#include "nca/net/address.h"
#include "nca/rpc/binding.h"
#include "nca/rpc/cn/server.h"

namespace nca::tools {

struct Listening {
  rpc::Binding binding;  // how a client reaches it: the chosen port, the ncalrpc name
  net::Address address;  // the bound address
};

// Parses bindings in the listen form; on failure returns false with `error` set ("TEXT: why").
bool parse_listen_all(const std::vector<std::string>& texts, std::vector<rpc::Binding>& out, std::string& error);
// How a client reaches a listener asked for as `asked` and bound at `bound`.
Listening reachable(const rpc::Binding& asked, const net::Address& bound);

// Listens on every binding; on failure returns false with `error` set ("TEXT: why") and
// `usage` true when the text did not parse.
bool listen_all(rpc::cn::Server& server, const std::vector<std::string>& bindings, std::vector<Listening>& out,
                std::string& error, bool& usage);

}  // namespace nca::tools
