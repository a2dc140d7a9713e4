// Tower codec: golden bytes (produced by Samba's NDR library and Impacket, checked in), binding
// conversions, and malformed towers of every kind (each prefix, each one-byte mutation, lengths
// that lie, counts beyond limits): a clear error or a tower that re-encodes to the same bytes.
#include <catch2/catch.hpp>

#include <random>

#include "nca/epm/tower.h"
#include "tower_cases.h"

using namespace nca::epm;
using namespace epmtest;
using nca::rpc::Binding;
using nca::rpc::Protseq;

namespace {

// Output of tests/epm/tower_vectors.py (Samba 4.17's ndr_pack of epm_twr_t; Impacket 0.10's
// EPMTower), kept so that this test runs without the peers. The interop test regenerates them.
const std::pair<const char*, const char*> kGolden[] = {
    {"ncacn_ip_tcp",
     "4b0000004b000000050013000d0883afe11f5dc91191a408002b14a0fa03000200000013000d045d888aeb1cc9119fe808002b10486002"
     "000200000001000b020000000100070200008701000904007f000001"},
    {"ncadg_ip_udp",
     "4b0000004b000000050013000d78563412bc9af0de112233445566778802010200040313000d33057171babe37498319b5dbef9ccc3601"
     "000200000001000a020000000100080200c00101000904000a010203"},
    {"ncacn_np",
     "5900000059000000050013000d0883afe11f5dc91191a408002b14a0fa03000200000013000d045d888aeb1cc9119fe808002b10486002"
     "000200000001000b0200000001000f0f005c504950455c65706d6170706572000100110500484f535400"},
    {"ncalrpc",
     "4900000049000000040013000d0883afe11f5dc91191a408002b14a0fa03000200000013000d045d888aeb1cc9119fe808002b10486002"
     "000200000001000c02000000010010090045504d415050455200"},
    {"raw_floors",
     "4700000047000000050013000d0883afe11f5dc91191a408002b14a0fa03000200000013000d045d888aeb1cc9119fe808002b10486002"
     "000200000001000b0200000001000e000001001a02001234"},
    {"impacket_map_ncacn_ip_tcp",
     "050013000d78563412bc9af0de112233445566778802010200040313000d045d888aeb1cc9119fe808002b104860020002000000010"
     "00b0200000001000702000000010009040000000000"},
};

bool is_impacket(std::string_view name) { return name.rfind("impacket_", 0) == 0; }

}  // namespace

TEST_CASE("tower_golden_bytes_both_ways", "[epm]") {
  auto cases = tower_cases();
  for (auto [name, hex] : kGolden) {
    INFO(name);
    const Tower& ours = cases.at(name);
    const auto bytes = from_hex(hex);
    if (is_impacket(name)) {
      CHECK(ours.encode() == bytes);
      auto back = Tower::decode(bytes);
      REQUIRE(back.ok());
      CHECK(back.value() == ours);
    } else {
      CHECK(ours.encode_twr() == bytes);
      auto back = Tower::decode_twr(bytes);
      REQUIRE(back.ok());
      CHECK(back.value() == ours);
    }
  }
}

TEST_CASE("tower_floor_texts_follow_samba", "[epm]") {
  auto t = tower_cases().at("ncacn_np");
  CHECK(t.to_string() ==
        "uuid e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0 uuid 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0 ncacn "
        "smb \\PIPE\\epmapper netbios HOST");
  CHECK(protocol_name(0x2a) == "0x2a");
}

