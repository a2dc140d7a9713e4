// The NDR interpreter (compiler/interp) against the generated code, value by value: for each
// value (written as JSON, read into the generated type with its from_json), in NDR20 and NDR64,
// little- and big-endian,
//   - push: the interpreter's bytes from the generated to_json of the value equal the generated
//     push's bytes;
//   - pull: the interpreter's JSON from those bytes equals the generated pull's value through its
//     to_json, and both stop at the same offset.
// Types: every construct of tests/ndr_gen/constructs.idl the interpreter supports; operations:
// request and response of every rpcecho, epmapper and mgmt operation; the runtime-marshalled pidl
// built-ins (dom_sid, dom_sid2, dom_sid28, int1632, uint1632, string_array) in
// samba_builtins.idl's types and operation. What the interpreter
// refuses (relative pointers, pipes, COM interface pointers) must be refused by name.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "constructs_ndr.h"
#include "constructs_types.h"
#include "epmapper_ndr.h"
#include "epmapper_types.h"
#include "idl_loader.h"
#include "interp/ndr_interp.h"
#include "mgmt_ndr.h"
#include "mgmt_types.h"
#include "nca/ndr/ndr.h"
#include "rpcecho_ndr.h"
#include "rpcecho_types.h"
#include "samba_builtins_ndr.h"
#include "samba_builtins_types.h"
#include "test_util.h"

namespace {

using nlohmann::json;
using nca::ndr::Syntax;
namespace ir = nca::idl::ir;

struct Idl {
  std::shared_ptr<const ir::Program> program;
  std::unique_ptr<nca::interp::NdrInterpreter> interp;
};

const Idl& idl() {
  static Idl i = [] {
    std::ostringstream err;
    Idl r;
    r.program = ncacall::load_idl({std::string(NCACALL_IDL_DIR) + "/rpcecho.idl",
                                   std::string(NCACALL_IDL_DIR) + "/epmapper.idl",
                                   std::string(NCACALL_IDL_DIR) + "/mgmt.idl",
                                   std::string(NCACALL_CONSTRUCTS_IDL),
                                   std::string(NCACALL_SAMBA_BUILTINS_IDL)},
                                  {NCACALL_IDL_DIR}, err);
    INFO(err.str());
    REQUIRE(r.program);
    r.interp = std::make_unique<nca::interp::NdrInterpreter>(*r.program);
    return r;
  }();
  return i;
}

const ir::Operation& op_named(const std::string& name) {
  const ir::Interface* iface = nullptr;
  const ir::Operation* op = ncacall::find_operation(*idl().program, name, &iface);
  REQUIRE(op);
  return *op;
}

struct Variant {
  Syntax syntax;
  bool big_endian;
};
const Variant kVariants[] = {{Syntax::ndr20, false}, {Syntax::ndr20, true}, {Syntax::ndr64, false},
                             {Syntax::ndr64, true}};

nca::ndr::Push new_push(const Variant& v) {
  nca::ndr::Push p(v.syntax);
  if (v.big_endian) p.set_flags(nca::ndr::kFlagBigEndian);
  return p;
}
nca::ndr::Pull new_pull(std::span<const uint8_t> b, const Variant& v) {
  nca::ndr::DataRep rep;
  rep.little_endian = !v.big_endian;
  return nca::ndr::Pull(b, v.syntax, rep);
}

#define VARIANT_INFO(v) INFO((v.syntax == Syntax::ndr64 ? "NDR64" : "NDR20") << (v.big_endian ? " big-endian" : " little-endian"))

// A type's value: push and pull compared.
template <class T>
void same_type(const std::string& type_name, const std::string& text) {
  INFO(type_name << " " << text);
  T v{};
  from_json(json::parse(text), v);
  json j;
  to_json(j, v);
  const ir::Type* t = ncacall::find_type(*idl().program, type_name);
  REQUIRE(t);
  for (const Variant& var : kVariants) {
    VARIANT_INFO(var);
    auto g = new_push(var);
    push(g, nca::ndr::kScalarsAndBuffers, v);
    REQUIRE(g.ok());
    auto i = new_push(var);
    auto st = idl().interp->push_type(*t, j, i);
    INFO("interpreter push: " << st.to_string());
    CHECK(st.ok());
    CHECK(ndr_test::to_hex(i.bytes()) == ndr_test::to_hex(g.bytes()));
    auto bytes = g.to_vector();
    auto gp = new_pull(bytes, var);
    T back{};
    REQUIRE(pull(gp, nca::ndr::kScalarsAndBuffers, back));
    json gj;
    to_json(gj, back);
    auto ip = new_pull(bytes, var);
    json ij;
    CHECK(idl().interp->pull_type(*t, ip, ij).ok());
    CHECK(ij.dump() == gj.dump());
    CHECK(ip.offset() == gp.offset());
  }
}

// An operation's request and response, [in] and [out] values given as JSON.
template <class Op>
void same_op(const std::string& name, const std::string& in_text, const std::string& out_text) {
  INFO(name << " in " << in_text << " out " << out_text);
  Op r{};
  from_json(json::parse(in_text), r.in);
  from_json(json::parse(out_text), r.out);
  json in, out;
  to_json(in, r.in);
  to_json(out, r.out);
  const ir::Operation& op = op_named(name);
  for (const Variant& var : kVariants) {
    VARIANT_INFO(var);
    // request
    auto g = new_push(var);
    push_in(g, r);
    REQUIRE(g.ok());
    auto i = new_push(var);
    CHECK(idl().interp->push_in(op, in, i).ok());
    CHECK(ndr_test::to_hex(i.bytes()) == ndr_test::to_hex(g.bytes()));
    auto req = g.to_vector();
    auto gp = new_pull(req, var);
    Op back{};
    REQUIRE(pull_in(gp, back));
    json gj;
    to_json(gj, back.in);
    auto ip = new_pull(req, var);
    json ij;
    CHECK(idl().interp->pull_in(op, ip, ij).ok());
    CHECK(ij.dump() == gj.dump());
    // response
    auto go = new_push(var);
    push_out(go, r);
    REQUIRE(go.ok());
    auto io = new_push(var);
    CHECK(idl().interp->push_out(op, in, out, io).ok());
    CHECK(ndr_test::to_hex(io.bytes()) == ndr_test::to_hex(go.bytes()));
    auto resp = go.to_vector();
    auto gpo = new_pull(resp, var);
    Op again{};
    again.in = r.in;  // sizes and switches of the response name [in] values
    REQUIRE(pull_out(gpo, again));
    json gjo;
    to_json(gjo, again.out);
    auto ipo = new_pull(resp, var);
    json ijo;
    CHECK(idl().interp->pull_out(op, in, ipo, ijo).ok());
    CHECK(ijo.dump() == gjo.dump());
    CHECK(ipo.offset() == gpo.offset());
  }
}

}  // namespace

