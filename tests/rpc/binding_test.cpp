// nca::rpc::Binding: the string forms Windows and Samba document, round trips,
// and malformed strings with the exact column of the error.
#include "nca/rpc/binding.h"

#include <catch2/catch.hpp>

#include <string>

using nca::rpc::Binding;
using nca::rpc::BindingFlag;
using nca::rpc::Protseq;

namespace {

Binding parse_ok(const std::string& s) {
  auto r = Binding::parse(s);
  INFO("input: " << s);
  if (!r) FAIL("unexpected error: " << r.error().to_string());
  return std::move(r).value();
}

void expect_error(const std::string& s, std::size_t column, const std::string& fragment) {
  auto r = Binding::parse(s);
  INFO("input: " << s);
  REQUIRE_FALSE(r.ok());
  INFO("error: " << r.error().to_string());
  CHECK(r.error().column == column);
  CHECK(r.error().message.find(fragment) != std::string::npos);
}

}  // namespace

TEST_CASE("binding_tcp_with_port", "[rpc][binding]") {
  Binding b = parse_ok("ncacn_ip_tcp:192.0.2.1[135]");
  CHECK(b.protseq() == Protseq::kNcacnIpTcp);
  CHECK(b.host() == "192.0.2.1");
  CHECK(b.endpoint() == "135");
  CHECK(b.port() == 135);
  CHECK_FALSE(b.object());
  CHECK(b.flags() == 0);
  CHECK(is_supported(b.protseq()));
  CHECK(is_connection_oriented(b.protseq()));
}

TEST_CASE("binding_windows_examples", "[rpc][binding]") {
  // The forms of Microsoft's "String Binding" page and RpcStringBindingCompose.
  Binding b = parse_ok("6B29FC40-CA47-1067-B31D-00DD010662DA@ncacn_ip_tcp:anynode.microsoft.com[1024]");
  CHECK(b.object() == "6b29fc40-ca47-1067-b31d-00dd010662da");  // canonical lower case
  CHECK(b.host() == "anynode.microsoft.com");
  CHECK(b.port() == 1024);

  Binding np = parse_ok("ncacn_np:\\\\\\\\myotherserver[\\\\pipe\\\\epmapper]");  // escaped backslashes
  CHECK(np.protseq() == Protseq::kNcacnNp);
  CHECK(np.host() == "\\\\myotherserver");
  CHECK(np.endpoint() == "\\pipe\\epmapper");
  CHECK_FALSE(is_supported(np.protseq()));  // accepted, flagged

  Binding kw = parse_ok("ncacn_ip_tcp:128.10.2.30[endpoint=2001]");
  CHECK(kw.endpoint() == "2001");

  Binding qos = parse_ok("ncalrpc:thismachine[myendpoint,Security=Impersonation Dynamic False]");
  CHECK(qos.protseq() == Protseq::kNcalrpc);
  CHECK(qos.host() == "thismachine");
  CHECK(qos.endpoint() == "myendpoint");
  CHECK(qos.option("security") == "Impersonation Dynamic False");

  Binding udp = parse_ok("ncadg_ip_udp:128.10.2.30[2001]");
  CHECK(udp.protseq() == Protseq::kNcadgIpUdp);
  CHECK_FALSE(is_connection_oriented(udp.protseq()));
  CHECK(udp.port() == 2001);

  Binding bare = parse_ok("ncacn_ip_tcp:");  // no address: the local host, dynamic endpoint
  CHECK(bare.host().empty());
  CHECK_FALSE(bare.endpoint());
}

