// A hand-written rpcecho server (uuid 60a15ec5-4de8-11d7-a637-005056a20182 v1.0, idl/rpcecho.idl)
// for engine and interop tests until ncaidl generates the real stubs: AddOne (0), EchoData (1),
// SinkData (2), SourceData (3) and TestSleep (6, completes later on a timer) over raw stub data,
// NDR20 only, in the client's byte order. The other opnums have no handler (nca_s_op_rng_error).
//
// Also a second interface, "ndr64echo" (a made-up UUID), that offers NDR20 and NDR64 and answers
// opnum 0 with the transfer syntax the call was marshalled with, for negotiation tests.
#pragma once

#include <cstdint>
#include <vector>

#include "nca/rpc/executor.h"
#include "nca/rpc/server.h"

namespace cntest {

inline constexpr nca::rpc::SyntaxId kRpcEcho{
    nca::rpc::Uuid::from_literal("60a15ec5-4de8-11d7-a637-005056a20182"), 1, 0};
inline constexpr nca::rpc::SyntaxId kNdr64Echo{
    nca::rpc::Uuid::from_literal("0b1f5e32-7c55-4f0e-a0b4-3d2a9e6c8f11"), 1, 0};

const nca::rpc::InterfaceSpec& rpcecho_spec();
const nca::rpc::InterfaceSpec& ndr64echo_spec();

// The implementation object behind both interfaces. TestSleep's timer runs on `executor`, whose
// time unit is scaled by sleep_unit (1000 ms for smbtorture's seconds; tests use less).
struct EchoImpl {
  nca::rpc::Executor* executor = nullptr;
  uint32_t sleep_unit_ms = 1000;
  uint64_t calls = 0;
  // Calls whose handler holds them (TestSleep waiting); tests check they end.
  uint64_t sleeping = 0;
  // Cancels (co_cancel, orphaned) that reached a sleeping TestSleep through its ServerCall.
  uint64_t cancels = 0;
  // The object UUID of the last AddOne call, as its handler saw it (nil: none).
  nca::rpc::Uuid last_object;
  // Who made the last AddOne or EchoData call, as its handler saw it (security tests).
  nca::rpc::CallerContext last_caller;
};

// Registers both interfaces; `impl` must outlive the registration.
void register_echo(nca::rpc::ServerCore& core, EchoImpl& impl);

// Request stubs, little-endian NDR20, as a client stub would marshal them.
std::vector<uint8_t> addone_in(uint32_t v);
std::vector<uint8_t> echodata_in(const std::vector<uint8_t>& data);
std::vector<uint8_t> sourcedata_in(uint32_t len);
std::vector<uint8_t> sleep_in(uint32_t units);
// Little-endian readers of response stubs; nullopt when malformed.
std::optional<uint32_t> read_u32(const std::vector<uint8_t>& stub, size_t at = 0);
// A conformant byte array (max_count, bytes) at the start of `stub`.
std::optional<std::vector<uint8_t>> read_conformant_bytes(const std::vector<uint8_t>& stub);

}  // namespace cntest