TEST_CASE("interp: constructs.idl scalars, enums, bitmaps", "[ncacall][interp]") {
  using namespace ndrgen;
  same_type<c_scalars>("c_scalars",
                       R"({"b":true,"u8v":171,"s16":-2,"u32v":4294967295,"h":-9150748177064392952,"f":1.5,"d":-2.25,"wc":233})");
  same_type<c_enums>("c_enums", R"({"a":4660,"b":7,"c":254,"m":32769})");
  same_type<c_widths>("c_widths", R"({"a":258,"m8":128,"b":16909060,"m32":2147483648,"m64":9223372036854775808})");
}

TEST_CASE("interp: constructs.idl unions", "[ncacall][interp]") {
  using namespace ndrgen;
  same_type<c_with_union>("c_with_union", R"({"level":1,"u":{"small":127}})");
  same_type<c_with_union>("c_with_union", R"({"level":2,"u":{"big":2864434397}})");
  same_type<c_with_union>("c_with_union", R"({"level":3,"u":{"case_3":null}})");
  same_type<c_with_union>("c_with_union", R"({"level":9,"u":{"other":72623859790382856}})");
  same_type<c_with_nodisc>("c_with_nodisc", R"({"level":2,"u":{"y":48879}})");
  same_type<c_with_encap>("c_with_encap", R"({"pre":85,"e":{"kind":2,"b":1234605616436508552}})");
  same_type<c_with_encap>("c_with_encap", R"({"pre":85,"e":{"kind":1,"a":7}})");
}

