// The ncaecho-client call sequence (see echo_calls.h).
#include "echo_calls.h"

#include <coroutine>
#include <exception>
#include <string>
#include <vector>

#include "pointers.h"

namespace ncaecho {

namespace {

// Counts and reports wrong results.
struct Checker {
  std::ostream& out;
  int failures = 0;
  void line(bool right, const std::string& text) {
    out << (right ? "  " : "  FAILED: ") << text << '\n';
    if (!right) ++failures;
  }
  template <class R>
  bool ok(const R& r, const std::string& what) {
    if (r.ok()) return true;
    line(false, what + ": " + nca::rpc::to_string(r.error()));
    return false;
  }
};

// The smallest eager coroutine: runs until its first co_await, then on from the completions.
struct Detached {
  struct promise_type {
    Detached get_return_object() { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { std::terminate(); }
  };
};

Detached add_twice(rpcecho::Client& client, uint32_t start, std::vector<uint32_t>& seen, bool& finished) {
  auto first = co_await client.echo_AddOne_co(start);
  if (first.ok()) {
    seen.push_back(*first);
    auto second = co_await client.echo_AddOne_co(*first);
    if (second.ok()) seen.push_back(*second);
  }
  finished = true;
}

}  // namespace

int run_echo_calls(rpcecho::Client& client, const rpcecho::Client::Drive& drive, std::ostream& out) {
  Checker c{out};

  if (auto r = client.echo_AddOne(41); c.ok(r, "echo_AddOne(41)"))
    c.line(*r == 42, "echo_AddOne(41) = " + std::to_string(*r));
  if (auto r = client.echo_AddOne(0xffffffff); c.ok(r, "echo_AddOne(0xffffffff)"))
    c.line(*r == 0, "echo_AddOne(0xffffffff) = " + std::to_string(*r) + " (wraps)");

  std::vector<uint8_t> data(1024);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7 + 3);
  if (auto r = client.echo_EchoData(static_cast<uint32_t>(data.size()), data); c.ok(r, "echo_EchoData"))
    c.line(filled(*r) == data, "echo_EchoData(1024 bytes) = " + std::to_string(filled(*r).size()) + " bytes, the same");

  if (auto st = client.echo_SinkData(4096, std::vector<uint8_t>(4096, 0xa5)); st.ok())
    c.line(true, "echo_SinkData(4096 bytes): ok");
  else
    c.line(false, "echo_SinkData: " + nca::rpc::to_string(st));

  if (auto r = client.echo_SourceData(300); c.ok(r, "echo_SourceData(300)")) {
    const auto& bytes = filled(*r);
    bool right = bytes.size() == 300;
    for (size_t i = 0; right && i < bytes.size(); ++i) right = bytes[i] == (i & 0xff);
    c.line(right, "echo_SourceData(300) = " + std::to_string(bytes.size()) + " bytes, byte i = i & 0xff");
  }

  std::string text = "hello from ncaecho, \xc3\xa9t\xc3\xa9 \xe2\x82\xac";
  if (auto r = client.echo_TestCall(text); c.ok(r, "echo_TestCall")) {
    const std::string* back = innermost(*r);
    c.line(back && *back == text, "echo_TestCall(\"" + text + "\") = \"" + (back ? *back : "(null)") + "\"");
  }

  static constexpr uint64_t kExpected[8][2] = {{}, {10}, {20}, {30}, {40}, {50, 60}, {70, 80}, {80, 90}};
  for (uint16_t level = 1; level <= 7; ++level) {
    auto r = client.echo_TestCall2(level);
    if (!c.ok(r, "echo_TestCall2(" + std::to_string(level) + ")")) continue;
    const auto& info = filled(r->info);
    uint64_t a = 0, b = 0;
    switch (level) {
      case 1: a = info.info1().v; break;
      case 2: a = info.info2().v; break;
      case 3: a = info.info3().v; break;
      case 4: a = info.info4().v; break;
      case 5: a = info.info5().v1, b = info.info5().v2; break;
      case 6: a = info.info6().v1, b = info.info6().info1.v; break;
      case 7: a = info.info7().v1, b = info.info7().info4.v; break;
    }
    c.line(a == kExpected[level][0] && b == kExpected[level][1] && r->result.is_ok(),
           "echo_TestCall2(level " + std::to_string(level) + ") = " + std::to_string(a) +
               (level >= 5 ? ", " + std::to_string(b) : "") + ", " + r->result.name());
  }
  if (auto r = client.echo_TestCall2(8); !r.ok())
    c.line(r.error().is_fault(nca::rpc::FaultCode::fault_invalid_tag),
           "echo_TestCall2(level 8) = " + nca::rpc::to_string(r.error()));
  else
    c.line(false, "echo_TestCall2(level 8) succeeded");

