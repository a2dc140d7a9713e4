#include "frontend/preprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

extern char** environ;

namespace nca::idl::detail {

std::vector<std::string> preprocessor_command(const std::string& path, const FrontendOptions& options) {
  // `__midl`: headers shared between C and IDL (Windows SDK, Wine) choose their IDL form with
  // `#if defined(__midl) || defined(__WIDL__)`; 501 is what MIDL 5.01 and later announce.
  std::vector<std::string> argv{options.cpp_command, "-xc", "-std=c99", "-D__NCAIDL__", "-D__midl=501"};
  for (const auto& dir : options.include_dirs) argv.push_back("-I" + dir);
  for (const auto& def : options.defines) argv.push_back("-D" + def);
  // cpp has no `--`: a file name starting with '-' is made relative instead.
  argv.push_back(!path.empty() && path[0] == '-' ? "./" + path : path);
  return argv;
}

namespace {

struct Pipe {
  int fd[2] = {-1, -1};
  ~Pipe() { close_all(); }
  void close_all() {
    for (int& f : fd)
      if (f >= 0) { ::close(f); f = -1; }
  }
};

}  // namespace

PreprocessResult run_preprocessor(const std::string& path, const FrontendOptions& options, size_t max_output) {
  PreprocessResult r;
  std::vector<std::string> args = preprocessor_command(path, options);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  Pipe out, err;
  if (::pipe2(out.fd, O_CLOEXEC) != 0 || ::pipe2(err.fd, O_CLOEXEC) != 0) {
    r.spawn_error = std::strerror(errno);
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out.fd[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err.fd[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

  // The preprocessor's messages are parsed, so they must be in English.
  std::vector<std::string> env_store;
  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, "LC_", 3) != 0 && std::strncmp(*e, "LANG", 4) != 0) env_store.emplace_back(*e);
  env_store.emplace_back("LC_ALL=C");
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    r.spawn_error = std::strerror(rc);
    return r;
  }
  r.started = true;
  ::close(out.fd[1]);
  out.fd[1] = -1;
  ::close(err.fd[1]);
  err.fd[1] = -1;

  pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.output, &r.errors};
  int open_count = 2;
  char buf[65536];
  while (open_count > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fds[i].fd = -1;
        --open_count;
        continue;
      }
      sinks[i]->append(buf, static_cast<size_t>(n));
      if (sinks[i]->size() > max_output) {
        // Refuse rather than grow without bound (a macro that expands without end).
        r.truncated = true;
        ::kill(pid, SIGKILL);
        fds[0].fd = fds[1].fd = -1;
        open_count = 0;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return r;
}

std::vector<std::string> files_in_markers(const std::string& output) {
  std::vector<std::string> files;
  std::set<std::string> seen;
  size_t pos = 0;
  while (pos < output.size()) {
    size_t end = output.find('\n', pos);
    if (end == std::string::npos) end = output.size();
    // Only line markers (`# 12 "file"`), not `#pragma comment(lib, "x")`.
    size_t d = pos + 1;
    while (d < end && output[d] == ' ') ++d;
    if (output[pos] == '#' && d < end && output[d] >= '0' && output[d] <= '9') {
      size_t q = output.find('"', pos);
      if (q != std::string::npos && q < end) {
        std::string name;
        size_t i = q + 1;
        for (; i < end && output[i] != '"'; ++i) {
          if (output[i] == '\\' && i + 1 < end) ++i;
          name += output[i];
        }
        if (!name.empty() && name[0] != '<' && seen.insert(name).second) files.push_back(name);
      }
    }
    pos = end + 1;
  }
  return files;
}

}  // namespace nca::idl::detail
