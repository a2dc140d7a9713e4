#!/usr/bin/python3
"""Times Samba's NDR library (through python3-samba) on the values bench_generated_ndr uses.

(a) lsa.TransNameArray with N names "user%05d" (ndr_pack / ndr_unpack), (b) echo.EchoData's
request with a 64 KiB byte array (ndr_pack_in / ndr_unpack_in). The Python call overhead,
measured the same way on an (almost) empty type (echo.info1, one byte), is subtracted.
Prints one line per measurement: `NAME NANOSECONDS_PER_CALL BYTES`.

Usage: bench_generated_samba.py N
"""
import sys
import time

from samba import ndr
from samba.dcerpc import echo, lsa


def per_call(fn, min_time=0.3):
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time:
            return dt / n * 1e9
        n *= 2


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    arr = lsa.TransNameArray()
    names = []
    for i in range(count):
        n = lsa.TranslatedName()
        n.sid_type = 1
        s = lsa.String()
        s.string = "user%05d" % i
        n.name = s
        n.sid_index = i
        names.append(n)
    arr.count = count
    arr.names = names
    blob_a = ndr.ndr_pack(arr)

    r = echo.EchoData()
    r.in_len = 65536
    r.in_in_data = [i & 0xff for i in range(65536)]
    r.out_out_data = []
    blob_b = ndr.ndr_pack_in(r)

    empty = echo.info1()
    empty.v = 1
    blob_e = ndr.ndr_pack(empty)
    overhead_push = per_call(lambda: ndr.ndr_pack(empty))
    overhead_pull = per_call(lambda: ndr.ndr_unpack(echo.info1, blob_e))

    print("a_push %.0f %d" % (per_call(lambda: ndr.ndr_pack(arr)) - overhead_push, len(blob_a)))
    print("a_pull %.0f %d" % (per_call(lambda: ndr.ndr_unpack(lsa.TransNameArray, blob_a)) - overhead_pull, len(blob_a)))
    print("b_push %.0f %d" % (per_call(lambda: ndr.ndr_pack_in(r)) - overhead_push, len(blob_b)))
    print("b_pull %.0f %d" % (per_call(lambda: ndr.ndr_unpack_in(echo.EchoData(), blob_b)) - overhead_pull, len(blob_b)))
    print("overhead %.0f %.0f" % (overhead_push, overhead_pull))
    return 0


if __name__ == "__main__":
    sys.exit(main())