TEST_CASE("binding_samba_forms", "[rpc][binding]") {
  // The forms smbtorture, rpcclient and Samba's Python bindings are given.
  Binding b = parse_ok("ncacn_ip_tcp:127.0.0.1[1024,sign,seal,bigendian]");
  CHECK(b.port() == 1024);
  CHECK(b.has(BindingFlag::kSign));
  CHECK(b.has(BindingFlag::kSeal));
  CHECK(b.has(BindingFlag::kBigendian));
  CHECK_FALSE(b.has(BindingFlag::kNdr64));

  Binding no_ep = parse_ok("ncacn_ip_tcp:127.0.0.1[,validate]");
  CHECK_FALSE(no_ep.endpoint());
  CHECK(no_ep.has(BindingFlag::kValidate));

  Binding flag_first = parse_ok("ncacn_ip_tcp:127.0.0.1[print]");  // a flag is never the endpoint
  CHECK_FALSE(flag_first.endpoint());
  CHECK(flag_first.has(BindingFlag::kPrint));

  Binding lrpc = parse_ok("ncalrpc:[EPMAPPER]");
  CHECK(lrpc.protseq() == Protseq::kNcalrpc);
  CHECK(lrpc.host().empty());
  CHECK(lrpc.endpoint() == "EPMAPPER");

  Binding np = parse_ok("ncacn_np:localhost[\\pipe\\rpcecho,smb2]");  // Samba leaves '\' unescaped
  CHECK(np.endpoint() == "\\pipe\\rpcecho");
  CHECK(np.has(BindingFlag::kSmb2));

  Binding all = parse_ok(
      "ncacn_ip_tcp:dc1.example.com[49152,krb5,ntlm,spnego,schannel,connect,packet,padcheck,ndr64,smb1,"
      "target_hostname=dc1,target_principal=host/dc1@EXAMPLE.COM,assoc_group_id=0x12345678,localaddress=10.0.0.1]");
  for (BindingFlag f : {BindingFlag::kKrb5, BindingFlag::kNtlm, BindingFlag::kSpnego, BindingFlag::kSchannel,
                        BindingFlag::kConnect, BindingFlag::kPacket, BindingFlag::kPadcheck, BindingFlag::kNdr64,
                        BindingFlag::kSmb1}) {
    CHECK(all.has(f));
  }
  CHECK(all.target_hostname() == "dc1");
  CHECK(all.target_principal() == "host/dc1@EXAMPLE.COM");
  CHECK(all.assoc_group_id() == 0x12345678u);
  CHECK(all.option("localaddress") == "10.0.0.1");

  CHECK(parse_ok("ncacn_ip_tcp:h[135,assoc_group_id=0x1234]").assoc_group_id() == 0x1234u);
  CHECK(parse_ok("ncacn_ip_tcp:h[135,seal=seal]").has(BindingFlag::kSeal));  // Samba's flag=flag
  CHECK(parse_ok("ncacn_ip_tcp:h[135,SIGN]").has(BindingFlag::kSign));  // flag words ignore case
  CHECK(parse_ok("NCACN_IP_TCP:h").protseq() == Protseq::kNcacnIpTcp);

  Binding obj = parse_ok("ncacn_ip_tcp:h[135,object=6b29fc40-ca47-1067-b31d-00dd010662da]");
  CHECK(obj.object() == "6b29fc40-ca47-1067-b31d-00dd010662da");

  Binding hostonly = parse_ok("127.0.0.1[sign]");  // Samba: transport chosen later
  CHECK(hostonly.protseq() == Protseq::kUnspecified);
  CHECK(hostonly.host() == "127.0.0.1");
  CHECK(hostonly.has(BindingFlag::kSign));
}

TEST_CASE("binding_ipv6", "[rpc][binding]") {
  Binding b = parse_ok("ncacn_ip_tcp:fe80::1%eth0[135]");
  CHECK(b.host() == "fe80::1%eth0");
  CHECK(b.port() == 135);
  CHECK(parse_ok("ncacn_ip_tcp:::1[1024,seal]").host() == "::1");
  CHECK(parse_ok("ncadg_ip_udp:2001:db8::17").host() == "2001:db8::17");
  Binding bare = parse_ok("2001:db8::1[sign]");
  CHECK(bare.protseq() == Protseq::kUnspecified);
  CHECK(bare.host() == "2001:db8::1");
  CHECK(bare.to_string() == "2001:db8::1[,sign]");
}

