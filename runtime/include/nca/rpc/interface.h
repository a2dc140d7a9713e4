// What generated code tells the runtime about an interface and its operations. The generator emits
// these as constants (see runtime/rpc/README.md); client and server stubs share them.
//
// Every operation has one argument struct R in the style of pidl's `struct echo_AddOne`: its
// [in] members, its [out] members and the return value. Marshalling handles push R's [in] part and
// pull its [out] part (client), or pull [in] and push [out] (server); the local handle hands R
// itself to the server and never marshals. The runtime sees R only through ArgsType (void*), so
// one non-template runtime serves every interface.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "nca/rpc/status.h"
#include "nca/rpc/uuid.h"

namespace nca::rpc {

// The lifecycle of an operation's argument struct, type-erased. R must be default-constructible
// and move-assignable.
struct ArgsType {
  void* (*create)();                   // new R{}
  void (*destroy)(void* r);            // delete (R*)r
  void (*move_assign)(void* dst, void* src);  // *(R*)dst = std::move(*(R*)src)
};

template <class R>
inline constexpr ArgsType kArgsType{
    [] { return static_cast<void*>(new R{}); },
    [](void* r) { delete static_cast<R*>(r); },
    [](void* dst, void* src) { *static_cast<R*>(dst) = std::move(*static_cast<R*>(src)); },
};

// An argument struct owned by the runtime (the server side of a marshalled call, or of a local
// call whose [in] values were moved out of the caller's struct).
class ArgsBox {
 public:
  ArgsBox() = default;
  explicit ArgsBox(const ArgsType& type) : type_(&type), p_(type.create()) {}
  ArgsBox(ArgsBox&& o) noexcept : type_(o.type_), p_(std::exchange(o.p_, nullptr)) {}
  ArgsBox& operator=(ArgsBox&& o) noexcept {
    std::swap(type_, o.type_);
    std::swap(p_, o.p_);
    return *this;
  }
  ~ArgsBox() { if (p_) type_->destroy(p_); }

  void* get() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  const ArgsType* type_ = nullptr;
  void* p_ = nullptr;
};

// Marshalling entries, one per direction and side, generated from the NDR code. `ts` is the
// transfer syntax negotiated for the call (kNdr20 or kNdr64); a stub that does not support it
// returns an ndr Status. Push appends to `out`. Pull reads all of `in` into `r` and fails (never
// crashes, never allocates beyond the NDR limits) on data that does not decode.
using PushFn = Status (*)(const void* r, const SyntaxId& ts, Bytes& out);
// `little_endian`: the byte order the peer declared for `in` (the PDU's drep[0]); pull honours it,
// push always writes little-endian.
using PullFn = Status (*)(std::span<const uint8_t> in, const SyntaxId& ts, bool little_endian,
                          void* r);

// The text of r's [in] or [out] part in ndr_print's layout (generated; the `print` option).
using PrintFn = std::string (*)(const void* r);

struct OperationSpec {
  std::string_view name;  // the IDL name, "echo_AddOne"
  uint16_t opnum = 0;
  const ArgsType* args = nullptr;
  PushFn push_in = nullptr;   // client: [in] part of r -> request stub data
  PullFn pull_in = nullptr;   // server: request stub data -> [in] part of a fresh r
  PushFn push_out = nullptr;  // server: [out] part of r -> response stub data
  PullFn pull_out = nullptr;  // client: response stub data -> [out] part of r
  // A raw operation (raw_operation below): r is a RawArgs and the marshalling handles and the
  // ServerCore move its stub data in and out instead of calling the entries above, which copy.
  bool raw = false;
  // The generated printers (null: none, as for raw and hand-written operations).
  PrintFn print_in = nullptr;
  PrintFn print_out = nullptr;
  // Call semantics from the IDL, which the datagram engine honours (C706 10.1.2): an
  // [idempotent] call may run more than once, a [maybe] call gets no reply, a [broadcast] call
  // goes to every host. Connection-oriented engines run every call at most once and ignore them.
  bool idempotent = false;
  bool maybe = false;
  bool broadcast = false;
};

struct InterfaceSpec {
  std::string_view name;  // "rpcecho"
  SyntaxId id;            // the abstract syntax: interface UUID and version
  std::span<const SyntaxId> transfer_syntaxes;  // those its NDR code supports, preferred first
  std::span<const OperationSpec> operations;    // indexed by opnum
  std::span<const std::string_view> exceptions; // the `exceptions(...)` list; index = wire index
  // [strict_context_handle]: context handles this interface creates are refused (fault
  // nca_s_fault_context_mismatch) by calls on any other interface.
  bool strict_context_handles = false;
};

// The argument struct of a raw operation: stub data in, stub data out, no NDR. Raw clients
// (MarshallingHandle::call_raw) and hand-written servers use it; the local handle moves it.
struct RawArgs {
  Bytes in;
  Bytes out;
};
namespace detail {
// Raw operations carry stub data as it is, whatever the transfer syntax.
template <Bytes RawArgs::*M>
Status raw_push(const void* r, const SyntaxId&, Bytes& out) {
  const Bytes& b = static_cast<const RawArgs*>(r)->*M;
  out.insert(out.end(), b.begin(), b.end());
  return {};
}
template <Bytes RawArgs::*M>
Status raw_pull(std::span<const uint8_t> in, const SyntaxId&, bool, void* r) {
  (static_cast<RawArgs*>(r)->*M).assign(in.begin(), in.end());
  return {};
}
}  // namespace detail

// An operation whose argument struct is RawArgs: the stub data is handed over as it is.
constexpr OperationSpec raw_operation(std::string_view name, uint16_t opnum) {
  return {name,
          opnum,
          &kArgsType<RawArgs>,
          detail::raw_push<&RawArgs::in>,
          detail::raw_pull<&RawArgs::in>,
          detail::raw_push<&RawArgs::out>,
          detail::raw_pull<&RawArgs::out>,
          true};
}

// The transfer syntax a marshalling handle uses for `client` against a server offering
// `server_syntaxes`: the first of the client's that the server also has, or nullptr.
const SyntaxId* choose_transfer_syntax(const InterfaceSpec& client,
                                       std::span<const SyntaxId> server_syntaxes);

}  // namespace nca::rpc
