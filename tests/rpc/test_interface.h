// A hand-written stand-in for what ncaidl will generate from this IDL (the shape the stub
// generators will follow; runtime/rpc/README.md walks through it):
//
//   [uuid(3c5e5a4e-6f0e-4b7e-9d4c-1e2f3a4b5c6d), version(1.0), strict_context_handle,
//    exceptions(overflow, divide_by_zero)]
//   interface testecho {
//     void    AddOne([in] uint32 in_data, [out] uint32 *out_data);                    // 0
//     void    EchoData([in] uint32 len, [in,size_is(len)] uint8 in_data[],
//                      [out,size_is(len)] uint8 out_data[]);                          // 1
//     uint32  Sleep([in] uint32 ms);                                                  // 2
//     void    OpenCounter([out] policy_handle *h);                                    // 3
//     uint32  Increment([in] policy_handle *h);                                       // 4
//     void    CloseCounter([in,out] policy_handle *h);                                // 5
//     uint32  Divide([in] uint32 a, [in] uint32 b);                                   // 6
//     void    Unimplemented();                                                        // 7
//   }
//
// The NDR code is hand-written for NDR20 only (the real one comes from nca::ndr); it checks every
// length against the bytes present, as generated code must.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "nca/rpc/binding_handle.h"
#include "nca/rpc/server.h"

