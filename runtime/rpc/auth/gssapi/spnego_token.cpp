#include "spnego_token.h"

namespace nca::rpc::auth::gss {

namespace {

using View = std::span<const uint8_t>;

// One DER element: tag, contents, and what follows it.
struct Element {
  uint8_t tag = 0;
  View contents;
  View rest;
};

std::optional<Element> read_element(View in) {
  if (in.size() < 2) return {};
  Element e;
  e.tag = in[0];
  size_t at = 2;
  size_t length = in[1];
  if (length & 0x80) {
    size_t n = length & 0x7f;
    if (n == 0 || n > 4 || in.size() < 2 + n) return {};
    length = 0;
    for (size_t i = 0; i < n; ++i) length = length << 8 | in[2 + i];
    at += n;
  }
  if (in.size() - at < length) return {};
  e.contents = in.subspan(at, length);
  e.rest = in.subspan(at + length);
  return e;
}

// The NegTokenResp SEQUENCE's contents of `token`, if it is one.
std::optional<View> neg_token_resp(View token) {
  auto outer = read_element(token);
  if (!outer || outer->tag != 0xa1) return {};
  auto sequence = read_element(outer->contents);
  if (!sequence || sequence->tag != 0x30) return {};
  return sequence->contents;
}

// In a SEQUENCE's contents, the OCTET STRING inside the element tagged [number].
std::optional<View> tagged_octets(View sequence, uint8_t number) {
  while (!sequence.empty()) {
    auto e = read_element(sequence);
    if (!e) return {};
    if (e->tag == (0xa0 | number)) {
      auto octets = read_element(e->contents);
      if (!octets || octets->tag != 0x04) return {};
      return octets->contents;
    }
    sequence = e->rest;
  }
  return {};
}

}  // namespace

bool spnego_has_mech_list_mic(View token) {
  auto sequence = neg_token_resp(token);
  return sequence && tagged_octets(*sequence, 3).has_value();
}

std::optional<View> spnego_inner_token(View token) {
  auto outer = read_element(token);
  if (!outer) return {};
  View body = outer->contents;
  uint8_t number = 0;
  if (outer->tag == 0x60) {
    // InitialContextToken: the SPNEGO OID, then NegTokenInit [0] { mechTypes [0], reqFlags [1],
    // mechToken [2], ... }.
    auto oid = read_element(body);
    if (!oid || oid->tag != 0x06) return {};
    auto init = read_element(oid->rest);
    if (!init || init->tag != 0xa0) return {};
    body = init->contents;
    number = 2;
  } else if (outer->tag == 0xa1) {
    number = 2;  // NegTokenResp: { negState [0], supportedMech [1], responseToken [2], ... }
  } else {
    return {};
  }
  auto sequence = read_element(body);
  if (!sequence || sequence->tag != 0x30) return {};
  return tagged_octets(sequence->contents, number);
}

}  // namespace nca::rpc::auth::gss