TEST_CASE("tower_from_binding_matches_samba_build_tower", "[epm]") {
  auto cases = tower_cases();
  struct Case {
    const char* binding;
    const char* tower;
  };
  const Case table[] = {
      {"ncacn_ip_tcp:127.0.0.1[135]", "ncacn_ip_tcp"},
      {"ncacn_http:[593]", "ncacn_http"},  // no host: 0.0.0.0
      {"ncacn_np:HOST[\\PIPE\\epmapper]", "ncacn_np"},
      {"ncacn_np:", "ncacn_np_empty"},
      {"ncalrpc:[EPMAPPER]", "ncalrpc"},
  };
  for (const auto& c : table) {
    INFO(c.binding);
    auto b = Binding::parse(c.binding);
    REQUIRE(b.ok());
    auto t = tower_from_binding(b.value(), kEpm);
    REQUIRE(t.ok());
    CHECK(t.value() == cases.at(c.tower));
  }
  // Unix paths are no valid string-binding endpoints here; a Binding built in code carries them.
  nca::rpc::Binding unix_b;
  unix_b.set_protseq(Protseq::kNcacnUnixStream).set_endpoint("/run/x.sock");
  CHECK(tower_from_binding(unix_b, kEpm).value() == cases.at("ncacn_unix_stream"));
  // A host name is not an address: Samba writes 0.0.0.0.
  auto named = tower_from_binding(Binding::parse("ncacn_ip_tcp:server.example[1024]").value(), kEpm);
  REQUIRE(named.ok());
  CHECK(std::get<Ipv4Floor>(named.value().floors[4]) == Ipv4Floor{});
  CHECK(std::get<PortFloor>(named.value().floors[3]).port == 1024);
  auto nb = tower_from_binding(Binding::parse("ncacn_nb_tcp:host[1]").value(), kEpm);
  REQUIRE_FALSE(nb.ok());
  CHECK(nb.error().message == "protocol sequence 'ncacn_nb_tcp' has no tower form");
}

TEST_CASE("binding_from_tower_round_trips", "[epm]") {
  for (const auto& [name, t] : tower_cases()) {
    INFO(name);
    auto tb = binding_from_tower(t);
    if (name == "raw_floors") {
      REQUIRE_FALSE(tb.ok());
      CHECK(tb.error().floor == 2u);
      continue;
    }
    REQUIRE(tb.ok());
    CHECK(tb.value().interface == t.interface_id().value());
    CHECK(tb.value().transfer == t.transfer_syntax().value());
    // Back to a tower: the same floors.
    auto again = tower_from_binding(tb.value().binding, tb.value().interface, tb.value().transfer);
    REQUIRE(again.ok());
    CHECK(again.value() == t);
    // And the binding string parses to the same binding (not for the unix protseqs: their
    // endpoints are paths, which our string bindings do not accept).
    if (name.find("unix") != std::string::npos) continue;
    auto reparsed = Binding::parse(tb.value().binding.to_string());
    REQUIRE(reparsed.ok());
    CHECK(reparsed.value() == tb.value().binding);
  }
  auto tcp = binding_from_tower(tower_cases().at("ncacn_ip_tcp")).value().binding;
  CHECK(tcp.to_string() == "ncacn_ip_tcp:127.0.0.1[135]");
  auto map = binding_from_tower(tower_cases().at("impacket_map_ncacn_ip_tcp")).value().binding;
  CHECK(map.to_string() == "ncacn_ip_tcp:0.0.0.0");  // port 0: no endpoint
}