TEST_CASE("binding_round_trips", "[rpc][binding]") {
  // Canonical strings come back byte for byte.
  for (const char* s : {
           "ncacn_ip_tcp:192.0.2.1[135]",
           "ncacn_ip_tcp:",
           "ncalrpc:[EPMAPPER]",
           "ncacn_ip_tcp:127.0.0.1[,sign]",
           "ncacn_ip_tcp:fe80::1%eth0[135,seal,ndr64]",
           "6b29fc40-ca47-1067-b31d-00dd010662da@ncadg_ip_udp:host[2001]",
           "ncacn_np:srv[\\pipe\\lsarpc,smb2]",
           "ncacn_ip_tcp:h[1024,sign,target_hostname=dc1,assoc_group_id=0x0000abcd]",
           "ncalrpc:[ep,Security=Impersonation Dynamic False]",
           "ncacn_at_dsp:server\\@zone[ep]",
       }) {
    CHECK(parse_ok(s).to_string() == s);
  }

  // Values that need escaping survive parse(to_string()).
  Binding b;
  b.set_protseq(Protseq::kNcalrpc)
      .set_host("we@ird[host]\\")
      .set_endpoint("a,b=c]d[e\\")
      .set_flag(BindingFlag::kSeal)
      .set_target_principal("p,q]")
      .add_option("k=ey", "v,a]l\\,");
  std::string text = b.to_string();
  INFO("composed: " << text);
  CHECK(parse_ok(text) == b);

  // An endpoint spelt like a flag word is written with the endpoint= keyword.
  Binding flagish;
  flagish.set_protseq(Protseq::kNcalrpc).set_endpoint("sign");
  CHECK(flagish.to_string() == "ncalrpc:[endpoint=sign]");
  CHECK(parse_ok(flagish.to_string()) == flagish);

  // Samba's composer order: endpoint, flags in table order, then key=value.
  CHECK(parse_ok("ncacn_ip_tcp:h[135,assoc_group_id=0x1,seal,sign]").to_string() ==
        "ncacn_ip_tcp:h[135,sign,seal,assoc_group_id=0x00000001]");
}

