#include "echo_interface.h"

#include <array>
#include <optional>

namespace cntest {

using namespace nca::rpc;

namespace {

// A reader for the [in] stub data in the client's declared byte order.
struct In {
  std::span<const uint8_t> b;
  bool le;
  size_t pos = 0;
  bool ok = true;
  uint32_t u32() {
    if (b.size() - pos < 4) {
      ok = false;
      return 0;
    }
    const uint8_t* p = b.data() + pos;
    pos += 4;
    return le ? (p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24)
              : (p[3] | p[2] << 8 | p[1] << 16 | uint32_t(p[0]) << 24);
  }
  // A conformant uint8 array whose size_is(len) must agree with its max_count.
  std::span<const uint8_t> array(uint32_t len) {
    uint32_t max_count = u32();
    if (!ok || max_count != len || b.size() - pos < len) {
      ok = false;
      return {};
    }
    auto s = b.subspan(pos, len);
    pos += len;
    return s;
  }
};

void put_u32(Bytes& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

RawArgs& raw(ServerCall& call) { return *static_cast<RawArgs*>(call.args()); }
In reader(ServerCall& call) { return In{raw(call).in, call.caller().little_endian}; }
void bad_stub(ServerCall& call) { call.fault(Fault(FaultCode::fault_ndr, "bad rpcecho stub")); }

void add_one(void* impl, ServerCall call) {
  ++static_cast<EchoImpl*>(impl)->calls;
  static_cast<EchoImpl*>(impl)->last_object = call.object();
  static_cast<EchoImpl*>(impl)->last_caller = call.caller();
  In in = reader(call);
  uint32_t v = in.u32();
  if (!in.ok) return bad_stub(call);
  put_u32(raw(call).out, v + 1);
  call.complete();
}

void echo_data(void* impl, ServerCall call) {
  ++static_cast<EchoImpl*>(impl)->calls;
  static_cast<EchoImpl*>(impl)->last_caller = call.caller();
  In in = reader(call);
  uint32_t len = in.u32();
  auto data = in.array(len);
  if (!in.ok) return bad_stub(call);
  Bytes& out = raw(call).out;
  out.reserve(4 + len);
  put_u32(out, len);
  out.insert(out.end(), data.begin(), data.end());
  call.complete();
}

void sink_data(void* impl, ServerCall call) {
  ++static_cast<EchoImpl*>(impl)->calls;
  In in = reader(call);
  uint32_t len = in.u32();
  in.array(len);
  if (!in.ok) return bad_stub(call);
  call.complete();
}

void source_data(void* impl, ServerCall call) {
  ++static_cast<EchoImpl*>(impl)->calls;
  In in = reader(call);
  uint32_t len = in.u32();
  // Our own limit on what a client can make us allocate.
  if (!in.ok || len > 16 * 1024 * 1024) return bad_stub(call);
  Bytes& out = raw(call).out;
  out.reserve(4 + len);
  put_u32(out, len);
  for (uint32_t i = 0; i < len; ++i) out.push_back(uint8_t(i & 0xff));
  call.complete();
}

void test_sleep(void* impl_ptr, ServerCall call) {
  auto* impl = static_cast<EchoImpl*>(impl_ptr);
  ++impl->calls;
  In in = reader(call);
  uint32_t n = in.u32();
  if (!in.ok) return bad_stub(call);
  ++impl->sleeping;
  // Cancels are advisory: counted, and the sleep goes on to its normal reply.
  call.on_cancel([impl] { ++impl->cancels; });
  impl->executor->start_timer(Executor::Duration(uint64_t(n) * impl->sleep_unit_ms),
                              [impl, n, call = std::move(call)]() mutable {
                                --impl->sleeping;
                                put_u32(raw(call).out, n);
                                call.complete();
                              });
}

// ndr64echo opnum 0: the transfer syntax's UUID as 16 bytes.
void which_syntax(void*, ServerCall call) {
  const auto& ts = call.transfer_syntax();
  Bytes& out = raw(call).out;
  out.assign(ts->uuid.bytes.begin(), ts->uuid.bytes.end());
  call.complete();
}

constexpr std::array<OperationSpec, 10> kEchoOps{
    raw_operation("echo_AddOne", 0),       raw_operation("echo_EchoData", 1),
    raw_operation("echo_SinkData", 2),     raw_operation("echo_SourceData", 3),
    raw_operation("echo_TestCall", 4),     raw_operation("echo_TestCall2", 5),
    raw_operation("echo_TestSleep", 6),    raw_operation("echo_TestEnum", 7),
    raw_operation("echo_TestSurrounding", 8), raw_operation("echo_TestDoublePointer", 9),
};
constexpr std::array<HandlerFn, 10> kEchoHandlers{add_one,    echo_data, sink_data, source_data,
                                                  nullptr,    nullptr,   test_sleep, nullptr,
                                                  nullptr,    nullptr};
constexpr std::array<SyntaxId, 1> kNdr20Only{kNdr20};
constexpr std::array<SyntaxId, 2> kBoth{kNdr64, kNdr20};
constexpr std::array<OperationSpec, 1> kN64Ops{raw_operation("which_syntax", 0)};
constexpr std::array<HandlerFn, 1> kN64Handlers{which_syntax};

const InterfaceSpec kEchoSpec{"rpcecho", kRpcEcho, kNdr20Only, kEchoOps, {}, false};
const InterfaceSpec kN64Spec{"ndr64echo", kNdr64Echo, kBoth, kN64Ops, {}, false};

}  // namespace

const InterfaceSpec& rpcecho_spec() { return kEchoSpec; }
const InterfaceSpec& ndr64echo_spec() { return kN64Spec; }

void register_echo(ServerCore& core, EchoImpl& impl) {
  core.register_interface(ServerInterface{&kEchoSpec, kEchoHandlers, &impl});
  core.register_interface(ServerInterface{&kN64Spec, kN64Handlers, &impl});
}

std::vector<uint8_t> addone_in(uint32_t v) {
  Bytes b;
  put_u32(b, v);
  return b;
}
std::vector<uint8_t> echodata_in(const std::vector<uint8_t>& data) {
  Bytes b;
  put_u32(b, uint32_t(data.size()));
  put_u32(b, uint32_t(data.size()));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}
std::vector<uint8_t> sourcedata_in(uint32_t len) { return addone_in(len); }
std::vector<uint8_t> sleep_in(uint32_t units) { return addone_in(units); }

std::optional<uint32_t> read_u32(const std::vector<uint8_t>& s, size_t at) {
  if (s.size() < at + 4) return std::nullopt;
  return s[at] | s[at + 1] << 8 | s[at + 2] << 16 | uint32_t(s[at + 3]) << 24;
}

std::optional<std::vector<uint8_t>> read_conformant_bytes(const std::vector<uint8_t>& s) {
  auto n = read_u32(s);
  if (!n || s.size() - 4 != *n) return std::nullopt;
  return std::vector<uint8_t>(s.begin() + 4, s.end());
}

}  // namespace cntest
