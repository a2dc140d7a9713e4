// Every rpcecho operation called through a generated rpcecho::Client, with the results checked
// against what an rpcecho server answers (Samba's or ours): what ncaecho-client runs, over
// whichever binding handle it was given.
#pragma once

#include <functional>
#include <ostream>

#include "rpcecho_client.h"

namespace ncaecho {

// Prints one line per call to `out` and returns how many results were wrong (0: all right).
// `drive` runs the handle's loop (the client's Drive), for the calls started asynchronously.
int run_echo_calls(rpcecho::Client& client, const rpcecho::Client::Drive& drive, std::ostream& out);

}  // namespace ncaecho