TEST_CASE("binding_errors_name_the_column", "[rpc][binding]") {
  expect_error("", 1, "empty");
  expect_error("ncacn_foo:host", 1, "unknown protocol sequence 'ncacn_foo'");
  expect_error(":host", 1, "protocol sequence missing");
  expect_error("6b29fc40-ca47-1067-b31d-00dd010662dx@ncacn_ip_tcp:h", 36, "non-hex");
  expect_error("6b29fc40xca47-1067-b31d-00dd010662da@ncacn_ip_tcp:h", 9, "'-'");
  expect_error("6b29fc40-ca47@ncacn_ip_tcp:h", 14, "36 characters");
  expect_error("ncacn_ip_tcp:host[135", 22, "missing ']'");
  expect_error("ncacn_ip_tcp:host[135]x", 23, "after ']'");
  expect_error("ncacn_ip_tcp:ho]st[135]", 16, "']' without '['");
  expect_error("ncacn_ip_tcp:host[13[5]", 21, "'['");
  expect_error("ncacn_ip_tcp:host[99999]", 19, "not a port number");
  expect_error("ncacn_ip_tcp:host[0]", 19, "not a port number");
  expect_error("ncacn_ip_tcp:host[http]", 19, "not a port number");
  expect_error("ncadg_ip_udp:host[endpoint=13x]", 28, "not a port number");
  expect_error("ncacn_ip_tcp:host[135,sigh]", 23, "unknown option 'sigh'");
  expect_error("ncacn_ip_tcp:host[135,,sign]", 23, "empty option");
  expect_error("ncacn_ip_tcp:host[135,endpoint=136]", 23, "endpoint given twice");
  expect_error("ncacn_ip_tcp:host[135,assoc_group_id=0xzz]", 38, "assoc_group_id");
  expect_error("ncacn_ip_tcp:host[135,assoc_group_id=4660]", 38, "0x and 1-8 hex digits");  // Samba too
  expect_error("ncacn_ip_tcp:host[135,assoc_group_id=0x123456789]", 38, "0x and 1-8 hex digits");
  expect_error("ncacn_ip_tcp:host[135,target_hostname=]", 39, "needs a value");
  expect_error("ncacn_ip_tcp:host[135,sign=yes]", 28, "takes no value");
  expect_error("ncacn_ip_tcp:host[135,=x]", 23, "option name missing");
  expect_error("ncacn_ip_tcp:h[assoc_group_id=0x1,135]", 35, "unknown option '135'");  // only first may be endpoint
  expect_error("ncacn_ip_tcp:host[135,target_hostname=a,target_hostname=b]", 41, "given twice");
  expect_error("ncacn_ip_tcp:host[135,foo=1,FOO=2]", 29, "given twice");
  expect_error("ncacn_ip_tcp:fe80:::1[135]", 14, "not an IPv6 address");
  expect_error("ncacn_ip_tcp:fe80::1%[135]", 14, "not an IPv6 address");
  expect_error("ncalrpc:[../../etc/x]", 10, "plain name");
  expect_error("ncalrpc:[..]", 10, "plain name");
  expect_error("ncacn_ip_tcp:host\\", 18, "backslash at the end");
  expect_error("ncacn_ip_tcp:h[135,object=nope]", 27, "object UUID");
}

TEST_CASE("binding_error_to_string", "[rpc][binding]") {
  auto r = Binding::parse("ncacn_foo:host");
  REQUIRE_FALSE(r);
  CHECK(r.error().to_string() == "column 1: unknown protocol sequence 'ncacn_foo'");
}

TEST_CASE("binding_protseq_table", "[rpc][binding]") {
  using nca::rpc::protseq_from_name;
  using nca::rpc::protseq_name;
  for (Protseq p : {Protseq::kNcacnIpTcp, Protseq::kNcalrpc, Protseq::kNcadgIpUdp, Protseq::kNcacnNp,
                    Protseq::kNcacnHttp, Protseq::kNcacnUnixStream, Protseq::kNcadgMq, Protseq::kNcacnHvsocket}) {
    CHECK(protseq_from_name(protseq_name(p)) == p);
  }
  CHECK(protseq_name(Protseq::kUnspecified).empty());
  CHECK_FALSE(protseq_from_name("ncacn"));
  CHECK(nca::rpc::binding_flag_name(BindingFlag::kNdr64) == "ndr64");
  CHECK_FALSE(nca::rpc::binding_flag_name(static_cast<BindingFlag>(3)));
}

TEST_CASE("binding_mangled_inputs_fail_cleanly", "[rpc][binding]") {
  // Every prefix of a valid string, and every one-byte change to it, either
  // parses (and then survives a round trip) or fails with a column inside
  // the input (or one past its end). Run under ASan this is also a crash test.
  const std::string samples[] = {
      "6b29fc40-ca47-1067-b31d-00dd010662da@ncacn_ip_tcp:fe80::1%eth0[135,sign,target_hostname=x\\,y]",
      "ncalrpc:[ep\\[1\\],Security=Impersonation Dynamic False,assoc_group_id=0x1]",
      "ncacn_np:\\\\\\\\srv[\\pipe\\lsarpc,smb2,seal]",
  };
  const char replacements[] = {'@', ':', '[', ']', ',', '=', '\\', 'x', '0', '%', '\0'};
  std::size_t parsed = 0;
  std::size_t failed = 0;
  auto check_one = [&](const std::string& s) {
    auto r = Binding::parse(s);
    if (r) {
      ++parsed;
      auto again = Binding::parse(r.value().to_string());
      INFO("input: " << s << "\ncomposed: " << r.value().to_string());
      REQUIRE(again.ok());
      CHECK(again.value() == r.value());
    } else {
      ++failed;
      INFO("input: " << s << "\nerror: " << r.error().to_string());
      CHECK(r.error().column >= 1);
      CHECK(r.error().column <= s.size() + 1);
      CHECK_FALSE(r.error().message.empty());
    }
  };
  for (const std::string& sample : samples) {
    for (std::size_t n = 0; n <= sample.size(); ++n) check_one(sample.substr(0, n));
    for (std::size_t i = 0; i < sample.size(); ++i) {
      for (char c : replacements) {
        std::string s = sample;
        s[i] = c;
        check_one(s);
      }
    }
  }
  // Both outcomes must actually occur, or the loop above proves nothing.
  CHECK(parsed > 100);
  CHECK(failed > 100);
}