namespace testecho {

using namespace nca::rpc;

// ---- types header ------------------------------------------------------------------------
struct AddOne { struct { uint32_t in_data = 0; } in; struct { uint32_t out_data = 0; } out; };
struct EchoData {
  struct { uint32_t len = 0; std::vector<uint8_t> in_data; } in;
  struct { std::vector<uint8_t> out_data; } out;
};
struct Sleep { struct { uint32_t ms = 0; } in; struct { uint32_t result = 0; } out; };
struct OpenCounter { struct { } in; struct { WireContextHandle h; } out; };
struct Increment { struct { WireContextHandle h; } in; struct { uint32_t result = 0; } out; };
struct CloseCounter { struct { WireContextHandle h; } in; struct { WireContextHandle h; } out; };
struct Divide { struct { uint32_t a = 0, b = 0; } in; struct { uint32_t result = 0; } out; };
struct Unimplemented { struct { } in; struct { } out; };

enum class Exception : uint32_t { overflow = 0, divide_by_zero = 1 };

// ---- NDR code (stand-in) -----------------------------------------------------------------
namespace ndr {

constexpr uint32_t kErrBufferTooSmall = 1;
constexpr uint32_t kErrSize = 2;
constexpr uint32_t kErrSyntax = 3;

struct Reader {
  explicit Reader(std::span<const uint8_t> stub) : in(stub) {}
  std::span<const uint8_t> in;
  size_t pos = 0;
  Status status;
  uint32_t u32() {
    if (!status.ok()) return 0;
    if (in.size() - pos < 4) {
      status = Status::ndr(kErrBufferTooSmall, "buffer too small for uint32");
      return 0;
    }
    uint32_t v = in[pos] | in[pos + 1] << 8 | in[pos + 2] << 16 | uint32_t{in[pos + 3]} << 24;
    pos += 4;
    return v;
  }
  void bytes(std::vector<uint8_t>& out, uint32_t n) {
    if (!status.ok()) return;
    if (in.size() - pos < n) {
      status = Status::ndr(kErrBufferTooSmall, "array longer than the stub data");
      return;
    }
    out.assign(in.begin() + pos, in.begin() + pos + n);
    pos += n;
  }
  WireContextHandle handle() {
    WireContextHandle h;
    h.attributes = u32();
    if (!status.ok() || in.size() - pos < 16) {
      if (status.ok()) status = Status::ndr(kErrBufferTooSmall, "buffer too small for a handle");
      return h;
    }
    h.uuid = Uuid::from_wire(in.subspan(pos).first<Uuid::kWireSize>(), /*little_endian=*/true);
    pos += Uuid::kWireSize;
    return h;
  }
};

inline void put_u32(Bytes& out, uint32_t v) {
  for (int s = 0; s < 32; s += 8) out.push_back(static_cast<uint8_t>(v >> s));
}
inline void put_handle(Bytes& out, const WireContextHandle& h) {
  put_u32(out, h.attributes);
  uint8_t wire[Uuid::kWireSize];
  h.uuid.to_wire(wire, /*little_endian=*/true);
  out.insert(out.end(), wire, wire + sizeof wire);
}

inline Status check_syntax(const SyntaxId& ts) {
  return ts == kNdr20 ? Status{} : Status::ndr(kErrSyntax, "only NDR20 is supported");
}

// One push/pull per direction and operation, as pidl emits them.
template <class R, void (*Put)(const R&, Bytes&)>
Status push(const void* r, const SyntaxId& ts, Bytes& out) {
  if (Status st = check_syntax(ts); !st.ok()) return st;
  Put(*static_cast<const R*>(r), out);
  return {};
}
template <class R, void (*Get)(Reader&, R&)>
Status pull(std::span<const uint8_t> in, const SyntaxId& ts, bool /*little_endian*/, void* r) {
  if (Status st = check_syntax(ts); !st.ok()) return st;
  Reader rd{in};
  Get(rd, *static_cast<R*>(r));
  return rd.status;
}

inline void none_put(const auto&, Bytes&) {}
inline void none_get(Reader&, auto&) {}
inline void u32_in_put(const AddOne& r, Bytes& o) { put_u32(o, r.in.in_data); }
inline void u32_in_get(Reader& rd, AddOne& r) { r.in.in_data = rd.u32(); }
inline void u32_out_put(const AddOne& r, Bytes& o) { put_u32(o, r.out.out_data); }
inline void u32_out_get(Reader& rd, AddOne& r) { r.out.out_data = rd.u32(); }

inline void echo_in_put(const EchoData& r, Bytes& o) {
  put_u32(o, r.in.len);
  put_u32(o, static_cast<uint32_t>(r.in.in_data.size()));  // conformance (max_count)
  o.insert(o.end(), r.in.in_data.begin(), r.in.in_data.end());
}
inline void echo_in_get(Reader& rd, EchoData& r) {
  r.in.len = rd.u32();
  uint32_t max_count = rd.u32();
  if (rd.status.ok() && max_count != r.in.len)
    rd.status = Status::ndr(kErrSize, "size_is(len) disagrees with the conformance");
  rd.bytes(r.in.in_data, max_count);
}
inline void echo_out_put(const EchoData& r, Bytes& o) {
  put_u32(o, static_cast<uint32_t>(r.out.out_data.size()));
  o.insert(o.end(), r.out.out_data.begin(), r.out.out_data.end());
}
inline void echo_out_get(Reader& rd, EchoData& r) {
  uint32_t max_count = rd.u32();
  rd.bytes(r.out.out_data, max_count);
}

template <class R>
void result_put(const R& r, Bytes& o) { put_u32(o, r.out.result); }
template <class R>
void result_get(Reader& rd, R& r) { r.out.result = rd.u32(); }

inline void sleep_in_put(const Sleep& r, Bytes& o) { put_u32(o, r.in.ms); }
inline void sleep_in_get(Reader& rd, Sleep& r) { r.in.ms = rd.u32(); }
inline void open_out_put(const OpenCounter& r, Bytes& o) { put_handle(o, r.out.h); }
inline void open_out_get(Reader& rd, OpenCounter& r) { r.out.h = rd.handle(); }
inline void inc_in_put(const Increment& r, Bytes& o) { put_handle(o, r.in.h); }
inline void inc_in_get(Reader& rd, Increment& r) { r.in.h = rd.handle(); }
inline void close_in_put(const CloseCounter& r, Bytes& o) { put_handle(o, r.in.h); }
inline void close_in_get(Reader& rd, CloseCounter& r) { r.in.h = rd.handle(); }
inline void close_out_put(const CloseCounter& r, Bytes& o) { put_handle(o, r.out.h); }
inline void close_out_get(Reader& rd, CloseCounter& r) { r.out.h = rd.handle(); }
inline void div_in_put(const Divide& r, Bytes& o) { put_u32(o, r.in.a); put_u32(o, r.in.b); }
inline void div_in_get(Reader& rd, Divide& r) { r.in.a = rd.u32(); r.in.b = rd.u32(); }

}  // namespace ndr

// ---- interface and operation constants (shared by client and server stubs) ---------------
template <class R, auto PutIn, auto GetIn, auto PutOut, auto GetOut>
constexpr OperationSpec op(std::string_view name, uint16_t opnum) {
  return {name, opnum, &kArgsType<R>, ndr::push<R, PutIn>, ndr::pull<R, GetIn>,
          ndr::push<R, PutOut>, ndr::pull<R, GetOut>};
}

inline constexpr SyntaxId kSyntaxes[] = {kNdr20};
inline constexpr std::string_view kExceptions[] = {"overflow", "divide_by_zero"};
inline constexpr OperationSpec kOperations[] = {
    op<AddOne, ndr::u32_in_put, ndr::u32_in_get, ndr::u32_out_put, ndr::u32_out_get>("AddOne", 0),
    op<EchoData, ndr::echo_in_put, ndr::echo_in_get, ndr::echo_out_put, ndr::echo_out_get>("EchoData", 1),
    op<Sleep, ndr::sleep_in_put, ndr::sleep_in_get, ndr::result_put<Sleep>, ndr::result_get<Sleep>>("Sleep", 2),
    op<OpenCounter, ndr::none_put<OpenCounter>, ndr::none_get<OpenCounter>, ndr::open_out_put,
       ndr::open_out_get>("OpenCounter", 3),
    op<Increment, ndr::inc_in_put, ndr::inc_in_get, ndr::result_put<Increment>,
       ndr::result_get<Increment>>("Increment", 4),
    op<CloseCounter, ndr::close_in_put, ndr::close_in_get, ndr::close_out_put, ndr::close_out_get>(
        "CloseCounter", 5),
    op<Divide, ndr::div_in_put, ndr::div_in_get, ndr::result_put<Divide>, ndr::result_get<Divide>>("Divide", 6),
    op<Unimplemented, ndr::none_put<Unimplemented>, ndr::none_get<Unimplemented>,
       ndr::none_put<Unimplemented>, ndr::none_get<Unimplemented>>("Unimplemented", 7),
};
inline constexpr InterfaceSpec kInterface{
    "testecho",
    {Uuid::from_literal("3c5e5a4e-6f0e-4b7e-9d4c-1e2f3a4b5c6d"), 1, 0},
    kSyntaxes,
    kOperations,
    kExceptions,
    /*strict_context_handles=*/true,
};

// ---- client stub ---------------------------------------------------------------------------
// One function per operation; `r` must stay alive until `done` runs.
template <class R>
CallId call(BindingHandle& h, uint16_t opnum, R& r, BindingHandle::Done done, const CallOptions& o = {}) {
  return h.call(kInterface, kOperations[opnum], &r, o, std::move(done));
}
inline CallId add_one(BindingHandle& h, AddOne& r, BindingHandle::Done d, const CallOptions& o = {}) {
  return call(h, 0, r, std::move(d), o);
}
inline CallId echo_data(BindingHandle& h, EchoData& r, BindingHandle::Done d, const CallOptions& o = {}) {
  return call(h, 1, r, std::move(d), o);
}
inline CallId sleep(BindingHandle& h, Sleep& r, BindingHandle::Done d, const CallOptions& o = {}) {
  return call(h, 2, r, std::move(d), o);
}
// Names a user exception of this interface carried by a client Status.
inline std::optional<Exception> exception_of(const Status& s) {
  if (!s.user_exception || *s.user_exception >= std::size(kExceptions)) return std::nullopt;
  return static_cast<Exception>(*s.user_exception);
}

// ---- server stub ---------------------------------------------------------------------------
class Server {
 public:
  virtual ~Server() = default;
  virtual void AddOne(OpCall<testecho::AddOne> call) = 0;
  virtual void EchoData(OpCall<testecho::EchoData> call) = 0;
  virtual void Sleep(OpCall<testecho::Sleep> call) = 0;
  virtual void OpenCounter(OpCall<testecho::OpenCounter> call) = 0;
  virtual void Increment(OpCall<testecho::Increment> call) = 0;
  virtual void CloseCounter(OpCall<testecho::CloseCounter> call) = 0;
  virtual void Divide(OpCall<testecho::Divide> call) = 0;
};

template <class R, void (Server::*Method)(OpCall<R>)>
void stub(void* impl, ServerCall call) {
  (static_cast<Server*>(impl)->*Method)(OpCall<R>(std::move(call)));
}
inline constexpr HandlerFn kHandlers[] = {
    stub<AddOne, &Server::AddOne>,       stub<EchoData, &Server::EchoData>,
    stub<Sleep, &Server::Sleep>,         stub<OpenCounter, &Server::OpenCounter>,
    stub<Increment, &Server::Increment>, stub<CloseCounter, &Server::CloseCounter>,
    stub<Divide, &Server::Divide>,       nullptr,  // Unimplemented: nca_s_op_rng_error
};
inline ServerInterface server_interface(Server& impl) { return {&kInterface, kHandlers, &impl}; }

}  // namespace testecho