TEST_CASE("tower_malformed_lengths_get_clear_errors", "[epm]") {
  const auto good = tower_cases().at("ncacn_ip_tcp").encode();
  auto decode_err = [](nca::rpc::Bytes b) {
    auto r = Tower::decode(b);
    REQUIRE_FALSE(r.ok());
    return r.error().to_string();
  };
  CHECK(decode_err({}) == "at offset 0: tower too short for its floor count");
  CHECK(decode_err({0x05, 0x00}) == "at offset 0: 5 floors cannot fit in 2 bytes");
  CHECK(decode_err({0xff, 0xff}) == "at offset 0: 65535 floors, limit 32");
  {
    auto b = good;
    b[2] = 0xff;  // floor 1 lhs count 0x00ff
    CHECK(decode_err(b) == "floor 1 at offset 2: left-hand side byte count 255 exceeds the 71 bytes left");
  }
  {
    auto b = good;
    b[2] = 18;  // lhs one byte short: the uuid floor is then malformed
    CHECK(decode_err(b).find("floor 1") == 0);
  }
  {
    auto b = good;
    b.push_back(0);
    CHECK(decode_err(b) == "at offset 75: 1 bytes after the last floor");
  }
  {
    // tcp floor whose rhs claims 3 bytes (and carries them): malformed for tcp.
    Tower t = tower_cases().at("ncacn_ip_tcp");
    t.floors[3] = RawFloor{{0x07}, {0x00, 0x87, 0x00}};
    CHECK(decode_err(t.encode()) == "floor 4 at offset 59: tcp right-hand side is 3 bytes, expected 2");
  }
  {
    Tower t = tower_cases().at("ncalrpc");
    t.floors[3] = RawFloor{{0x10}, {'a', 'b'}};
    CHECK(decode_err(t.encode()).find("named_pipe name is not NUL-terminated") != std::string::npos);
    t.floors[3] = RawFloor{{0x10}, {'a', 0, 'b', 0}};
    CHECK(decode_err(t.encode()).find("named_pipe name has a NUL at byte 1") != std::string::npos);
  }
  {
    auto twr = tower_cases().at("ncacn_ip_tcp").encode_twr();
    twr[0] ^= 1;
    auto r = Tower::decode_twr(twr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "twr_t tower_length 74 differs from its array size 75");
    auto cut = tower_cases().at("ncacn_ip_tcp").encode_twr();
    cut.pop_back();
    r = Tower::decode_twr(cut);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().offset == 4);
  }
  TowerLimits small;
  small.max_bytes = 16;
  CHECK_FALSE(Tower::decode(good, small).ok());
}

// Whatever the bytes: decode either fails with an in-range offset, or gives a tower whose
// encoding is exactly those bytes (the codec loses nothing and invents nothing).
static void decode_is_exact_or_error(const nca::rpc::Bytes& b) {
  auto r = Tower::decode(b);
  if (r.ok()) {
    CHECK(r.value().encode() == b);
  } else {
    CHECK(r.error().offset <= b.size());
    CHECK_FALSE(r.error().message.empty());
  }
}

TEST_CASE("tower_every_prefix_and_mutation_is_exact_or_an_error", "[epm]") {
  size_t decoded = 0, refused = 0;
  for (const auto& [name, t] : tower_cases()) {
    const auto good = t.encode();
    for (size_t n = 0; n <= good.size(); ++n) {
      nca::rpc::Bytes prefix(good.begin(), good.begin() + n);
      decode_is_exact_or_error(prefix);
      (Tower::decode(prefix).ok() ? decoded : refused)++;
    }
    for (size_t i = 0; i < good.size(); ++i) {
      for (uint8_t v : {uint8_t(0), uint8_t(1), uint8_t(0x7f), uint8_t(0xff), uint8_t(good[i] ^ 0x80)}) {
        auto b = good;
        b[i] = v;
        decode_is_exact_or_error(b);
        (Tower::decode(b).ok() ? decoded : refused)++;
      }
    }
  }
  // Both outcomes happen: the mutations reach the checks and the tolerant paths alike.
  CHECK(decoded > 100);
  CHECK(refused > 100);
}

TEST_CASE("tower_random_bytes_never_crash", "[epm]") {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    nca::rpc::Bytes b(rng() % 64);
    for (auto& x : b) x = static_cast<uint8_t>(rng() % 6 == 0 ? rng() : rng() % 24);
    if (b.size() >= 2) b[1] = 0;  // plausible floor counts reach the floors
    decode_is_exact_or_error(b);
    auto twr = Tower::decode_twr(b);
    if (twr.ok()) CHECK(twr.value().encode_twr().size() <= b.size());
  }
}
