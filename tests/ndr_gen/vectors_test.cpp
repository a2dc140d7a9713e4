// Byte-exact agreement with Samba's NDR library: every vector samba_vectors.py wrote (Samba's
// ndr_pack_in / ndr_pack_out / ndr_pack of rpcecho, mgmt and misc values, NDR20 and NDR64, both
// byte orders) must decode with our generated code, consume every byte, and re-encode to the
// exact bytes Samba produced for the same value little-endian. The decoded value must also
// survive JSON -> value -> bytes unchanged.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "epmapper_ndr.h"
#include "epmapper_types.h"
#include "module_registry.h"
#include "nca/ndr/ndr.h"

namespace {

struct Vector {
  std::string label, file, entry, dir, syntax, order;
  std::vector<std::uint8_t> bytes, context;
};

std::vector<std::uint8_t> unhex(const std::string& h) {
  std::vector<std::uint8_t> out;
  if (h == "-") return out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
  return out;
}

std::string hex(std::span<const std::uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}

std::vector<Vector> load() {
  std::ifstream in(NDR_GEN_VECTORS);
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    Vector v;
    std::string b, c;
    if (!(ls >> v.label >> v.file >> v.entry >> v.dir >> v.syntax >> v.order >> b >> c)) continue;
    v.bytes = unhex(b);
    v.context = unhex(c);
    out.push_back(std::move(v));
  }
  return out;
}

struct Value {
  const ncadump::Entry* e;
  void* p;
  explicit Value(const ncadump::Entry* entry) : e(entry), p(entry->create()) {}
  ~Value() { e->destroy(p); }
};

}  // namespace

TEST_CASE("generated code matches Samba's bytes for every vector", "[ndr_gen][interop]") {
  auto vectors = load();
  REQUIRE(vectors.size() >= 246);  // what samba_vectors.py writes; fewer means it broke
  std::map<std::string, std::vector<std::uint8_t>> little;  // label with ".le." -> bytes
  for (const auto& v : vectors) little[v.label] = v.bytes;

  for (const auto& v : vectors) {
    INFO("vector " << v.label);
    bool function = v.dir != "struct";
    const ncadump::Entry* e = ndr_gen_test::find_entry(v.file, v.entry, function);
    REQUIRE(e != nullptr);
    auto syntax = v.syntax == "ndr64" ? nca::ndr::Syntax::ndr64 : nca::ndr::Syntax::ndr20;
    nca::ndr::DataRep rep;
    rep.little_endian = v.order == "le";
    auto d = v.dir == "out" ? ncadump::Direction::out : ncadump::Direction::in;

    Value val(e);
    if (!v.context.empty()) {
      nca::ndr::Pull ctx(v.context, syntax, rep);
      REQUIRE(e->pull(ctx, ncadump::Direction::in, val.p));
    }
    nca::ndr::Pull p(v.bytes, syntax, rep);
    bool ok = e->pull(p, d, val.p);
    INFO("pull status " << p.status().to_string());
    REQUIRE(ok);
    CHECK(p.trailing() == 0);

    std::string le_label = v.label;
    if (auto pos = le_label.find(".be."); pos != std::string::npos) le_label.replace(pos, 4, ".le.");
    REQUIRE(little.count(le_label));
    const auto& expected = little[le_label];
    nca::ndr::Push out(syntax);
    e->push(out, d, val.p);
    INFO("push status " << out.status().to_string());
    REQUIRE(out.ok());
    CHECK(hex(out.bytes()) == hex(expected));

    // JSON -> value -> bytes gives the same bytes.
    nlohmann::json j;
    e->to_json(j, d, val.p);
    Value back(e);
    if (!v.context.empty()) {
      nca::ndr::Pull ctx(v.context, syntax, rep);
      REQUIRE(e->pull(ctx, ncadump::Direction::in, back.p));
    }
    e->from_json(nlohmann::json::parse(j.dump()), d, back.p);
    nca::ndr::Push again(syntax);
    e->push(again, d, back.p);
    INFO("json " << j.dump());
    CHECK(hex(again.bytes()) == hex(expected));

    nca::ndr::Printer pr;
    e->print(pr, d, val.p);
    CHECK(pr.str().find(function ? v.entry : std::string(v.entry)) != std::string::npos);
  }
}

TEST_CASE("full pointers compare by value: epm_Map pulled twice from Samba's bytes", "[ndr_gen][interop]") {
  // epm_Map's [in] object and map_tower and the towers of its [out] are full pointers
  // (nca::ndr::Full). Two pulls of the same bytes hold different objects with equal pointees.
  int seen = 0;
  for (const auto& v : load()) {
    if (v.file != "epmapper" || v.entry != "epm_Map" || v.order != "le") continue;
    INFO("vector " << v.label);
    auto syntax = v.syntax == "ndr64" ? nca::ndr::Syntax::ndr64 : nca::ndr::Syntax::ndr20;
    const auto& in_bytes = v.dir == "in" ? v.bytes : v.context;
    auto pull_twice = [&](epmapper::epm_Map& r) {
      nca::ndr::Pull pi(in_bytes, syntax);
      REQUIRE(epmapper::pull_in(pi, r));
      if (v.dir == "out") {
        nca::ndr::Pull po(v.bytes, syntax);
        REQUIRE(epmapper::pull_out(po, r));
      }
    };
    epmapper::epm_Map a, b;
    pull_twice(a);
    pull_twice(b);
    CHECK(a == b);
    if (v.dir == "in" && a.in.map_tower) {
      CHECK_FALSE(a.in.map_tower.same_object(b.in.map_tower));
      b.in.map_tower->tower_length ^= 1;  // a differing pointee
      CHECK_FALSE(a.in == b.in);
      b.in.map_tower = nullptr;           // non-null against null
      CHECK_FALSE(a.in == b.in);
    }
    if (v.dir == "out" && !a.out.towers.empty()) {
      REQUIRE(b.out.towers[0].twr);
      b.out.towers[0].twr->tower_length ^= 1;
      CHECK_FALSE(a.out == b.out);
    }
    ++seen;
  }
  CHECK(seen == 8);  // epm_map and epm_map_empty, in and out, NDR20 and NDR64
}
