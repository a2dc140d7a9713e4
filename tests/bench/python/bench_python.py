"""Python bindings benchmark (issue 17): ours (ncarpc) against Samba's (samba.dcerpc.echo), in the
same run, against the same server (the C++ ncaecho-server).

  PYTHONPATH=build/python /usr/bin/python3 tests/bench/python/bench_python.py \
      build/tools/ncaecho/ncaecho-server [SECONDS] [REPS]

(1) synchronous echo_AddOne calls per second, one client, one connection: best of REPS runs of
    SECONDS each, alternating ours and Samba's;
(2) ndr_unpack of an echo_Surrounding holding a 1,000-element uint16 array: Samba's bindings
    unpack only [public] types by themselves, so both decode it as echo_TestSurrounding's
    response stub (Samba: __ndr_unpack_out__, ours: unpack_out); best time per unpack over
    3 x REPS batches of 2,000.
Prints each number and the ratio ours/Samba (calls/s) or Samba/ours (time): > 1 means ours is
faster.
"""
import signal
import subprocess
import sys
import time

import ncarpc
from ncarpc import rpcecho
from samba.credentials import Credentials
from samba.dcerpc import echo
from samba.param import LoadParm


def calls_per_second(fn, seconds):
    n = 0
    end = time.perf_counter() + seconds
    start = time.perf_counter()
    while True:
        for _ in range(200):
            fn(n & 0xffff)
            n += 1
        now = time.perf_counter()
        if now >= end:
            return n / (now - start)


def best_unpack(fn, data, reps, batch=2000):
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn(data)
        best = min(best, (time.perf_counter() - t0) / batch)
    return best


def main():
    server_bin = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    srv = subprocess.Popen([server_bin, "--listen", "ncacn_ip_tcp:127.0.0.1[0]"],
                           stdout=subprocess.PIPE, text=True)
    binding = srv.stdout.readline().strip()
    try:
        ours = rpcecho.rpcecho(ncarpc.connect(binding))
        creds = Credentials()
        creds.set_anonymous()
        theirs = echo.rpcecho(binding, LoadParm(), creds)
        assert ours.echo_AddOne(1) == theirs.AddOne(1) == 2
        best_ours = best_theirs = 0.0
        for _ in range(reps):
            best_ours = max(best_ours, calls_per_second(ours.echo_AddOne, seconds))
            best_theirs = max(best_theirs, calls_per_second(theirs.AddOne, seconds))
        print("AddOne calls/s: ncarpc %.0f, Samba %.0f, ratio %.2f" %
              (best_ours, best_theirs, best_ours / best_theirs))
    finally:
        srv.send_signal(signal.SIGTERM)
        srv.wait(timeout=15)

    ours_op = rpcecho.echo_TestSurrounding()
    ours_op.out.data = rpcecho.echo_Surrounding(x=1000, surrounding=[i & 0xffff for i in range(1000)])
    data = ours_op.pack_out()
    theirs_op = echo.TestSurrounding()
    theirs_op.__ndr_unpack_out__(data)
    assert list(theirs_op.out_data.surrounding) == ours_op.out.data.surrounding
    t_ours = best_unpack(rpcecho.echo_TestSurrounding().unpack_out, data, reps * 3)
    t_theirs = best_unpack(echo.TestSurrounding().__ndr_unpack_out__, data, reps * 3)
    print("ndr_unpack of 1,000 uint16: ncarpc %.2f us, Samba %.2f us, ratio %.2f" %
          (t_ours * 1e6, t_theirs * 1e6, t_theirs / t_ours))
    # The same, then the array as a Python list of ints (both convert on attribute access).
    o, t = rpcecho.echo_TestSurrounding(), echo.TestSurrounding()
    t_ours = best_unpack(lambda d: (o.unpack_out(d), o.out.data.surrounding), data, reps * 3)
    t_theirs = best_unpack(lambda d: (t.__ndr_unpack_out__(d), list(t.out_data.surrounding)),
                           data, reps * 3)
    print("ndr_unpack + list of 1,000 uint16: ncarpc %.2f us, Samba %.2f us, ratio %.2f" %
          (t_ours * 1e6, t_theirs * 1e6, t_theirs / t_ours))


if __name__ == "__main__":
    main()
