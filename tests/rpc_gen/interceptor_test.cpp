// Call interceptors (nca/rpc/interceptor.h) on a session of generated rpcecho calls over the
// loopback handle (marshalled both ways, so every size is real): the logging interceptor's lines
// on both sides, span nesting and order, what a failed call reports, and the `print` binding
// option's dump of decoded arguments.
#include <catch2/catch.hpp>

#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "echo_service.h"
#include "nca/rpc/log_interceptor.h"
#include "nca/rpc/print_interceptor.h"
#include "rig.h"
#include "rpcecho_client.h"

using rpcgen_test::Rig;

namespace {

struct EchoRig : Rig {
  ncaecho::EchoService service{executor};
  EchoRig() { REQUIRE(server.register_interface(rpcecho::server_interface(service))); }
};

// The log lines with their durations blanked (the only field that varies between runs).
std::vector<std::string> without_durations(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(std::regex_replace(l, std::regex("duration_us=[0-9]+"), "duration_us=N"));
  return out;
}

}  // namespace

TEST_CASE("log_interceptor_one_line_per_call_on_each_side", "[rpc_gen][interceptor]") {
  EchoRig rig;
  std::vector<std::string> client_lines, server_lines;
  rig.server.add_interceptor(std::make_shared<nca::rpc::LogInterceptor>(
      [&](std::string_view l) { server_lines.emplace_back(l); }));
  nca::rpc::LoopbackHandle handle(rig.executor, rig.server);
  handle.set_binding(nca::rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[5000]").value());
  handle.add_interceptor(std::make_shared<nca::rpc::LogInterceptor>(
      [&](std::string_view l) { client_lines.emplace_back(l); }));
  rpcecho::Client client(handle, rig.drive);

  REQUIRE(client.echo_AddOne(41).value() == 42);
  REQUIRE(client.echo_EchoData(3, {1, 2, 3}).ok());
  // opnum 10 is not an rpcecho operation: the server faults before any handler runs.
  std::optional<nca::rpc::Result<nca::rpc::Bytes>> raw;
  handle.call_raw(rpcecho::kInterface, 10, {}, {}, [&](nca::rpc::Result<nca::rpc::Bytes> r) { raw.emplace(std::move(r)); });
  REQUIRE(rig.drive([&] { return raw.has_value(); }));
  REQUIRE(!raw->ok());

  CHECK(without_durations(client_lines) == std::vector<std::string>{
      "rpc side=client binding=ncacn_ip_tcp:127.0.0.1[5000] interface=rpcecho opnum=0 op=echo_AddOne "
      "status=ok duration_us=N request_bytes=4 response_bytes=4",
      "rpc side=client binding=ncacn_ip_tcp:127.0.0.1[5000] interface=rpcecho opnum=1 op=echo_EchoData "
      "status=ok duration_us=N request_bytes=11 response_bytes=7",
      "rpc side=client binding=ncacn_ip_tcp:127.0.0.1[5000] interface=rpcecho opnum=10 "
      "status=\"" + nca::rpc::to_string(raw->error()) + "\" duration_us=N request_bytes=0 response_bytes=0",
  });
  CHECK(without_durations(server_lines) == std::vector<std::string>{
      "rpc side=server binding=loopback: interface=rpcecho opnum=0 op=echo_AddOne "
      "status=ok duration_us=N request_bytes=4 response_bytes=4",
      "rpc side=server binding=loopback: interface=rpcecho opnum=1 op=echo_EchoData "
      "status=ok duration_us=N request_bytes=11 response_bytes=7",
      "rpc side=server binding=loopback: interface=rpcecho opnum=10 status=\"fault nca_s_op_rng_error "
      "(0x1c010002): opnum 10 not served by rpcecho\" duration_us=N request_bytes=0 response_bytes=0",
  });
}

namespace {
// Records the order of before/after calls and checks each after() gets its own span back.
struct Recorder : nca::rpc::CallInterceptor {
  struct Span : nca::rpc::CallSpan {
    std::string id;
  };
  std::string name;
  std::vector<std::string>* events;
  Recorder(std::string n, std::vector<std::string>* e) : name(std::move(n)), events(e) {}
  std::unique_ptr<nca::rpc::CallSpan> before(const nca::rpc::CallInfo& call) override {
    events->push_back(name + " before " + std::string(call.operation->name));
    auto s = std::make_unique<Span>();
    s->id = name + std::to_string(call.opnum);
    return s;
  }
  void after(const nca::rpc::CallInfo& call, nca::rpc::CallSpan* span) override {
    auto* s = dynamic_cast<Span*>(span);
    events->push_back(name + " after " + (s ? s->id : "no span") + " " +
                      (call.status.ok() ? "ok" : "failed"));
    // The [out]s are set when after() runs on a successful call.
    if (call.operation->opnum == 0 && call.status.ok())
      events->push_back("out " + std::to_string(static_cast<const rpcecho::echo_AddOne*>(call.args)->out.out_data));
  }
};
}  // namespace

TEST_CASE("interceptor_spans_nest_and_see_the_outs", "[rpc_gen][interceptor]") {
  EchoRig rig;
  std::vector<std::string> events;
  nca::rpc::LoopbackHandle handle(rig.executor, rig.server);
  handle.add_interceptor(std::make_shared<Recorder>("A", &events));
  handle.add_interceptor(std::make_shared<Recorder>("B", &events));
  rig.server.add_interceptor(std::make_shared<Recorder>("S", &events));
  rpcecho::Client client(handle, rig.drive);
  REQUIRE(client.echo_AddOne(1).value() == 2);
  CHECK(events == std::vector<std::string>{"A before echo_AddOne", "B before echo_AddOne",
                                           "S before echo_AddOne", "S after S0 ok", "out 2",
                                           "B after B0 ok", "out 2", "A after A0 ok", "out 2"});
}

TEST_CASE("interceptor_sees_a_timeout", "[rpc_gen][interceptor]") {
  EchoRig rig;
  std::vector<std::string> events;
  nca::rpc::LoopbackHandle handle(rig.executor, rig.server);
  handle.add_interceptor(std::make_shared<Recorder>("A", &events));
  nca::rpc::CallOptions options;
  options.timeout = std::chrono::milliseconds(10);
  rpcecho::Client client(handle, ncaecho::drive(rig.executor, ncaecho::Clock::fake), options);
  auto r = client.echo_TestSleep(5);  // 5 s: far beyond the deadline
  REQUIRE(r.error().kind == nca::rpc::StatusKind::timeout);
  CHECK(events == std::vector<std::string>{"A before echo_TestSleep", "A after A6 failed"});
}

TEST_CASE("print_binding_option_dumps_decoded_arguments", "[rpc_gen][interceptor]") {
  EchoRig rig;
  nca::rpc::LoopbackHandle handle(rig.executor, rig.server);
  std::ostringstream captured;
  auto* old = std::cerr.rdbuf(captured.rdbuf());
  handle.set_binding(nca::rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[5000,print]").value());
  rpcecho::Client client(handle, rig.drive);
  auto r = client.echo_AddOne(41);
  std::cerr.rdbuf(old);
  REQUIRE(*r == 42);
  const std::string text = captured.str();
  CAPTURE(text);
  // ndr_print's layout: the function, then its [in] part before the call, [out] part after it.
  auto in = text.find("in_data                  : 0x00000029 (41)");
  auto out = text.find("out_data                 : *");
  auto value = text.find("0x0000002a (42)");
  CHECK(text.find("echo_AddOne: struct echo_AddOne") == 0);
  CHECK(in != std::string::npos);
  CHECK(out != std::string::npos);
  CHECK(value != std::string::npos);
  CHECK(in < out);
}

TEST_CASE("no_print_without_the_option", "[rpc_gen][interceptor]") {
  EchoRig rig;
  nca::rpc::LoopbackHandle handle(rig.executor, rig.server);
  std::ostringstream captured;
  auto* old = std::cerr.rdbuf(captured.rdbuf());
  handle.set_binding(nca::rpc::Binding::parse("ncacn_ip_tcp:127.0.0.1[5000]").value());
  rpcecho::Client client(handle, rig.drive);
  auto r = client.echo_AddOne(41);
  std::cerr.rdbuf(old);
  REQUIRE(*r == 42);
  CHECK(captured.str().empty());
}
