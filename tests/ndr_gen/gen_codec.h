// Push and pull of a generated type for the golden and round-trip tests of tests/ndr_gen: each
// REQUIREs success (with the NDR status in the failure message), so a test reads as bytes and
// values only.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "nca/ndr/ndr.h"
#include "test_util.h"

namespace ndr_gen_test {

// The bytes `v` pushes in `syntax`, as hex.
template <class T>
std::string pushed(const T& v, nca::ndr::Syntax syntax) {
  nca::ndr::Push p(syntax);
  push(p, nca::ndr::kScalarsAndBuffers, v);
  INFO("push status " << p.status().to_string());
  REQUIRE(p.ok());
  return ndr_test::to_hex(p.bytes());
}

// The value hex string `h` pulls as, in `syntax` and the given byte order; every byte is used.
template <class T>
T pulled(const std::string& h, nca::ndr::Syntax syntax, bool little_endian = true) {
  auto bytes = ndr_test::hex(h);
  nca::ndr::DataRep rep;
  rep.little_endian = little_endian;
  nca::ndr::Pull p(bytes, syntax, rep);
  T v{};
  bool ok = pull(p, nca::ndr::kScalarsAndBuffers, v);
  INFO("pull status " << p.status().to_string());
  REQUIRE(ok);
  CHECK(p.trailing() == 0);
  return v;
}

}  // namespace ndr_gen_test