// The listen form servers take (Binding::parse_listen): parse() plus port 0 and bracketed IPv6.
TEST_CASE("binding_parse_listen_port_zero_and_bracketed_ipv6", "[rpc][binding]") {
  auto any = Binding::parse_listen("ncacn_ip_tcp:127.0.0.1[0]");
  REQUIRE(any);
  CHECK(any.value().host() == "127.0.0.1");
  CHECK(any.value().endpoint() == "0");
  CHECK_FALSE(any.value().port());  // "the kernel picks": no port to connect to

  auto v6 = Binding::parse_listen("ncacn_ip_tcp:[::1][0]");
  REQUIRE(v6);
  CHECK(v6.value().host() == "::1");
  CHECK(v6.value().endpoint() == "0");
  auto v6port = Binding::parse_listen("ncacn_ip_tcp:[fe80::1%lo][135,ndr64]");
  REQUIRE(v6port);
  CHECK(v6port.value().host() == "fe80::1%lo");
  CHECK(v6port.value().port() == 135);
  CHECK(v6port.value().has(BindingFlag::kNdr64));
  auto v6bare = Binding::parse_listen("ncacn_ip_tcp:[::]");
  REQUIRE(v6bare);
  CHECK(v6bare.value().host() == "::");
  CHECK_FALSE(v6bare.value().endpoint());

  // What parse() accepts, parse_listen() reads the same way.
  for (const char* s : {"ncacn_ip_tcp:127.0.0.1[135]", "ncalrpc:[EPMAPPER]", "ncacn_ip_tcp:::1[135]",
                        "6b29fc40-ca47-1067-b31d-00dd010662da@ncacn_ip_tcp:h[1,sign]"}) {
    INFO(s);
    auto a = Binding::parse(s);
    auto b = Binding::parse_listen(s);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a.value() == b.value());
  }
  // The client parser keeps refusing both forms.
  CHECK_FALSE(Binding::parse("ncacn_ip_tcp:127.0.0.1[0]"));
  CHECK_FALSE(Binding::parse("ncacn_ip_tcp:[::1][0]"));
}

TEST_CASE("binding_parse_listen_errors_point_into_the_original_text", "[rpc][binding]") {
  auto big = Binding::parse_listen("ncacn_ip_tcp:host[99999]");
  REQUIRE_FALSE(big);
  CHECK(big.error().column == 19);
  CHECK(big.error().message.find("0-65535") != std::string::npos);
  // After a bracketed host the column still counts the brackets.
  auto v6 = Binding::parse_listen("ncacn_ip_tcp:[::1][http]");
  REQUIRE_FALSE(v6);
  CHECK(v6.error().column == 20);
  // A bracket that does not hold an IPv6 literal is not a host.
  CHECK_FALSE(Binding::parse_listen("ncacn_ip_tcp:[host][0]"));
  CHECK_FALSE(Binding::parse_listen("ncacn_ip_tcp:[::1]x"));
}