TEST_CASE("interp: constructs.idl pointers and arrays", "[ncacall][interp]") {
  using namespace ndrgen;
  same_type<c_pointers>("c_pointers", R"({"u":5,"f1":7,"f2":8,"last":9})");
  same_type<c_pointers>("c_pointers", R"({"u":null,"f1":null,"f2":null,"last":null})");
  same_type<c_fixed>("c_fixed", R"({"pairs":[{"x":1,"y":2},{"x":3,"y":4}],"grid":[[1,2,3],[4,5,6]]})");
  same_type<c_conf>("c_conf", R"({"n":3,"a":[1,2,65535]})");
  same_type<c_conf>("c_conf", R"({"n":0,"a":[]})");
  same_type<c_confvar>("c_confvar", R"({"size":4,"len":2,"data":[0,255]})");
  same_type<c_maxis>("c_maxis", R"({"max":1,"a":[10,20]})");
  same_type<c_firstlast>("c_firstlast", R"({"first":1,"last":3,"v":[7,8,9]})");
  same_type<c_ptr_array>("c_ptr_array", R"({"n":3,"ptrs":[1,null,3]})");
  same_type<c_struct_array>("c_struct_array", R"({"n":2,"pairs":[{"x":1,"y":2},{"x":3,"y":4}]})");
  same_type<c_notify_option>("c_notify_option",
                             R"({"version":2,"flags":1,"count":1,"types":[{"type":258,"u1":1,"u2":2,"u3":3,"count":2,"fields":[7,8]}]})");
}

TEST_CASE("interp: constructs.idl strings, range, pidl constructs", "[ncacall][interp]") {
  using namespace ndrgen;
  same_type<c_cstring>("c_cstring", R"({"id":1,"name":"Dom\u00e4ne"})");
  same_type<c_strings>("c_strings", R"({"s8":{"hex":"627974657320ff01"},"s16":{"utf16":[97,55296,122]},"text":"Dom\u00e4ne"})");
  same_type<c_strings>("c_strings", R"({"s8":null,"s16":null,"text":null})");
  same_type<c_range>("c_range", R"({"r":10})");
  same_type<c_pidl>("c_pidl", R"({"inner":{"x":1,"y":2},"seven":7,"unaligned":2864434397,"blob":"ee00"})");
}

TEST_CASE("interp: constructs.idl operations", "[ncacall][interp]") {
  using namespace ndrgen;
  same_op<c_Handle>("c_Handle", R"({"h":{"handle_type":1,"uuid":"01234567-89ab-cdef-0123-456789abcdef"}})", R"({"n":5})");
  same_op<c_NotifyEx>("c_NotifyEx",
                      R"({"handle":{"handle_type":0,"uuid":"01234567-89ab-cdef-0123-456789abcdef"},"flags":1,"options":2,)"
                      R"("local_machine":"\\\\host","printer_local":3,"notify_options":{"version":2,"flags":0,"count":1,)"
                      R"("types":[{"type":1,"u1":0,"u2":0,"u3":0,"count":1,"fields":[5]}]}})",
                      R"({})");
}

namespace {
const char kDomainSid[] =
    R"({"sid_rev_num":1,"num_auths":4,"id_auth":[0,0,0,0,0,5],"sub_auths":[21,1004336348,1177238915,682003330]})";
const char kWorldSid[] = R"({"sid_rev_num":1,"num_auths":1,"id_auth":[0,0,0,0,0,1],"sub_auths":[0]})";
const char kNullSid[] = R"({"sid_rev_num":0,"num_auths":0,"id_auth":[0,0,0,0,0,0],"sub_auths":[]})";
}  // namespace

TEST_CASE("interp: runtime-marshalled pidl built-ins (dom_sid and friends)", "[ncacall][interp]") {
  using namespace sbuiltins;
  std::string dom = kDomainSid, world = kWorldSid, null_sid = kNullSid;
  same_type<sb_sids>("sb_sids", R"({"sid":)" + dom + R"(,"sid2":)" + world + R"(,"sid28":)" + world + R"(,"last":7})");
  same_type<sb_sids>("sb_sids", R"({"sid":)" + null_sid + R"(,"sid2":null,"sid28":)" + dom + R"(,"last":7})");
  same_type<sb_scalars>("sb_scalars", R"({"u":65535,"i":-2,"names":["a","D\u00f6m\u00e4ne"]})");
  same_type<sb_scalars>("sb_scalars", R"({"u":0,"i":32767,"names":[]})");
  same_op<sb_LookupSid>("sb_LookupSid", R"({"sid":)" + dom + "}", R"({"found":)" + world + R"(,"result":"NT_STATUS_OK"})");
  same_op<sb_LookupSid>("sb_LookupSid", R"({"sid":)" + null_sid + "}", R"({"found":null,"result":"NT_STATUS_NONE_MAPPED"})");
  // A value the builtin's C++ type cannot hold is a BadValue naming where.
  nca::ndr::Push push;
  try {
    idl().interp->push_type(*ncacall::find_type(*idl().program, "sb_scalars"),
                            json::parse(R"({"u":65536,"i":0,"names":[]})"), push);
    FAIL("no error");
  } catch (const nca::interp::BadValue& e) {
    CHECK_THAT(e.what(), Catch::Contains("65536"));
  }
}

