#!/usr/bin/python3
"""Encodes spoolss_RemoteFindFirstPrinterChangeNotifyEx's request with Samba's own NDR code
(python3-samba), the wire shape constructs.idl's c_NotifyEx copies: its spoolss_NotifyType is
pidl's [enum16bit], followed by a uint16. Prints `SYNTAX ENDIAN HEX` per line (SYNTAX 20 or 64,
ENDIAN le or be); constructs_test.cpp pushes the same values and compares every byte.
"""
from samba.dcerpc import misc, spoolss
from samba.ndr import ndr_pack_in

r = spoolss.RemoteFindFirstPrinterChangeNotifyEx()
h = misc.policy_handle()
h.handle_type = 7
h.uuid = misc.GUID("01234567-89ab-cdef-0123-456789abcdef")
r.in_handle = h
r.in_flags = 0x11
r.in_options = 0x22
r.in_local_machine = "ab"
r.in_printer_local = 0x33
t = spoolss.NotifyOptionType()
t.type = 0x0102       # not a listed value: the bytes show the width and the order
t.u1 = 0xaabb
t.u2 = 0x44
t.u3 = 0x55
t.count = 0
t.fields = []         # Samba sends a non-null pointer to an empty array
o = spoolss.NotifyOption()
o.flags = 0x66
o.count = 1
o.types = [t]
r.in_notify_options = o
for ndr64 in (False, True):
    for be in (False, True):
        print(64 if ndr64 else 20, "be" if be else "le", ndr_pack_in(r, bigendian=be, ndr64=ndr64).hex())
