// Small helpers shared by the socket-based implementations (private to nca_net).
#pragma once

#include <uv.h>

#include "nca/net/address.h"

namespace nca::net::detail {

// The local or peer address of a socket fd; an empty Address when unknown or unnamed.
Address sock_name(uv_os_fd_t fd);
Address peer_name(uv_os_fd_t fd);

// The fd behind a libuv handle, or -1.
uv_os_fd_t handle_fd(const uv_handle_t* handle);

}  // namespace nca::net::detail
