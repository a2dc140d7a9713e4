// nca::base::Result: holds exactly one of a value and an error, makes an error in place from
// its constructor's arguments, and is the template behind net::Result and rpc::Result.
#include "nca/base/result.h"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <type_traits>

#include "nca/net/status.h"
#include "nca/rpc/status.h"

using nca::base::Result;

namespace {

struct Oops {
  int code = 0;
  std::string what;
  Oops() = default;
  Oops(int c, std::string w = {}) : code(c), what(std::move(w)) {}
};

}  // namespace

// One template: the layers' names are aliases of it, not look-alikes.
static_assert(std::is_same_v<nca::net::Result<int>, Result<int, nca::net::Status>>);
static_assert(std::is_same_v<nca::rpc::Result<int>, Result<int, nca::rpc::Status>>);
static_assert(std::is_same_v<nca::rpc::Result<int, nca::rpc::Fault>, Result<int, nca::rpc::Fault>>);
// `return Errc::eof;` in a function returning net::Result<T> makes the Status in place.
static_assert(std::is_convertible_v<nca::net::Errc, nca::net::Result<std::size_t>>);

TEST_CASE("base_result_holds_a_value_or_an_error", "[base][result]") {
  Result<std::unique_ptr<int>, Oops> v = std::make_unique<int>(7);
  REQUIRE(v.ok());
  CHECK(**v == 7);
  std::unique_ptr<int> taken = std::move(v).value();
  CHECK(*taken == 7);

  Result<std::unique_ptr<int>, Oops> e = Oops(3, "three");
  REQUIRE_FALSE(e);
  CHECK(e.error().code == 3);
  CHECK(e.status().what == "three");
  CHECK(std::move(e).take_error().what == "three");
}

TEST_CASE("base_result_makes_an_error_from_its_arguments", "[base][result]") {
  Result<std::string, Oops> e(5, "five");
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().code == 5);
  // An argument the value type takes makes a value, not an error.
  Result<std::string, Oops> v("five");
  REQUIRE(v.ok());
  CHECK(*v == "five");
  // status() of a value is the error type's default.
  CHECK(v.status().code == 0);
}

TEST_CASE("base_result_net_status_in_place", "[base][result]") {
  nca::net::Result<int> r = nca::net::Errc::eof;
  REQUIRE_FALSE(r);
  CHECK(r.status() == nca::net::Errc::eof);
  nca::net::Result<int> ok = 4;
  CHECK(ok.status().ok());
}
