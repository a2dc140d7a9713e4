#!/usr/bin/python3
"""ncacall end to end, JSON in and out.

usage: ncacall_test.py NCACALL NCAECHO_SERVER NCAEPMD IDL_DIR CHECK
CHECK:
  cli    list, describe, usage and argument errors, refusals, exit statuses (no server)
  echo   every rpcecho operation JSON can express against ncaecho-server, over ncacn_ip_tcp
         (NDR20 and NDR64) and ncalrpc, a fault by name, --text; then through the endpoint
         mapper (ncaepmd on 127.0.0.1[135]) with a binding without endpoint
  samba  samba-dcerpcd's epmapper (ept_lookup walk, lookup-handle free, ept_map) and mgmt
         (inq_if_ids, is_server_listening, inq_stats), resolved through its mapper
  samba_lsa  Samba's own lsa.idl (tools/samba_source.sh's tree, environment
         NCACALL_SAMBA_SOURCE_SH and NCACALL_SAMBA_CACHE): list, describe a dom_sid2 struct,
         lsa_GetUserName on samba-dcerpcd's lsarpc over ncalrpc
echo, samba and samba_lsa run in a network namespace of their own (unshare -n, needs root: without it the
check fails, it never skips), where 127.0.0.1[135] is free.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import netns

failures = []
ECHO_UUID = "60a15ec5-4de8-11d7-a637-005056a20182"
MGMT_UUID = "afa8bd80-7d8a-11c9-bef4-08002b102989"
EPM_UUID = "e1af8308-5d1f-11c9-91a4-08002b14a0fa"


def check(cond, what, detail=""):
    print(("ok: " if cond else "FAIL: ") + what + ("" if cond or not detail else "\n  " + detail.replace("\n", "\n  ")),
          flush=True)
    if not cond:
        failures.append(what)


class Tool:
    def __init__(self, ncacall, idl_dir):
        self.ncacall, self.idl = ncacall, idl_dir

    def run(self, idl, *args, opts=(), stdin=None):
        cmd = [self.ncacall, *opts, "-I", self.idl, *[os.path.join(self.idl, f) for f in idl], *args]
        p = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120)
        return p.returncode, p.stdout, p.stderr

    def call(self, idl, binding, op, args=None, opts=()):
        a = [binding, op] + ([json.dumps(args)] if args is not None else [])
        rc, out, err = self.run(idl, *a, opts=opts)
        try:
            j = json.loads(out) if rc == 0 and "--text" not in opts else None
        except ValueError:
            j = None
        return rc, j, out, err


class Daemon:
    """A program that prints one line per binding it listens on, then serves until SIGTERM."""

    def __init__(self, argv, lines):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
        self.lines = [self.proc.stdout.readline().strip() for _ in range(lines)]
        if not all(self.lines):
            self.proc.kill()
            raise RuntimeError("%s did not print its bindings: %r" % (argv[0], self.lines))

    def port(self):
        return re.search(r"\[(\d+)\]", self.lines[0]).group(1)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def check_cli(t, *_):
    rc, out, _ = t.run(["rpcecho.idl"], "list")
    check(rc == 0 and "interface rpcecho %s v1.0" % ECHO_UUID in out and
          "  0  void echo_AddOne([in] uint32 in_data, [out] uint32 *out_data)" in out and
          "  9  uint16 echo_TestDoublePointer([in] uint16 ***data)" in out, "list shows rpcecho's ten operations", out)
    rc, out, _ = t.run(["rpcecho.idl"], "describe", "echo_Info")
    check(rc == 0 and "[case(5)] echo_info5 info5;" in out and 'JSON: {"info1":{"v":0}}' in out,
          "describe a union: arms and the JSON it takes", out)
    rc, out, _ = t.run(["rpcecho.idl"], "describe", "echo_TestCall2")
    check(rc == 0 and "opnum 5 of rpcecho" in out and 'in:  {"level":0}' in out, "describe an operation", out)
    rc, out, _ = t.run(["epmapper.idl"], "describe", "epm_twr_t")
    check(rc == 0 and "[value(ndr_size(tower))] uint32 tower_length;" in out and "tower_length" not in out.split("JSON:")[1],
          "describe leaves value() members out of the JSON", out)
    rc, _, err = t.run(["rpcecho.idl"], "describe", "nothing_here")
    check(rc == 2 and "nothing called 'nothing_here'" in err, "describe of an unknown name: exit 2", err)
    rc, _, err = t.run(["rpcecho.idl"], "ncacn_ip_tcp:127.0.0.1[9]", "echo_AddOne", '{"in_data": "x"}')
    check(rc == 2 and "in_data" in err, "an argument of the wrong type: exit 2 naming it, nothing sent", err)
    rc, _, err = t.run(["rpcecho.idl"], "ncacn_ip_tcp:127.0.0.1[9]", "echo_EchoData", '{"len": 3, "in_data": [1]}')
    check(rc == 2 and "array_size_mismatch" in err, "counts that disagree: exit 2 before connecting", err)
    rc, _, err = t.run(["rpcecho.idl"], "ncacn_ip_tcp:127.0.0.1[9]", "echo_Nope")
    check(rc == 2 and "no operation 'echo_Nope'" in err, "unknown operation: exit 2", err)
    rc, _, err = t.run(["rpcecho.idl"], "ncacn_http:127.0.0.1[9]", "echo_AddOne", '{"in_data": 1}')
    check(rc == 2 and "ncacn_http" in err, "a protocol sequence no engine carries is named", err)
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, "bad.idl")
        with open(bad, "w") as f:
            f.write("[uuid(12345678-1234-1234-1234-123456789012), version(1.0)] interface bad { void f([in] int x y); }\n")
        p = subprocess.run([t.ncacall, bad, "list"], capture_output=True, text=True)
        check(p.returncode == 2 and "bad.idl:1" in p.stderr, "IDL errors are the compiler's diagnostics, exit 2", p.stderr)
        pipes = os.path.join(d, "pipes.idl")
        with open(pipes, "w") as f:
            f.write("[uuid(12345678-1234-1234-1234-123456789012), version(1.0), pointer_default(unique)]\n"
                    "interface p { typedef pipe uint32 u32_pipe; void f([in] u32_pipe data); }\n")
        p = subprocess.run([t.ncacall, pipes, "ncacn_ip_tcp:127.0.0.1[9]", "f", '{"data": []}'],
                           capture_output=True, text=True)
        check(p.returncode == 2 and "pipes not supported by the interpreter yet" in p.stderr,
              "a construct the interpreter cannot marshal is refused by name", p.stderr)
    p = subprocess.run([t.ncacall, "--version"], capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout.startswith("ncacall "), "--version")


def echo_calls(t, binding, opts=()):
    idl = ["rpcecho.idl"]

    def call(op, args, expect, what):
        rc, j, out, err = t.call(idl, binding, op, args, opts)
        check(rc == 0 and j == expect, "%s %s: %s" % (" ".join(opts) or "ndr20+64", op, what), out + err)

    call("echo_AddOne", {"in_data": 41}, {"out_data": 42}, "41 + 1")
    call("echo_AddOne", {"in_data": 4294967295}, {"out_data": 0}, "wraps at 2^32")
    call("echo_EchoData", {"len": 5, "in_data": [1, 2, 3, 254, 255]}, {"out_data": [1, 2, 3, 254, 255]}, "echoes bytes")
    call("echo_SinkData", {"len": 3, "data": [7, 8, 9]}, {}, "sinks")
    call("echo_SourceData", {"len": 6}, {"data": [0, 1, 2, 3, 4, 5]}, "sources i & 0xff")
    call("echo_TestCall", {"s1": "Grüße, 世界"}, {"s2": "Grüße, 世界"}, "UTF-16 string both ways")
    infos = {1: {"info1": {"v": 10}}, 2: {"info2": {"v": 20}}, 3: {"info3": {"v": 30}},
             4: {"info4": {"v": 40}}, 5: {"info5": {"v1": 50, "v2": 60}},
             6: {"info6": {"v1": 70, "info1": {"v": 80}}}, 7: {"info7": {"v1": 80, "info4": {"v": 90}}}}
    for level, info in infos.items():
        call("echo_TestCall2", {"level": level}, {"info": info, "result": "NT_STATUS_OK"}, "level %d" % level)
    call("echo_TestSleep", {"seconds": 0}, {"result": 0}, "sleeps 0 s")
    call("echo_TestEnum", {"foo1": "ECHO_ENUM1", "foo2": {"e1": "ECHO_ENUM2", "e2": "ECHO_ENUM1_32"},
                           "foo3": {"e1": "ECHO_ENUM2"}},
         {"foo1": 1, "foo2": {"e1": 2, "e2": 1}, "foo3": {"e1": 2}}, "enums by name in, numbers out")
    call("echo_TestSurrounding", {"data": {"x": 3, "surrounding": [1, 2, 3]}},
         {"data": {"x": 6, "surrounding": [0, 0, 0, 0, 0, 0]}}, "doubles the conformant array")
    call("echo_TestDoublePointer", {"data": 513}, {"result": 513}, "***data")
    call("echo_TestDoublePointer", {"data": None}, {"result": 0}, "a null pointer")
    rc, _, out, err = t.call(idl, binding, "echo_TestCall2", {"level": 8}, opts)
    check(rc == 1 and "nca_s_fault_invalid_tag" in err, "a fault is named: exit 1", out + err)


def check_echo(t, server, epmd):
    d = tempfile.mkdtemp(prefix="ncacall_echo_")
    s = Daemon([server, "--ncalrpc-dir", d, "--listen", "ncacn_ip_tcp:127.0.0.1[0]", "ncalrpc:[echo]"], 2)
    try:
        b = "ncacn_ip_tcp:127.0.0.1[%s]" % s.port()
        echo_calls(t, b)
        echo_calls(t, b, opts=("--syntax", "ndr64"))
        echo_calls(t, "ncalrpc:[echo]", opts=("--ncalrpc-dir", d, "--syntax", "ndr20"))
        rc, _, out, err = t.call(["rpcecho.idl"], b, "echo_TestCall2", {"level": 5}, opts=("--text",))
        check(rc == 0 and out == "info.info5.v1 = 50\ninfo.info5.v2 = 60\nresult = NT_STATUS_OK\n", "--text", out + err)
        rc, out, err = t.run(["rpcecho.idl"], b, "echo_AddOne", "-", stdin='{"in_data": 1}')
        check(rc == 0 and json.loads(out) == {"out_data": 2}, "arguments from standard input", out + err)
    finally:
        s.stop()
    # The connectionless engine: every operation over ncadg_ip_udp (NDR20, the only syntax
    # datagrams carry, whatever --syntax offers).
    u = Daemon([server, "--listen", "ncadg_ip_udp:127.0.0.1[0]"], 1)
    try:
        check(u.lines[0].startswith("ncadg_ip_udp:"), "ncaecho-server listens on UDP", u.lines[0])
        echo_calls(t, "ncadg_ip_udp:127.0.0.1[%s]" % u.port())
    finally:
        u.stop()
    # Resolution through the endpoint mapper: the server registers with ncaepmd; the binding
    # names no endpoint.
    m = Daemon([epmd, "--ncalrpc-dir", d, "--listen", "ncacn_ip_tcp:127.0.0.1[135]", "ncalrpc:[EPMAPPER]"], 2)
    s = Daemon([server, "--ncalrpc-dir", d, "--epm", "ncacn_ip_tcp:127.0.0.1", "--listen", "ncacn_ip_tcp:127.0.0.1[0]"], 1)
    try:
        rc, j, out, err = t.call(["rpcecho.idl"], "ncacn_ip_tcp:127.0.0.1", "echo_AddOne", {"in_data": 6})
        check(rc == 0 and j == {"out_data": 7}, "a binding without endpoint is resolved through the mapper", out + err)
        # A lookup by interface (one call: a context handle does not outlive ncacall's connection).
        rc, j, out, err = t.call(["epmapper.idl"], "ncacn_ip_tcp:127.0.0.1[135]", "epm_Lookup",
                                 {"inquiry_type": "RPC_C_EP_MATCH_BY_IF", "object": None,
                                  "interface_id": {"uuid": ECHO_UUID, "vers_major": 1, "vers_minor": 0},
                                  "vers_option": "RPC_C_VERS_EXACT", "max_ents": 10})
        ok = rc == 0 and j["result"] == 0 and j["num_ents"] >= 1 and all(
            e["tower"]["tower"]["floors"][0]["lhs"]["lhs_data"].startswith("c55ea160e84dd711") for e in j["entries"])
        check(ok, "ncaepmd's ept_lookup lists the echo server's registration", out + err)
    finally:
        s.stop()
        m.stop()


def start_samba():
    """samba-dcerpcd (standalone, loopback only) with its rpcd helpers; its mapper on 127.0.0.1[135]."""
    d = tempfile.mkdtemp(prefix="ncacall_samba_")
    for sub in ("lock", "state", "cache", "pid", "priv", "log", "ncalrpc"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    with open(os.path.join(d, "smb.conf"), "w") as f:
        f.write("[global]\nserver role = standalone server\ninterfaces = lo\nbind interfaces only = yes\n"
                "rpc start on demand helpers = false\n" +
                "".join("%s = %s/%s\n" % (k, d, v) for k, v in (
                    ("lock directory", "lock"), ("state directory", "state"), ("cache directory", "cache"),
                    ("pid directory", "pid"), ("private dir", "priv"), ("log file", "log/log.%m"),
                    ("ncalrpc dir", "ncalrpc"))))
    samba = subprocess.Popen(["/usr/libexec/samba/samba-dcerpcd", "-s", os.path.join(d, "smb.conf"),
                              "--libexec-rpcds", "-F", "--no-process-group"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samba.ncalrpc_dir = os.path.join(d, "ncalrpc")
    return samba


def stop_samba(samba):
    samba.send_signal(signal.SIGTERM)
    try:
        samba.wait(timeout=15)
    except subprocess.TimeoutExpired:
        samba.kill()


def check_samba(t, *_):
    samba = start_samba()
    epm = "ncacn_ip_tcp:127.0.0.1[135]"
    try:
        lookup = {"inquiry_type": "RPC_C_EP_ALL_ELTS", "object": None, "interface_id": None,
                  "vers_option": "RPC_C_VERS_ALL", "max_ents": 500}
        for _ in range(100):
            rc, j, out, err = t.call(["epmapper.idl"], epm, "epm_Lookup", lookup)
            if rc == 0:
                break
            time.sleep(0.2)
        # Samba answers its last batch with ept_s_not_registered (0x16c9a0d6).
        ok = rc == 0 and j["result"] in (0, 0x16c9a0d6) and j["num_ents"] == len(j["entries"]) > 0
        summary = "rc %s result %s num_ents %s entries %s" % (
            rc, j and j.get("result"), j and j.get("num_ents"), j and len(j.get("entries", [])))
        check(ok, "samba-dcerpcd's epm_Lookup: entries with towers, JSON out", summary + "\n" + err)
        if ok:
            handle = j["entry_handle"]
            rc, j2, out, err = t.call(["epmapper.idl"], epm, "epm_LookupHandleFree", {"entry_handle": handle})
            check(rc == 0 and "result" in j2, "epm_LookupHandleFree with the handle epm_Lookup returned", out + err)
            # ept_map for the first ncacn_ip_tcp entry's interface: a tower back.
            tcp = [e for e in j["entries"] if e["tower"] and any(
                f["lhs"]["protocol"] == 7 for f in e["tower"]["tower"]["floors"])]
            check(bool(tcp), "samba lists ncacn_ip_tcp endpoints")
            if tcp:
                tower = tcp[0]["tower"]
                rc, j3, out, err = t.call(["epmapper.idl"], epm, "epm_Map",
                                          {"object": None, "map_tower": tower, "max_towers": 4})
                check(rc == 0 and j3["result"] == 0 and j3["num_towers"] >= 1 and j3["towers"][0]["twr"],
                      "epm_Map of a listed tower answers a tower", out + err)
        rc, j, out, err = t.call(["mgmt.idl"], epm, "mgmt_inq_if_ids")
        ok = rc == 0 and j["result"] == "WERR_OK" and any(
            x["id"] and x["id"]["uuid"] == EPM_UUID for x in j["if_id_vector"]["if_id"])
        check(ok, "samba-dcerpcd's mgmt_inq_if_ids lists epmapper", out + err)
        rc, j, out, err = t.call(["mgmt.idl"], epm, "mgmt_is_server_listening")
        check(rc == 0 and j["result"] is True and j["status"] == 0, "mgmt_is_server_listening: true", out + err)
        rc, j, out, err = t.call(["mgmt.idl"], epm, "mgmt_inq_stats", {"max_count": 4, "unknown": 0})
        check(rc == 0 and j["statistics"]["count"] == 4 and len(j["statistics"]["statistics"]) == 4,
              "mgmt_inq_stats: four counters", out + err)
        rc, j, out, err = t.call(["mgmt.idl"], epm, "mgmt_stop_server_listening")
        check(rc == 0 and j["result"] != "WERR_OK", "mgmt_stop_server_listening is refused by Samba", out + err)
    finally:
        stop_samba(samba)


def check_samba_lsa(t, *_):
    """Samba's own lsa.idl (security.idl's dom_sid, misc.idl's policy_handle) against
    samba-dcerpcd's lsarpc: list, describe, then lsa_GetUserName. lsa_OpenPolicy2 is refused
    by the interpreter (its security_descriptor has pidl [relative] pointers); calls taking a
    policy handle could not use it anyway: each ncacall run is a new association, and Samba
    keeps a handle in the association group that opened it."""
    samba_idl = os.environ["NCACALL_SAMBA_IDL"]
    lsa = Tool(t.ncacall, samba_idl)
    rc, out, err = lsa.run(["lsa.idl"], "list")
    check(rc == 0 and "lsa_OpenPolicy2" in out and "lsa_QueryInfoPolicy" in out, "list Samba's lsa.idl", out + err)
    rc, out, err = lsa.run(["lsa.idl"], "describe", "lsa_DomainInfo")
    check(rc == 0 and "dom_sid2 *sid" in out and '"sid_rev_num"' in out,
          "describe a struct with a dom_sid2: the SID's JSON form", out + err)
    samba = start_samba()
    epm = "ncacn_ip_tcp:127.0.0.1[135]"
    try:
        rc = 1
        for _ in range(100):
            rc, j, out, err = t.call(["mgmt.idl"], epm, "mgmt_is_server_listening")
            if rc == 0:
                break
            time.sleep(0.2)
        # lsa_GetUserName takes no handle: an anonymous caller is told its own name.
        # Samba refuses anonymous lsarpc over ncacn_ip_tcp (access denied); ncalrpc is local.
        rc, j, out, err = lsa.call(["lsa.idl"], "ncalrpc:", "lsa_GetUserName",
                                   {"system_name": None, "account_name": None, "authority_name": None},
                                   opts=("--ncalrpc-dir", samba.ncalrpc_dir))
        name = j and j.get("account_name") and j["account_name"].get("string")
        check(rc == 0 and j["result"] == "NT_STATUS_OK" and name == "Anonymous Logon",
              "lsa_GetUserName on samba-dcerpcd's lsarpc: the caller's name, JSON out", out + err)
    finally:
        stop_samba(samba)


def main():
    ncacall, server, epmd, idl_dir, what = sys.argv[1:6]
    if what == "samba_lsa" and "NCACALL_SAMBA_IDL" not in os.environ:
        # Samba's IDL: the tree tools/samba_source.sh unpacked (the samba_source fixture fetched
        # it; this run finds it cached). Exit 77 (skipped) as that script does without it.
        p = subprocess.run([os.environ["NCACALL_SAMBA_SOURCE_SH"], os.environ["NCACALL_SAMBA_CACHE"]],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(p.stderr)
            return p.returncode
        os.environ["NCACALL_SAMBA_IDL"] = os.path.join(p.stdout.strip(), "librpc", "idl")
    if what in ("echo", "samba", "samba_lsa"):
        rc = netns.enter("NCACALL_NETNS")
        if rc is not None:
            return rc
    t = Tool(ncacall, idl_dir)
    {"cli": check_cli, "echo": check_echo, "samba": check_samba, "samba_lsa": check_samba_lsa}[what](t, server, epmd)
    if failures:
        print("%d failure(s): %s" % (len(failures), failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