TEST_CASE("interp: refuses what it cannot marshal, by name", "[ncacall][interp]") {
  const auto& p = *idl().program;
  auto refused = [&](const std::string& type_name, const std::string& what) {
    const ir::Type* t = ncacall::find_type(p, type_name);
    REQUIRE(t);
    try {
      idl().interp->check(*t);
      FAIL("no refusal for " << type_name);
    } catch (const nca::interp::Unsupported& e) {
      CHECK_THAT(e.what(), Catch::Contains(what));
    }
  };
  refused("c_relative", "[relative] pointers");
  refused("c_relbase", "[relative_base]");
  refused("c_with_itf", "COM interface pointers");
  CHECK_THROWS_AS(idl().interp->check(op_named("c_Pipes")), nca::interp::Unsupported);
  // A wrong JSON shape is a BadValue naming where.
  nca::ndr::Push push;
  try {
    idl().interp->push_in(op_named("echo_AddOne"), json::parse(R"({"in_data":"x"})"), push);
    FAIL("no error");
  } catch (const nca::interp::BadValue& e) {
    CHECK_THAT(e.what(), Catch::Contains("in_data"));
  }
}

TEST_CASE("interp: every rpcecho operation", "[ncacall][interp]") {
  using namespace rpcecho;
  same_op<echo_AddOne>("echo_AddOne", R"({"in_data":41})", R"({"out_data":42})");
  same_op<echo_EchoData>("echo_EchoData", R"({"len":3,"in_data":[1,2,3]})", R"({"out_data":[1,2,3]})");
  same_op<echo_SinkData>("echo_SinkData", R"({"len":2,"data":[9,8]})", R"({})");
  same_op<echo_SourceData>("echo_SourceData", R"({"len":4})", R"({"data":[0,1,2,3]})");
  same_op<echo_TestCall>("echo_TestCall", R"({"s1":"hello \u00e9"})", R"({"s2":"hello \u00e9"})");
  same_op<echo_TestCall>("echo_TestCall", R"({"s1":""})", R"({"s2":null})");
  const char* infos[] = {R"({"info1":{"v":1}})",
                         R"({"info2":{"v":2}})",
                         R"({"info3":{"v":3}})",
                         R"({"info4":{"v":4}})",
                         R"({"info5":{"v1":5,"v2":6}})",
                         R"({"info6":{"v1":7,"info1":{"v":8}}})",
                         R"({"info7":{"v1":9,"info4":{"v":10}}})"};
  for (int level = 1; level <= 7; ++level)
    same_op<echo_TestCall2>("echo_TestCall2", "{\"level\":" + std::to_string(level) + "}",
                            std::string("{\"info\":") + infos[level - 1] + ",\"result\":\"NT_STATUS_OK\"}");
  same_op<echo_TestSleep>("echo_TestSleep", R"({"seconds":1})", R"({"result":1})");
  same_op<echo_TestEnum>("echo_TestEnum",
                         R"({"foo1":1,"foo2":{"e1":1,"e2":2},"foo3":{"e1":2}})",
                         R"({"foo1":1,"foo2":{"e1":1,"e2":2},"foo3":{"e1":2}})");
  same_op<echo_TestEnum>("echo_TestEnum",
                         R"({"foo1":2,"foo2":{"e1":2,"e2":1},"foo3":{"e2":{"e1":1,"e2":2}}})",
                         R"({"foo1":2,"foo2":{"e1":2,"e2":1},"foo3":{"e2":{"e1":1,"e2":2}}})");
  same_op<echo_TestSurrounding>("echo_TestSurrounding", R"({"data":{"x":2,"surrounding":[1,2]}})",
                                R"({"data":{"x":4,"surrounding":[0,0,0,0]}})");
  same_op<echo_TestDoublePointer>("echo_TestDoublePointer", R"({"data":7})", R"({"result":7})");
  same_op<echo_TestDoublePointer>("echo_TestDoublePointer", R"({"data":null})", R"({"result":0})");
}

