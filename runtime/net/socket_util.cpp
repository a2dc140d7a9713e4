#include "socket_util.h"

#include <sys/socket.h>

namespace nca::net::detail {

namespace {
using NameFn = int (*)(int, sockaddr*, socklen_t*);

Address name_of(uv_os_fd_t fd, NameFn fn) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (fd < 0 || fn(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return Address();
  auto a = Address::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
  return a ? std::move(a).value() : Address();
}
}  // namespace

Address sock_name(uv_os_fd_t fd) { return name_of(fd, &::getsockname); }
Address peer_name(uv_os_fd_t fd) { return name_of(fd, &::getpeername); }

uv_os_fd_t handle_fd(const uv_handle_t* handle) {
  uv_os_fd_t fd = -1;
  if (uv_fileno(handle, &fd) != 0) return -1;
  return fd;
}

}  // namespace nca::net::detail
