#!/usr/bin/python3
"""Encodes constructs.idl's c_with_encap with Impacket's NDR engine (python3-impacket), an
implementation nobody on this project wrote: a struct {UCHAR pre; union with a USHORT tag and
arms 1: ULONG a, 2: LONGLONG b}. Prints `SYNTAX KIND HEX` per line (SYNTAX 20 or 64).
Impacket fills padding with non-zero bytes, so callers compare the fields at their offsets.
"""
from impacket.dcerpc.v5.dtypes import LONGLONG, UCHAR, ULONG, USHORT
from impacket.dcerpc.v5.ndr import NDRSTRUCT, NDRUNION


class Encap(NDRUNION):
    commonHdr = (('tag', USHORT),)
    union = {1: ('a', ULONG), 2: ('b', LONGLONG)}


class WithEncap(NDRSTRUCT):
    structure = (('pre', UCHAR), ('e', Encap))


for ndr64 in (False, True):
    for kind, field, value in ((1, 'a', 0xaabbccdd), (2, 'b', 0x1122334455667788)):
        s = WithEncap(isNDR64=ndr64)
        s['pre'] = 0x55
        s['e']['tag'] = kind
        s['e'][field] = value
        print(64 if ndr64 else 20, kind, s.getData().hex())