namespace {
// ncacn_ip_tcp at 127.0.0.1[135] for rpcecho over NDR20: the five floors of an ept_map tower.
const char kTower[] =
    R"({"tower_length":75,"tower":{"num_floors":5,"floors":[)"
    R"({"lhs":{"protocol":13,"lhs_data":"c55ea160e84dd711a637005056a201820100"},"rhs":{"uuid":{"unknown":"0000"}}},)"
    R"({"lhs":{"protocol":13,"lhs_data":"045d888aeb1cc9119fe808002b1048600200"},"rhs":{"uuid":{"unknown":"0000"}}},)"
    R"({"lhs":{"protocol":11,"lhs_data":""},"rhs":{"ncacn":{"minor_version":0}}},)"
    R"({"lhs":{"protocol":7,"lhs_data":""},"rhs":{"tcp":{"port":135}}},)"
    R"({"lhs":{"protocol":9,"lhs_data":""},"rhs":{"ip":{"ipaddr":"127.0.0.1"}}}]}})";
const char kHandle[] = R"({"handle_type":0,"uuid":"6ff1d63f-6a2b-4a53-9a56-e28b4ae64f5e"})";
}  // namespace

TEST_CASE("interp: every epmapper operation", "[ncacall][interp]") {
  using namespace epmapper;
  std::string tower = kTower, handle = kHandle;
  std::string entry = R"({"object":"01234567-89ab-cdef-0123-456789abcdef","tower":)" + tower +
                      R"(,"__annotation_offset":0,"__annotation_length":5,"annotation":"echo"})";
  same_op<epm_Insert>("epm_Insert", R"({"num_ents":1,"entries":[)" + entry + R"(],"replace":1})", R"({"result":0})");
  same_op<epm_Delete>("epm_Delete", R"({"num_ents":1,"entries":[)" + entry + "]}", R"({"result":0})");
  same_op<epm_Lookup>("epm_Lookup",
                      R"({"inquiry_type":0,"object":null,"interface_id":{"uuid":"60a15ec5-4de8-11d7-a637-005056a20182",)"
                      R"("vers_major":1,"vers_minor":0},"vers_option":1,"entry_handle":)" + handle + R"(,"max_ents":2})",
                      R"({"entry_handle":)" + handle + R"(,"num_ents":1,"entries":[)" + entry + R"(],"result":0})");
  same_op<epm_Map>("epm_Map", R"({"object":null,"map_tower":)" + tower + R"(,"entry_handle":)" + handle +
                                  R"(,"max_towers":4})",
                   R"({"entry_handle":)" + handle + R"(,"num_towers":2,"towers":[{"twr":)" + tower + R"(},{"twr":null}],"result":0})");
  same_op<epm_LookupHandleFree>("epm_LookupHandleFree", R"({"entry_handle":)" + handle + "}",
                                R"({"entry_handle":)" + handle + R"(,"result":0})");
  same_op<epm_InqObject>("epm_InqObject", R"({"epm_object":"01234567-89ab-cdef-0123-456789abcdef"})", R"({"result":0})");
  same_op<epm_MgmtDelete>("epm_MgmtDelete", R"({"object_speced":1,"object":null,"tower":)" + tower + "}",
                          R"({"result":1771})");
}

TEST_CASE("interp: every mgmt operation", "[ncacall][interp]") {
  using namespace mgmt;
  same_op<mgmt_inq_if_ids>("mgmt_inq_if_ids", "{}",
                           R"({"if_id_vector":{"count":2,"if_id":[{"id":{"uuid":"e1af8308-5d1f-11c9-91a4-08002b14a0fa",)"
                           R"("if_version":3}},{"id":null}]},"result":"WERR_OK"})");
  same_op<mgmt_inq_if_ids>("mgmt_inq_if_ids", "{}", R"({"if_id_vector":null,"result":"WERR_ACCESS_DENIED"})");
  same_op<mgmt_inq_stats>("mgmt_inq_stats", R"({"max_count":4,"unknown":0})",
                          R"({"statistics":{"count":4,"statistics":[1,2,3,4]},"result":"WERR_OK"})");
  same_op<mgmt_is_server_listening>("mgmt_is_server_listening", "{}", R"({"status":0,"result":true})");
  same_op<mgmt_stop_server_listening>("mgmt_stop_server_listening", "{}", R"({"result":"WERR_ACCESS_DENIED"})");
  same_op<mgmt_inq_princ_name>("mgmt_inq_princ_name", R"({"authn_proto":9,"princ_name_size":32})",
                               R"({"princ_name":"host/x","result":"WERR_OK"})");
}
