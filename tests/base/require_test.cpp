// NCA_REQUIRE: the failure line names the place and condition and prints both operands of a
// comparison (or the value of another condition) and the message; a failure aborts; a success
// does not evaluate the message.
#include "nca/base/require.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

using nca::base::detail::describe;
using nca::base::detail::require_message;

namespace {

enum class Color : unsigned char { red = 1, green = 7 };

struct Named {
  std::string to_string() const { return "named-value"; }
};

// Runs `body` in a child process with stderr captured; returns what it printed and whether it
// died of SIGABRT.
template <class F>
std::pair<std::string, bool> run_in_child(F body) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    dup2(fds[1], STDERR_FILENO);
    std::signal(SIGABRT, SIG_DFL);  // not the test framework's handler: die as NCA_REQUIRE means to
    body();
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {out, WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT};
}

}  // namespace

TEST_CASE("base_require_message_format", "[base][require]") {
  CHECK(require_message("a == b", "x.cpp", 12, "3 == 4", "short frame") ==
        "x.cpp:12: NCA_REQUIRE(a == b) failed [3 == 4]: short frame");
  CHECK(require_message("ok()", "x.cpp", 7, "", "") == "x.cpp:7: NCA_REQUIRE(ok()) failed");
  CHECK(require_message("ok()", "x.cpp", 7, "", "why") == "x.cpp:7: NCA_REQUIRE(ok()) failed: why");
}

TEST_CASE("base_require_describes_operands", "[base][require]") {
  CHECK(describe(42) == "42");
  CHECK(describe(-3) == "-3");
  CHECK(describe(std::uint8_t{200}) == "200");
  CHECK(describe(true) == "true");
  CHECK(describe(Color::green) == "7");
  CHECK(describe(std::string("a\"b\n")) == "\"a\\\"b\\x0a\"");
  CHECK(describe("text") == "\"text\"");
  CHECK(describe(nullptr) == "nullptr");
  CHECK(describe(static_cast<int*>(nullptr)) == "nullptr");
  CHECK(describe(Named{}) == "named-value");
  struct Opaque {};
  CHECK(describe(Opaque{}) == "(unprintable)");
}

TEST_CASE("base_require_failure_prints_both_operands_and_aborts", "[base][require]") {
  auto [text, aborted] = run_in_child([] {
    int frame = 3;
    const std::size_t expected = 4;
    NCA_REQUIRE(frame + 0 == static_cast<int>(expected), "short frame of " + std::to_string(frame));
  });
  CHECK(aborted);
  CHECK_THAT(text, Catch::Contains("require_test.cpp:"));
  CHECK_THAT(text, Catch::Contains("NCA_REQUIRE(frame + 0 == static_cast<int>(expected)) failed [3 == 4]: short frame of 3\n"));
}

TEST_CASE("base_require_failure_of_other_conditions", "[base][require]") {
  SECTION("a relational comparison") {
    auto [text, aborted] = run_in_child([] {
      std::size_t size = 20, limit = 16;
      NCA_REQUIRE(size <= limit);
    });
    CHECK(aborted);
    CHECK_THAT(text, Catch::EndsWith("NCA_REQUIRE(size <= limit) failed [20 <= 16]\n"));
  }
  SECTION("a plain bool prints no operands") {
    auto [text, aborted] = run_in_child([] {
      bool running = false;
      NCA_REQUIRE(running, "not running");
    });
    CHECK(aborted);
    CHECK_THAT(text, Catch::EndsWith("NCA_REQUIRE(running) failed: not running\n"));
  }
  SECTION("a pointer prints its value") {
    auto [text, aborted] = run_in_child([] {
      const char* name = nullptr;
      NCA_REQUIRE(name);
    });
    CHECK(aborted);
    CHECK_THAT(text, Catch::EndsWith("NCA_REQUIRE(name) failed [nullptr]\n"));
  }
  SECTION("&& keeps short-circuiting and reports the condition") {
    auto [text, aborted] = run_in_child([] {
      int* p = nullptr;
      NCA_REQUIRE(p != nullptr && *p == 1, "p");
    });
    CHECK(aborted);
    CHECK_THAT(text, Catch::EndsWith("NCA_REQUIRE(p != nullptr && *p == 1) failed: p\n"));
  }
  SECTION("enums print as numbers") {
    auto [text, aborted] = run_in_child([] {
      Color c = Color::red;
      NCA_REQUIRE(c == Color::green);
    });
    CHECK(aborted);
    CHECK_THAT(text, Catch::EndsWith("NCA_REQUIRE(c == Color::green) failed [1 == 7]\n"));
  }
}

TEST_CASE("base_require_success_does_not_evaluate_the_message", "[base][require]") {
  int evaluated = 0;
  auto message = [&] {
    ++evaluated;
    return std::string("never");
  };
  int a = 2;
  NCA_REQUIRE(a == 2, message());
  NCA_REQUIRE(a > 1 && a < 3, message());
  NCA_REQUIRE(a, message());
  CHECK(evaluated == 0);
}