  // TestSleep completes asynchronously: two sleeps and an AddOne in flight at once finish in the
  // order of their deadlines, not of their starts.
  std::vector<std::string> order;
  int pending = 3;
  client.echo_TestSleep_async(2, [&](auto r) { --pending, order.push_back(r.ok() ? "TestSleep(" + std::to_string(*r) + ")" : nca::rpc::to_string(r.error())); });
  client.echo_TestSleep_async(1, [&](auto r) { --pending, order.push_back(r.ok() ? "TestSleep(" + std::to_string(*r) + ")" : nca::rpc::to_string(r.error())); });
  client.echo_AddOne_async(1, [&](auto r) { --pending, order.push_back(r.ok() ? "AddOne(" + std::to_string(*r) + ")" : nca::rpc::to_string(r.error())); });
  drive([&] { return pending == 0; });
  std::string seen;
  for (const auto& o : order) seen += (seen.empty() ? "" : ", ") + o;
  c.line(seen == "AddOne(2), TestSleep(1), TestSleep(2)",
         "echo_TestSleep(2), echo_TestSleep(1), echo_AddOne(1) started together; completed: " + seen);

  {
    rpcecho::echo_Enum2 e2;
    e2.e1 = rpcecho::ECHO_ENUM2;
    e2.e2 = rpcecho::ECHO_ENUM2_32;
    rpcecho::echo_Enum3 e3;
    e3.set_e2(e2);
    auto r = client.echo_TestEnum(rpcecho::ECHO_ENUM2, e2, e3);
    if (c.ok(r, "echo_TestEnum")) {
      bool right = filled(r->foo1) == rpcecho::ECHO_ENUM2 && filled(r->foo2) == e2 && filled(r->foo3) == e3;
      c.line(right, "echo_TestEnum(ECHO_ENUM2, {ECHO_ENUM2, ECHO_ENUM2_32}, e2 arm) = the same back");
    }
  }

  {
    rpcecho::echo_Surrounding s;
    s.x = 4;
    s.surrounding = {1, 2, 3, 4};
    if (auto r = client.echo_TestSurrounding(s); c.ok(r, "echo_TestSurrounding")) {
      const auto& d = filled(*r);
      c.line(d.x == 8 && d.surrounding == std::vector<uint16_t>(8, 0),
             "echo_TestSurrounding(x 4) = x " + std::to_string(d.x) + ", " +
                 std::to_string(d.surrounding.size()) + " zeros");
    }
  }

  {
    decltype(rpcecho::echo_TestDoublePointer::In::data) p;
    filled(p) = 7;
    if (auto r = client.echo_TestDoublePointer(p); c.ok(r, "echo_TestDoublePointer"))
      c.line(*r == 7, "echo_TestDoublePointer(***7) = " + std::to_string(*r));
    decltype(rpcecho::echo_TestDoublePointer::In::data) empty;
    if (auto r = client.echo_TestDoublePointer(empty); c.ok(r, "echo_TestDoublePointer(NULL)"))
      c.line(*r == 0, "echo_TestDoublePointer(**NULL) = " + std::to_string(*r));
  }

  std::vector<uint32_t> seen_co;
  bool finished = false;
  add_twice(client, 10, seen_co, finished);
  drive([&] { return finished; });
  c.line(seen_co == std::vector<uint32_t>{11, 12}, "co_await echo_AddOne_co(10), then of that: " +
                                                       (seen_co.size() == 2 ? std::to_string(seen_co[0]) + ", " + std::to_string(seen_co[1]) : std::string("failed")));
  return c.failures;
}

}  // namespace ncaecho
