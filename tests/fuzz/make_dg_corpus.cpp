// Writes the seed corpus of fuzz_dg_pdu: one file per DG PDU type (decoder mode, byte 0 = 0) and
// a few whole conversations (engine mode, byte 0 = 1: 2-byte length-prefixed datagrams): a
// one-fragment call with its ping and ack, a three-fragment call with facks, a cancel.
//   fuzz_dg_corpus DIR
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nca/rpc/dg/pdu.h"

using namespace nca::rpc;
using namespace nca::rpc::dg;

namespace {

constexpr Uuid kIf = Uuid::from_literal("6f1c0b0e-7c3a-4d6b-9a51-2e8c4f0d1a77");
constexpr Uuid kAct = Uuid::from_literal("0a0b0c0d-1111-2222-3333-444455556666");

Header header(PduType t, uint32_t seq = 1, uint16_t frag = 0, uint8_t flags = 0) {
  Header h;
  h.type = t;
  h.interface = kIf;
  h.interface_version = 1;
  h.activity = kAct;
  h.seq = seq;
  h.fragnum = frag;
  h.flags1 = flags;
  return h;
}

void write(const std::filesystem::path& p, const Bytes& b) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

Bytes one(uint8_t mode, const Pdu& p) {
  Bytes b{mode};
  encode(p, b);
  return b;
}

void append(Bytes& conv, const Pdu& p) {
  Bytes d = encode(p);
  conv.push_back(uint8_t(d.size()));
  conv.push_back(uint8_t(d.size() >> 8));
  conv.insert(conv.end(), d.begin(), d.end());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  Bytes stub{1, 2, 3, 4, 5, 6, 7, 8};
  FackBody fack{0, 16, 65536, 1464, 3, {0x5}};
  std::vector<std::pair<std::string, Pdu>> pdus = {
      {"request", {header(PduType::request), ByteView(stub), {}}},
      {"response", {header(PduType::response), ByteView(stub), {}}},
      {"fault", {header(PduType::fault), StatusBody{0x1c010003}, {}}},
      {"reject", {header(PduType::reject), StatusBody{0x1c010002}, {}}},
      {"ping", {header(PduType::ping), std::monostate{}, {}}},
      {"working", {header(PduType::working), std::monostate{}, {}}},
      {"nocall", {header(PduType::nocall), std::monostate{}, {}}},
      {"nocall_fack", {header(PduType::nocall), fack, {}}},
      {"ack", {header(PduType::ack), std::monostate{}, {}}},
      {"cl_cancel", {header(PduType::cl_cancel), CancelBody{0, 1}, {}}},
      {"fack", {header(PduType::fack), fack, {}}},
      {"cancel_ack", {header(PduType::cancel_ack), CancelAckBody{0, 1, true}, {}}},
  };
  for (auto& [name, p] : pdus) write(dir / ("pdu_" + name), one(0, p));

  Bytes call{1};
  append(call, {header(PduType::request), ByteView(stub), {}});
  append(call, {header(PduType::ping), std::monostate{}, {}});
  append(call, {header(PduType::request), ByteView(stub), {}});
  append(call, {header(PduType::ack), std::monostate{}, {}});
  write(dir / "conv_one_fragment", call);

  Bytes frags{1};
  append(frags, {header(PduType::request, 2, 1, kFlagFrag | kFlagNoFack), ByteView(stub), {}});
  append(frags, {header(PduType::request, 2, 0, kFlagFrag), ByteView(stub), {}});
  append(frags, {header(PduType::ping, 2), std::monostate{}, {}});
  append(frags, {header(PduType::request, 2, 2, kFlagFrag | kFlagLastFrag), ByteView(stub), {}});
  append(frags, {header(PduType::fack, 2, 0), fack, {}});
  append(frags, {header(PduType::ack, 2), std::monostate{}, {}});
  append(frags, {header(PduType::request, 3, 0, kFlagIdempotent), ByteView(stub), {}});
  append(frags, {header(PduType::cl_cancel, 3), CancelBody{0, 1}, {}});
  write(dir / "conv_fragments", frags);
  return 0;
}
